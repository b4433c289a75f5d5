import { describe, expect, it } from 'vitest';
import { percentAt, placeOf, rangeOf, tickLabel, ticksOf } from './timeline-scale';

const T = Date.parse('2026-04-02T02:00:00Z'); // 10:00 in Beijing
const MIN = 60_000;

describe('timeline scale', () => {
  it('pads the range around every interval and ignores unknown ones', () => {
    const r = rangeOf([{ start: T, end: T + 20 * MIN }, null, { start: T + 5 * MIN, end: T + 25 * MIN }], 0.04)!;
    expect(r.start).toBe(T - MIN);
    expect(r.end).toBe(T + 26 * MIN);
    expect(rangeOf([null])).toBeNull();
    // A single instant still gets a second either side.
    expect(rangeOf([{ start: T, end: T }])).toEqual({ start: T - 1000, end: T + 1000 });
  });

  it('places instants and intervals in percent, clamped', () => {
    const r = { start: T, end: T + 100 * MIN };
    expect(percentAt(r, T + 25 * MIN)).toBe(25);
    expect(percentAt(r, T - MIN)).toBe(0);
    expect(percentAt(r, T + 200 * MIN)).toBe(100);
    expect(placeOf(r, { start: T + 10 * MIN, end: T + 30 * MIN })).toEqual({ left: 10, width: 20 });
    expect(placeOf(r, { start: T + 90 * MIN, end: T + 150 * MIN })).toEqual({ left: 90, width: 10 });
  });

  it('picks nice steps aligned to local time', () => {
    const r = { start: T - 37_000, end: T + 26 * MIN };
    const { step, ticks } = ticksOf(r, 8, 8 * 3600_000);
    expect(step).toBe(5 * MIN);
    expect(ticks[0]).toBe(T);
    expect(ticks.every((t) => (t + 8 * 3600_000) % step === 0)).toBe(true);
    expect(ticks.length).toBeLessThanOrEqual(8);
    expect(ticksOf({ start: T, end: T + 9_000 }, 10).step).toBe(1000);
    expect(tickLabel(T, 5 * MIN, 'zh-CN', 'Asia/Shanghai')).toBe('10:00');
    expect(tickLabel(T + 5000, 5000, 'en', 'Asia/Shanghai')).toBe('10:00:05');
  });
});
