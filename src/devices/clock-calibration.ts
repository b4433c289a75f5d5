/**
 * Clock calibration (校时, R-DEV-CHECK, DESIGN invariant 5). Pure.
 *
 * A calibration is the device clock's offset from true time, `device − true` in ms, measured at a
 * true (server) instant. A recording's corrected time is its device time minus the offset that
 * applies to it.
 */

export interface Calibration {
  /** True (server) time of the measurement, UTC epoch ms. */
  measuredAt: number;
  offsetMs: number;
}

/** The offset read off a device: the time it shows minus the true time at that moment. */
export function clockOffsetFromReading(deviceTime: number, trueTime: number): number {
  return Math.round(deviceTime - trueTime);
}

/** Offsets beyond this are typing errors, not clocks (a reset RTC is a few decades off at most). */
export const MAX_CLOCK_OFFSET_MS = 100 * 366 * 86_400_000;

/**
 * Which calibration applies to a recording made at `deviceTime` (by the device's clock).
 *
 * Drift accumulates between calibrations, and the custodian sets the clock right when calibrating
 * (the regulations ask for the time to be set before use), so the offset that describes a
 * recording is the one measured at the first calibration after it: the drift it had accumulated
 * by then. A recording made after the last calibration (imported before the device came back to
 * the desk) takes the last one: the best estimate there is. "After" compares the calibration's
 * instant with the recording's time corrected by that calibration.
 *
 * `calibrations` may be in any order; null when there are none.
 */
export function calibrationFor<C extends Calibration>(calibrations: readonly C[], deviceTime: number): C | null {
  let firstAfter: C | null = null;
  let last: C | null = null;
  for (const c of calibrations) {
    if (last === null || c.measuredAt > last.measuredAt) last = c;
    if (c.measuredAt >= deviceTime - c.offsetMs && (firstAfter === null || c.measuredAt < firstAfter.measuredAt)) firstAfter = c;
  }
  return firstAfter ?? last;
}
