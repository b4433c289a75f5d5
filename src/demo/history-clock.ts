import { systemClock, type Clock } from '../platform/clock.js';

/**
 * The site's clock while the demo's history is played: set to each step's time, it then runs at
 * real speed from there and never goes backwards (except when the history starts), so the
 * services stamp every record as if it happened then. Back on real time when the history ends:
 * it never runs ahead of the real clock, since every step is planned before the load started.
 */
export class HistoryClock implements Clock {
  private base: number;
  private realAtBase: number;

  constructor(private readonly real: Clock = systemClock) {
    this.base = real.now();
    this.realAtBase = this.base;
  }

  now(): number {
    return this.base + (this.real.now() - this.realAtBase);
  }

  /** Starts the history at `at` (the one move backwards). */
  startAt(at: number): void {
    this.base = at;
    this.realAtBase = this.real.now();
  }

  /** Moves on to `at`; a time already passed leaves the clock where it is. */
  advanceTo(at: number): void {
    if (at > this.now()) this.startAt(at);
  }

  /** Ends the history: the real time from now on. */
  toRealTime(): void {
    const real = this.real.now();
    this.base = Math.max(real, this.now());
    this.realAtBase = real;
  }
}
