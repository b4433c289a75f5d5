import { describe, expect, it } from 'vitest';
import { lastLocalDays, sumByDay } from './day-buckets.js';

describe('local days for the overview', () => {
  it('Beijing: 30 days of 24 h ending with today, midnight at 16:00 UTC', () => {
    const now = Date.parse('2026-03-10T01:30:00Z'); // 09:30 on 10 March in Beijing
    const days = lastLocalDays(now, 30, 'Asia/Shanghai');
    expect(days).toHaveLength(30);
    expect(days[29]).toEqual({ date: '2026-03-10', from: Date.parse('2026-03-09T16:00:00Z'), to: Date.parse('2026-03-10T16:00:00Z') });
    expect(days[0]!.date).toBe('2026-02-09');
    for (const d of days) expect(d.to - d.from).toBe(86_400_000);
    for (let i = 1; i < days.length; i++) expect(days[i]!.from).toBe(days[i - 1]!.to);
  });

  it('a daylight-saving switch makes one day 23 hours long, and the days still tile', () => {
    const days = lastLocalDays(Date.parse('2026-03-10T12:00:00Z'), 5, 'America/New_York');
    expect(days.map((d) => d.date)).toEqual(['2026-03-06', '2026-03-07', '2026-03-08', '2026-03-09', '2026-03-10']);
    expect(days.find((d) => d.date === '2026-03-08')!.to - days.find((d) => d.date === '2026-03-08')!.from).toBe(23 * 3_600_000);
  });

  it('sums buckets into their days, dropping what lies outside', () => {
    const days = lastLocalDays(Date.parse('2026-03-10T01:30:00Z'), 2, 'Asia/Shanghai');
    const at = (iso: string) => Date.parse(iso);
    const buckets = [
      { at: at('2026-03-08T15:45:00Z'), n: 100 }, // 23:45 on the 8th: before the window
      { at: at('2026-03-08T16:00:00Z'), n: 1 }, // 00:00 on the 9th
      { at: at('2026-03-09T15:45:00Z'), n: 2 }, // 23:45 on the 9th
      { at: at('2026-03-09T16:00:00Z'), n: 4 }, // 00:00 on the 10th
      { at: at('2026-03-10T16:00:00Z'), n: 100 }, // the 11th: after
    ];
    const out = sumByDay(days, buckets, () => ({ n: 0 }), (s, b) => void (s.n += b.n));
    expect(out.map((d) => [d.date, d.sum.n])).toEqual([
      ['2026-03-09', 3],
      ['2026-03-10', 4],
    ]);
  });
});
