import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMonthsClamped, endOfLocalDay, localDateOf, periodEnd, startOfLocalDay, utcOffsetMs, type CalendarPeriod } from './calendar.js';

const SH = 'Asia/Shanghai';
/** An instant written as Beijing wall time. */
const bj = (wall: string): number => Date.parse(`${wall}+08:00`);

describe('period arithmetic (民法典 第二百零一条至第二百零三条) in Asia/Shanghai', () => {
  // "3 months from 2024-11-30": the corresponding day 2025-02-30 does not exist, so the last
  // day is 2025-02-28 and the period ends at its 24:00 = 2025-03-01T00:00+08:00.
  it.each<[string, CalendarPeriod, string]>([
    ['2024-11-30T10:00:00', { months: 3 }, '2025-03-01T00:00:00'],
    ['2024-11-30T00:00:00', { months: 3 }, '2025-03-01T00:00:00'],
    ['2024-11-30T23:59:59.999', { months: 3 }, '2025-03-01T00:00:00'],
    ['2024-11-29T12:00:00', { months: 3 }, '2025-03-01T00:00:00'], // 02-29 does not exist in 2025 either
    ['2024-11-28T12:00:00', { months: 3 }, '2025-03-01T00:00:00'], // 02-28 exists: same end
    ['2024-11-27T12:00:00', { months: 3 }, '2025-02-28T00:00:00'],
    ['2023-11-30T12:00:00', { months: 3 }, '2024-03-01T00:00:00'], // leap year: last day 2024-02-29
    ['2024-08-31T08:00:00', { months: 6 }, '2025-03-01T00:00:00'], // 6 months (HR 半年): 02-31 → 02-28
    ['2024-03-31T08:00:00', { months: 6 }, '2024-10-01T00:00:00'], // 09-31 → 09-30
    ['2024-01-31T08:00:00', { months: 1 }, '2024-03-01T00:00:00'], // 02-31 → 02-29 (leap)
    ['2024-02-29T08:00:00', { months: 12 }, '2025-03-01T00:00:00'], // 1 year from a leap day → 2025-02-28
    ['2025-02-28T08:00:00', { months: 12 }, '2026-03-01T00:00:00'],
    ['2024-12-31T23:30:00', { months: 12 }, '2026-01-01T00:00:00'],
    ['2024-10-15T09:00:00', { months: 3 }, '2025-01-16T00:00:00'], // crosses a year
    ['2024-12-30T09:00:00', { days: 2 }, '2025-01-02T00:00:00'], // 2 days: last day 2025-01-01
    ['2024-02-28T23:59:59.999', { days: 1 }, '2024-03-01T00:00:00'],
  ])('%s + %j ends at %s', (from, period, end) => {
    expect(periodEnd(bj(from), period, SH)).toBe(bj(end));
  });

  it('the wall time within the start day does not matter, the local date does', () => {
    // 2024-11-29T16:30Z is already 2024-11-30 00:30 in Beijing.
    expect(periodEnd(Date.parse('2024-11-29T16:30:00Z'), { months: 3 }, SH)).toBe(bj('2025-03-01T00:00:00'));
    expect(periodEnd(Date.parse('2024-11-29T15:59:59.999Z'), { months: 3 }, SH)).toBe(bj('2025-03-01T00:00:00'));
    expect(periodEnd(Date.parse('2024-11-26T15:59:59.999Z'), { months: 3 }, SH)).toBe(bj('2025-02-27T00:00:00'));
  });

  it('clamps to the last day of the target month', () => {
    expect(addMonthsClamped({ year: 2024, month: 11, day: 30 }, 3)).toEqual({ year: 2025, month: 2, day: 28 });
    expect(addMonthsClamped({ year: 2024, month: 1, day: 31 }, 1)).toEqual({ year: 2024, month: 2, day: 29 });
    expect(addMonthsClamped({ year: 2024, month: 12, day: 31 }, -1)).toEqual({ year: 2024, month: 11, day: 30 });
    expect(addMonthsClamped({ year: 2024, month: 5, day: 31 }, 14)).toEqual({ year: 2025, month: 7, day: 31 });
  });

  it('end of the local day around Beijing midnight', () => {
    expect(endOfLocalDay(bj('2025-01-01T23:59:59.999'), SH)).toBe(bj('2025-01-02T00:00:00'));
    expect(endOfLocalDay(bj('2025-01-02T00:00:00'), SH)).toBe(bj('2025-01-03T00:00:00'));
    expect(endOfLocalDay(bj('2025-01-01T00:00:00'), SH)).toBe(bj('2025-01-02T00:00:00'));
    // 16:00Z is Beijing midnight: a UTC day is not the local day.
    expect(endOfLocalDay(Date.parse('2025-01-01T15:59:59.999Z'), SH)).toBe(Date.parse('2025-01-01T16:00:00Z'));
    expect(endOfLocalDay(Date.parse('2025-01-01T16:00:00Z'), SH)).toBe(Date.parse('2025-01-02T16:00:00Z'));
  });

  it('Asia/Shanghai is UTC+8 without daylight saving in the years recordings exist', () => {
    for (let y = 1992; y <= 2100; y += 1) {
      expect(utcOffsetMs(Date.UTC(y, 0, 15), SH)).toBe(8 * 3_600_000);
      expect(utcOffsetMs(Date.UTC(y, 6, 15), SH)).toBe(8 * 3_600_000);
    }
  });

  it('rejects a non-integer instant and an unknown zone', () => {
    expect(() => periodEnd(Number.NaN, { months: 3 }, SH)).toThrow(RangeError);
    expect(() => periodEnd(1.5, { months: 3 }, SH)).toThrow(RangeError);
    expect(() => periodEnd(0, { months: 3 }, 'Mars/Olympus_Mons')).toThrow(RangeError);
  });
});

describe('daylight-saving zones (a site outside China)', () => {
  it('a day whose midnight is skipped starts at the transition (São Paulo, 2018-11-04 00:00 → 01:00)', () => {
    expect(startOfLocalDay({ year: 2018, month: 11, day: 4 }, 'America/Sao_Paulo')).toBe(Date.parse('2018-11-04T03:00:00Z'));
    expect(endOfLocalDay(Date.parse('2018-11-03T12:00:00-03:00'), 'America/Sao_Paulo')).toBe(Date.parse('2018-11-04T03:00:00Z'));
  });

  it('a day whose midnight repeats starts at its first midnight (São Paulo, 2018-02-18)', () => {
    // At 2018-02-18T00:00-02:00 clocks went back to 2018-02-17T23:00-03:00: the 18th starts at 00:00-03:00.
    expect(startOfLocalDay({ year: 2018, month: 2, day: 18 }, 'America/Sao_Paulo')).toBe(Date.parse('2018-02-18T03:00:00Z'));
    expect(startOfLocalDay({ year: 2018, month: 2, day: 17 }, 'America/Sao_Paulo')).toBe(Date.parse('2018-02-17T02:00:00Z'));
  });

  it('a month period across a DST change still ends at local midnight (New York)', () => {
    const end = periodEnd(Date.parse('2024-01-31T12:00:00-05:00'), { months: 3 }, 'America/New_York');
    expect(end).toBe(Date.parse('2024-05-01T00:00:00-04:00'));
  });
});

describe('cached offsets', () => {
  /** The offset as Intl names it ("GMT+08:00"), independent of the cache. */
  const referenceOffset = (at: number, tz: string): number => {
    const name = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')!.value;
    const m = /GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(name)!;
    if (m[1] === undefined) return 0;
    return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3_600_000 + Number(m[3]) * 60_000 + Number(m[4] ?? 0) * 1000);
  };

  it('agree with Intl at every instant, including next to DST transitions, in any order of lookup', () => {
    const transitions = [Date.parse('2018-11-04T03:00:00Z'), Date.parse('2018-02-18T02:00:00Z'), Date.parse('2024-03-10T07:00:00Z'), Date.parse('2024-11-03T06:00:00Z'), Date.parse('1988-04-09T18:00:00Z')];
    const near = fc.tuple(fc.constantFrom(...transitions), fc.integer({ min: -2 * 3_600_000, max: 2 * 3_600_000 })).map(([t, d]) => t + d);
    const anywhere = fc.integer({ min: Date.UTC(1980, 0, 1), max: Date.UTC(2100, 0, 1) });
    fc.assert(
      fc.property(fc.array(fc.oneof(near, anywhere), { minLength: 1, maxLength: 30 }), fc.constantFrom('America/Sao_Paulo', 'America/New_York', 'Asia/Shanghai', 'Pacific/Chatham'), (instants, tz) => {
        for (const at of instants) expect(utcOffsetMs(at, tz)).toBe(referenceOffset(at, tz));
      }),
    );
  });
});

describe('period properties', () => {
  const zones = fc.constantFrom('Asia/Shanghai', 'UTC', 'America/Sao_Paulo', 'Europe/London', 'Pacific/Chatham', 'Asia/Kolkata');
  const instant = fc.integer({ min: Date.UTC(1995, 0, 1), max: Date.UTC(2150, 0, 1) });
  const period: fc.Arbitrary<CalendarPeriod> = fc.oneof(fc.record({ months: fc.integer({ min: 1, max: 120 }) }), fc.record({ days: fc.integer({ min: 1, max: 800 }) }));

  it('ends at the start of the day after the (clamped) corresponding day, later than the start', () => {
    fc.assert(
      fc.property(instant, period, zones, (from, p, tz) => {
        const end = periodEnd(from, p, tz);
        expect(end).toBeGreaterThan(from);
        const start = localDateOf(from, tz);
        const lastDay = localDateOf(end - 1, tz);
        if ('months' in p) {
          expect(lastDay).toEqual(addMonthsClamped(start, p.months));
        } else {
          const days = Math.round((Date.UTC(lastDay.year, lastDay.month - 1, lastDay.day) - Date.UTC(start.year, start.month - 1, start.day)) / 86_400_000);
          expect(days).toBe(p.days);
        }
        // end is the first instant of its local day
        expect(localDateOf(end, tz)).not.toEqual(lastDay);
      }),
    );
  });

  it('is monotone in the start instant and in the length', () => {
    fc.assert(
      fc.property(instant, instant, fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 60 }), zones, (a, b, m, extra, tz) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(periodEnd(lo, { months: m }, tz)).toBeLessThanOrEqual(periodEnd(hi, { months: m }, tz));
        expect(periodEnd(lo, { months: m }, tz)).toBeLessThanOrEqual(periodEnd(lo, { months: m + extra }, tz));
      }),
    );
  });

  it('in Beijing, n months is at least n×28 days and at most n×31+1 days', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 120 }), (from, n) => {
        const span = periodEnd(from, { months: n }, SH) - from;
        expect(span).toBeGreaterThan(n * 28 * 86_400_000 - 86_400_000);
        expect(span).toBeLessThanOrEqual((n * 31 + 1) * 86_400_000);
      }),
    );
  });
});
