import type { ClockReading } from './types';

/**
 * The clock calibration (校时) entry: the custodian either reads the time off the recorder's
 * screen or types the offset they worked out. What the screen showed is carried forward to the
 * moment the form is sent (a clock keeps running while the form is filled in), so the server,
 * which subtracts its own clock then, measures the offset the custodian saw.
 */
export interface ClockEntry {
  mode: 'none' | 'deviceTime' | 'offset';
  /** `YYYY-MM-DDTHH:mm:ss` as typed (the browser's zone). */
  deviceTime: string;
  /** Browser time when the device time was last typed. */
  enteredAt: number;
  direction: 'fast' | 'slow';
  minutes: string;
  seconds: string;
}

export const EMPTY_CLOCK: ClockEntry = { mode: 'none', deviceTime: '', enteredAt: 0, direction: 'fast', minutes: '', seconds: '' };

/** `YYYY-MM-DDTHH:mm:ss` in the browser's zone. */
export function toLocalSeconds(ms: number): string {
  const d = new Date(ms);
  const two = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

export function parseLocal(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) return undefined;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}

/** The offset typed, in ms (device − true); undefined when not a valid entry. */
export function typedOffsetMs(e: Pick<ClockEntry, 'direction' | 'minutes' | 'seconds'>): number | undefined {
  const m = e.minutes.trim() === '' ? 0 : Number(e.minutes);
  const s = e.seconds.trim() === '' ? 0 : Number(e.seconds);
  if (!Number.isInteger(m) || !Number.isInteger(s) || m < 0 || s < 0 || s > 59 || (e.minutes.trim() === '' && e.seconds.trim() === '')) return undefined;
  const ms = (m * 60 + s) * 1000;
  return e.direction === 'slow' ? -ms : ms;
}

/** The reading to send now: `null` for none, `undefined` when the entry is incomplete. */
export function clockReadingOf(e: ClockEntry, browserNow: number): ClockReading | null | undefined {
  if (e.mode === 'none') return null;
  if (e.mode === 'offset') {
    const ms = typedOffsetMs(e);
    return ms === undefined ? undefined : { clockOffsetMs: ms };
  }
  const shown = parseLocal(e.deviceTime);
  if (shown === undefined) return undefined;
  return { deviceTime: Math.round(shown + Math.max(0, browserNow - e.enteredAt)) };
}
