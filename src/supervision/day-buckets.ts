import { localDateOf, startOfLocalDay } from '../retention/index.js';

export interface LocalDay {
  /** `YYYY-MM-DD` in the site's time zone. */
  date: string;
  /** First instant of the day (UTC epoch ms). */
  from: number;
  /** First instant of the next day. */
  to: number;
}

const two = (n: number) => String(n).padStart(2, '0');

/** The last `days` local days up to and including the one `now` falls on, oldest first. Pure. */
export function lastLocalDays(now: number, days: number, timeZone: string): LocalDay[] {
  const today = localDateOf(now, timeZone);
  const out: LocalDay[] = [];
  for (let i = days - 1; i >= -1; i--) {
    // Walk calendar dates in UTC arithmetic (no zone involved), then find each one's local midnight.
    const d = new Date(Date.UTC(today.year, today.month - 1, today.day - i));
    const date = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
    out.push({ date: `${date.year}-${two(date.month)}-${two(date.day)}`, from: startOfLocalDay(date, timeZone), to: 0 });
  }
  // The extra day at the end only supplies the last day's end.
  for (let i = 0; i < out.length - 1; i++) out[i]!.to = out[i + 1]!.from;
  out.pop();
  return out;
}

/**
 * Sums time-stamped buckets into the days they fall on (buckets outside every day are dropped).
 * Buckets and days are both sorted; one pass.
 */
export function sumByDay<B extends { at: number }, S>(days: readonly LocalDay[], buckets: readonly B[], zero: () => S, add: (sum: S, b: B) => void): Array<LocalDay & { sum: S }> {
  const out = days.map((d) => ({ ...d, sum: zero() }));
  let i = 0;
  for (const b of [...buckets].sort((x, y) => x.at - y.at)) {
    while (i < out.length && b.at >= out[i]!.to) i++;
    if (i >= out.length) break;
    if (b.at >= out[i]!.from) add(out[i]!.sum, b);
  }
  return out;
}
