/**
 * The arithmetic of a horizontal timeline (pure): a time range padded around what it shows, a
 * position in percent for any instant, and "nice" tick steps (1 s … 1 day) so the labels read
 * 10:05, 10:10, 10:15 rather than 10:04:37.
 */

export interface TimeRange {
  start: number;
  end: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const STEPS = [SECOND, 2 * SECOND, 5 * SECOND, 10 * SECOND, 15 * SECOND, 30 * SECOND, MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR];

/** The range covering every interval, padded by `padFraction` of its length on each side (at least a second). */
export function rangeOf(intervals: ReadonlyArray<TimeRange | null>, padFraction = 0.04): TimeRange | null {
  const known = intervals.filter((i): i is TimeRange => i !== null);
  if (known.length === 0) return null;
  const start = Math.min(...known.map((i) => i.start));
  const end = Math.max(...known.map((i) => i.end));
  const pad = Math.max(SECOND, (end - start) * padFraction);
  return { start: start - pad, end: end + pad };
}

/** Where `t` falls in the range, in percent (clamped to 0–100). */
export function percentAt(range: TimeRange, t: number): number {
  const len = range.end - range.start;
  if (len <= 0) return 0;
  return Math.min(100, Math.max(0, ((t - range.start) / len) * 100));
}

/** Left offset and width (percent) of an interval within the range. */
export function placeOf(range: TimeRange, i: TimeRange): { left: number; width: number } {
  const left = percentAt(range, i.start);
  return { left, width: Math.max(0, percentAt(range, i.end) - left) };
}

/**
 * Tick instants: the smallest nice step giving at most `maxTicks` ticks, aligned to the step in
 * local time (`offsetMs` is the zone's offset from UTC, e.g. +8 h for Beijing).
 */
export function ticksOf(range: TimeRange, maxTicks: number, offsetMs = 0): { step: number; ticks: number[] } {
  const len = range.end - range.start;
  const step = STEPS.find((s) => len / s <= maxTicks) ?? Math.ceil(len / maxTicks / (24 * HOUR)) * 24 * HOUR;
  const first = Math.ceil((range.start + offsetMs) / step) * step - offsetMs;
  const ticks: number[] = [];
  for (let t = first; t <= range.end; t += step) ticks.push(t);
  return { step, ticks };
}

/** A clock reading for a tick: seconds only when the step is under a minute. */
export function tickLabel(t: number, step: number, locale: string, timeZone?: string): string {
  const opts: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...(timeZone ? { timeZone } : {}) };
  if (step < MINUTE) opts.second = '2-digit';
  if (step >= 24 * HOUR) return new Intl.DateTimeFormat(locale, { month: '2-digit', day: '2-digit', ...(timeZone ? { timeZone } : {}) }).format(t);
  return new Intl.DateTimeFormat(locale, opts).format(t);
}
