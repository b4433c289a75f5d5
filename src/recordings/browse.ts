/**
 * Browsing by year, month and day in the site's time zone (R-CLASSIFY: 按年月日浏览). Pure.
 * The offset is taken at the start of the period browsed; in zones without daylight saving (the
 * site default, Asia/Shanghai) it is exact, elsewhere a day bucket near a switch can be off by the
 * shift.
 */
export function utcOffsetAt(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(new Date(at));
  const n = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return asUtc - Math.floor(at / 1000) * 1000;
}

/** [from, to) of a local year (month omitted) or month, and the offset to group its days by. */
export function periodRange(year: number, month: number | undefined, timeZone: string): { from: number; to: number; offsetMs: number } {
  const startUtc = Date.UTC(year, (month ?? 1) - 1, 1);
  const endUtc = month === undefined ? Date.UTC(year + 1, 0, 1) : Date.UTC(year, month, 1);
  const offsetMs = utcOffsetAt(startUtc, timeZone);
  return { from: startUtc - offsetMs, to: endUtc - utcOffsetAt(endUtc, timeZone), offsetMs };
}

/** The local calendar date (YYYY-MM-DD) of an instant given the offset. */
export function localDay(at: number, offsetMs: number): string {
  return new Date(at + offsetMs).toISOString().slice(0, 10);
}
