/**
 * 统一编码 (R-CLASSIFY): a recording's human-readable code — the unit's code, the device (its
 * serial, or X when unknown), the local date of its corrected start, and a four-digit sequence
 * within that unit, device and day: `S01-A123456-20260402-0007`. Assigned once, at import.
 */
export function codePrefix(unitCode: string, deviceSerial: string | null, startedAt: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(startedAt));
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  const device = (deviceSerial ?? 'X').replace(/[^A-Za-z0-9]/g, '').slice(0, 32) || 'X';
  return `${unitCode}-${device}-${get('year')}${get('month')}${get('day')}-`;
}

/** The code with sequence number `n` (1-based). */
export function codeOf(prefix: string, n: number): string {
  return `${prefix}${String(n).padStart(4, '0')}`;
}
