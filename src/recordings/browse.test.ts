import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localDay, periodRange, utcOffsetAt } from './browse.js';

describe('browse periods', () => {
  it('Shanghai is UTC+8 all year; a month runs from local midnight to local midnight', () => {
    expect(utcOffsetAt(Date.parse('2026-07-01T00:00:00Z'), 'Asia/Shanghai')).toBe(8 * 3600_000);
    const r = periodRange(2026, 4, 'Asia/Shanghai');
    expect(new Date(r.from).toISOString()).toBe('2026-03-31T16:00:00.000Z');
    expect(new Date(r.to).toISOString()).toBe('2026-04-30T16:00:00.000Z');
    const y = periodRange(2026, undefined, 'Asia/Shanghai');
    expect(new Date(y.to).toISOString()).toBe('2026-12-31T16:00:00.000Z');
  });

  it('every instant of a month falls on a local day of that month (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2099 }), fc.integer({ min: 1, max: 12 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (year, month, f) => {
        const r = periodRange(year, month, 'Asia/Shanghai');
        const at = Math.floor(r.from + f * (r.to - r.from));
        expect(localDay(at, r.offsetMs).slice(0, 7)).toBe(`${year}-${String(month).padStart(2, '0')}`);
      }),
    );
  });
});
