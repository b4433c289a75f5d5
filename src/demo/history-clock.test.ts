import { describe, expect, it } from 'vitest';
import { fixedClock } from '../platform/clock.js';
import { HistoryClock } from './history-clock.js';

describe('HistoryClock', () => {
  it('starts the history in the past, runs at real speed from each step, never goes back, and ends on real time', () => {
    const real = fixedClock(1_000_000);
    const c = new HistoryClock(real);
    expect(c.now()).toBe(1_000_000);
    c.startAt(100);
    real.advance(5);
    expect(c.now()).toBe(105);
    c.advanceTo(50); // already passed: stays
    expect(c.now()).toBe(105);
    c.advanceTo(500);
    real.advance(1);
    expect(c.now()).toBe(501);
    c.toRealTime();
    expect(c.now()).toBe(real.now());
  });
});
