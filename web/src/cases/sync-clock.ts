/**
 * The synchronized view's arithmetic (pure). One shared timeline in corrected time; each player
 * shows `shared − its recording's corrected start`. Outside its span a player idles ("not yet" /
 * "ended"); inside, a player further than DRIFT_S from its target is re-seeked.
 */

/** Seconds a player may drift from its target before it is re-seeked. */
export const DRIFT_S = 0.3;
/** How often drift is checked while playing. */
export const DRIFT_CHECK_MS = 500;

export interface PlayerSpan {
  /** Corrected start, UTC epoch ms. */
  start: number;
  /** Corrected end. */
  end: number;
}

export type PlayerPhase = 'before' | 'within' | 'after';

/** Where the shared time falls for one recording, and the media time it should show (seconds, clamped to the file). */
export function targetOf(span: PlayerSpan, sharedMs: number): { phase: PlayerPhase; seconds: number } {
  if (sharedMs < span.start) return { phase: 'before', seconds: 0 };
  if (sharedMs >= span.end) return { phase: 'after', seconds: (span.end - span.start) / 1000 };
  return { phase: 'within', seconds: (sharedMs - span.start) / 1000 };
}

/** True when a playing player should be re-seeked to its target. */
export function drifted(currentSeconds: number, targetSeconds: number, limit = DRIFT_S): boolean {
  return Math.abs(currentSeconds - targetSeconds) > limit;
}

/** The shared timeline: from the earliest start to the latest end of the chosen recordings. */
export function sharedRange(spans: readonly PlayerSpan[]): PlayerSpan | null {
  if (spans.length === 0) return null;
  return { start: Math.min(...spans.map((s) => s.start)), end: Math.max(...spans.map((s) => s.end)) };
}

/** A shared time moved by `deltaMs` and kept within the range. */
export function clampTo(range: PlayerSpan, t: number): number {
  return Math.min(range.end, Math.max(range.start, t));
}

/**
 * The shared clock: while running, shared time = anchor time + elapsed wall time × rate. Pausing,
 * seeking and changing the rate re-anchor it, so no error accumulates.
 */
export class SharedClock {
  private anchorShared: number;
  private anchorWall = 0;
  private running = false;

  constructor(
    start: number,
    private readonly wall: () => number,
    private rateValue = 1,
  ) {
    this.anchorShared = start;
  }

  now(): number {
    return this.running ? this.anchorShared + (this.wall() - this.anchorWall) * this.rateValue : this.anchorShared;
  }

  get playing(): boolean {
    return this.running;
  }

  get rate(): number {
    return this.rateValue;
  }

  play(): void {
    if (this.running) return;
    this.anchorWall = this.wall();
    this.running = true;
  }

  pause(): void {
    if (!this.running) return;
    this.anchorShared = this.now();
    this.running = false;
  }

  seek(t: number): void {
    this.anchorShared = t;
    this.anchorWall = this.wall();
  }

  setRate(rate: number): void {
    this.anchorShared = this.now();
    this.anchorWall = this.wall();
    this.rateValue = rate;
  }
}
