/**
 * Calendar arithmetic in a site's time zone, for retention periods and upload deadlines. Pure (its
 * caches only memoize Intl offset look-ups, which cost ~15 µs each).
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

const HOUR_MS = 3_600_000;
/** Caches are dropped wholesale past this many entries (a retention run over decades stays well below). */
const CACHE_LIMIT = 500_000;

interface ZoneCache {
  readonly format: Intl.DateTimeFormat;
  /** UTC offset per hour bucket, for hours in which the offset does not change. */
  readonly hourOffsets: Map<number, number>;
  /** First instant of a local day, by `year*10000 + month*100 + day`. */
  readonly dayStarts: Map<number, number>;
}

const zones = new Map<string, ZoneCache>();

function zone(timeZone: string): ZoneCache {
  let z = zones.get(timeZone);
  if (z === undefined) {
    // Throws RangeError for an unknown zone, which is what we want.
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    z = { format, hourOffsets: new Map(), dayStarts: new Map() };
    zones.set(timeZone, z);
  }
  return z;
}

function remember<K>(map: Map<K, number>, key: K, value: number): number {
  if (map.size >= CACHE_LIMIT) map.clear();
  map.set(key, value);
  return value;
}

/** Throws unless `timeZone` is an IANA zone this runtime knows. */
export function assertTimeZone(timeZone: string): void {
  zone(timeZone);
}

function assertInstant(at: number, what: string): void {
  if (!Number.isSafeInteger(at)) throw new RangeError(`${what} must be an integer epoch-ms instant, got ${String(at)}`);
}

/** The offset straight from Intl (slow: about 15 µs). */
function offsetFromIntl(at: number, z: ZoneCache): number {
  const f = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of z.format.formatToParts(at)) {
    if (p.type === 'year' || p.type === 'month' || p.type === 'day' || p.type === 'hour' || p.type === 'minute' || p.type === 'second') f[p.type] = Number(p.value);
  }
  const wholeSecond = at - (((at % 1000) + 1000) % 1000);
  return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) - wholeSecond;
}

/**
 * Local wall time minus UTC at an instant, in ms (Asia/Shanghai: +8 h). Cached per hour when the
 * offset is the same at both ends of the hour; an hour holding a transition is looked up exactly.
 */
export function utcOffsetMs(at: number, timeZone: string): number {
  const z = zone(timeZone);
  const bucket = Math.floor(at / HOUR_MS);
  const cached = z.hourOffsets.get(bucket);
  if (cached !== undefined) return cached;
  const first = offsetFromIntl(bucket * HOUR_MS, z);
  if (first === offsetFromIntl(bucket * HOUR_MS + HOUR_MS - 1, z)) return remember(z.hourOffsets, bucket, first);
  return offsetFromIntl(at, z);
}

/** The local calendar date of an instant in a time zone. */
export function localDateOf(at: number, timeZone: string): LocalDate {
  assertInstant(at, 'instant');
  const wall = new Date(at + utcOffsetMs(at, timeZone));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
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
 * gap, the transition after which the day has begun. (A day a zone skipped entirely starts where
 * the next one does.)
 */
export function startOfLocalDay(date: LocalDate, timeZone: string): number {
  const z = zone(timeZone);
  const key = date.year * 10_000 + date.month * 100 + date.day;
  const cached = z.dayStarts.get(key);
  if (cached !== undefined) return cached;
  return remember(z.dayStarts, key, findStartOfLocalDay(date, timeZone));
}

function findStartOfLocalDay(date: LocalDate, timeZone: string): number {
  const utcMidnight = Date.UTC(date.year, date.month - 1, date.day);
  // Candidates: local midnight under each offset in force around that day.
  const candidates = [...new Set([utcMidnight - DAY_MS, utcMidnight, utcMidnight + DAY_MS].map((t) => utcOffsetMs(t, timeZone)))].map((o) => utcMidnight - o);
  const exact = candidates.filter((t) => t + utcOffsetMs(t, timeZone) === utcMidnight);
  if (exact.length > 0) return Math.min(...exact);
  // Midnight does not exist: search for the first instant whose local date is `date`.
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
