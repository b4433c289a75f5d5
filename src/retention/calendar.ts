/**
 * Calendar arithmetic in a site's time zone, for retention periods and upload deadlines. Pure.
 *
 * Periods are counted the way Chinese law counts them (民法典 第二百零一条至第二百零三条):
 * - a period in hours starts at the event itself: 24 h after 10:15 is 10:15 the next day;
 * - a period in days, months or years does not count the day of the event; its last day is
 *   the n-th day after it, or the corresponding day (对应日) of the n-th month after it, and
 *   when that month has no such day, the month's last day (2024-11-30 + 3 months → 2025-02-28);
 * - a period ends at 24:00 of its last day, i.e. at the first instant of the next local day.
 *
 * So "3 months from 2024-11-30 (any time of that day, Asia/Shanghai)" ends at
 * 2025-03-01T00:00+08:00 — the instant `periodEnd` returns.
 *
 * Instants are UTC epoch milliseconds (DESIGN invariant 5). Time zones are IANA names; the
 * offset is looked up per instant, so zones with daylight saving work too (a local day that
 * starts inside a DST gap starts at the transition).
 */

/** The default site time zone (no daylight saving since 1991). */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

const DAY_MS = 86_400_000;

/** A calendar date; month 1–12. */
export interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** A retention or upload period as the regulations state it. A year is 12 months. */
export type CalendarPeriod = { readonly months: number } | { readonly days: number };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    // Throws RangeError for an unknown zone, which is what we want.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws unless `timeZone` is an IANA zone this runtime knows. */
export function assertTimeZone(timeZone: string): void {
  formatter(timeZone);
}

function assertInstant(at: number, what: string): void {
  if (!Number.isSafeInteger(at)) throw new RangeError(`${what} must be an integer epoch-ms instant, got ${String(at)}`);
}

interface LocalParts extends LocalDate {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

function localParts(at: number, timeZone: string): LocalParts {
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of formatter(timeZone).formatToParts(at)) {
    if (p.type === 'year' || p.type === 'month' || p.type === 'day' || p.type === 'hour' || p.type === 'minute' || p.type === 'second') {
      out[p.type] = Number(p.value);
    }
  }
  return out;
}

/** The local calendar date of an instant in a time zone. */
export function localDateOf(at: number, timeZone: string): LocalDate {
  assertInstant(at, 'instant');
  const { year, month, day } = localParts(at, timeZone);
  return { year, month, day };
}

/** Local wall time minus UTC at an instant, in ms (Asia/Shanghai: +8 h). */
export function utcOffsetMs(at: number, timeZone: string): number {
  const p = localParts(at, timeZone);
  const wholeSecond = at - (((at % 1000) + 1000) % 1000);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - wholeSecond;
}

function compareDates(a: LocalDate, b: LocalDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/** The date `days` calendar days after `date` (negative goes back). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Number of days in a month (month 1–12). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The corresponding day `months` months later, clamped to that month's last day (民法典 第二百零二条). */
export function addMonthsClamped(date: LocalDate, months: number): LocalDate {
  const index = date.year * 12 + (date.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return { year, month, day: Math.min(date.day, daysInMonth(year, month)) };
}

/**
 * The first instant of a local day: local midnight, or, when midnight falls in a daylight-saving
 * gap, the transition instant after which the day has begun.
 */
export function startOfLocalDay(date: LocalDate, timeZone: string): number {
  const utcMidnight = Date.UTC(date.year, date.month - 1, date.day);
  // Candidates: local midnight under each offset in force around that day.
  const offsets = new Set([utcMidnight - DAY_MS, utcMidnight, utcMidnight + DAY_MS].map((t) => utcOffsetMs(t, timeZone)));
  const exact = [...offsets]
    .map((o) => utcMidnight - o)
    .filter((t) => {
      const p = localParts(t, timeZone);
      return compareDates(p, date) === 0 && p.hour === 0 && p.minute === 0 && p.second === 0;
    });
  if (exact.length > 0) return Math.min(...exact);
  // Midnight does not exist: search the gap for the first instant whose local date is `date`.
  const candidates = [...offsets].map((o) => utcMidnight - o);
  let lo = Math.min(...candidates) - DAY_MS / 2;
  let hi = Math.max(...candidates) + DAY_MS / 2;
  if (compareDates(localDateOf(lo, timeZone), date) >= 0 || compareDates(localDateOf(hi, timeZone), date) < 0) {
    throw new RangeError(`cannot find the start of ${date.year}-${date.month}-${date.day} in ${timeZone}`);
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (compareDates(localDateOf(mid, timeZone), date) >= 0) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** 24:00 of the local day an instant falls on (the next day's first instant). */
export function endOfLocalDay(at: number, timeZone: string): number {
  return startOfLocalDay(addDays(localDateOf(at, timeZone), 1), timeZone);
}

/**
 * The instant a period in days or months that began with an event at `from` ends: 24:00 of its
 * last day in `timeZone` (see the file comment for the rule and its sources).
 */
export function periodEnd(from: number, period: CalendarPeriod, timeZone: string): number {
  assertInstant(from, 'period start');
  const start = localDateOf(from, timeZone);
  const lastDay = 'months' in period ? addMonthsClamped(start, period.months) : addDays(start, period.days);
  return startOfLocalDay(addDays(lastDay, 1), timeZone);
}

/** The instant a period in hours that began at `from` ends (民法典 第二百零一条第二款). */
export function hoursEnd(from: number, hours: number): number {
  assertInstant(from, 'period start');
  return from + hours * 3_600_000;
}

/** A period as text for reasons and docs: "3 months", "2 days". */
export function describePeriod(period: CalendarPeriod): string {
  if ('months' in period) return period.months % 12 === 0 ? `${period.months / 12} year${period.months === 12 ? '' : 's'}` : `${period.months} month${period.months === 1 ? '' : 's'}`;
  return `${period.days} day${period.days === 1 ? '' : 's'}`;
}
