import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calibrationFor, clockOffsetFromReading } from './clock-calibration.js';

const MIN = 60_000;
const T = Date.UTC(2024, 2, 1, 2, 0, 0);

describe('clock calibration', () => {
  it('a device showing 10:07 when it is 10:00 runs 7 minutes fast', () => {
    expect(clockOffsetFromReading(T + 7 * MIN, T)).toBe(7 * MIN);
    expect(clockOffsetFromReading(T - 90_000, T)).toBe(-90_000);
  });

  it('none: null', () => {
    expect(calibrationFor([], T)).toBeNull();
  });

  it('a recording takes the first calibration after it, and after the last one the last', () => {
    const monday = { measuredAt: T, offsetMs: 2 * MIN };
    const friday = { measuredAt: T + 4 * 86_400_000, offsetMs: 7 * MIN };
    const cals = [friday, monday];
    expect(calibrationFor(cals, T - 3_600_000)).toBe(monday);
    expect(calibrationFor(cals, T + 86_400_000)).toBe(friday);
    expect(calibrationFor(cals, T + 5 * 86_400_000)).toBe(friday);
  });

  it('compares by the time the calibration itself corrects to: a device 7 min fast recording just before its return', () => {
    const atReturn = { measuredAt: T, offsetMs: 7 * MIN };
    const earlier = { measuredAt: T - 86_400_000, offsetMs: 0 };
    // Device time 10:05 is true time 09:58: before the 10:00 return, so the return's offset applies.
    expect(calibrationFor([earlier, atReturn], T + 5 * MIN)).toBe(atReturn);
  });

  it('always picks one of the given calibrations, and the latest when the recording is later than all', () => {
    const cal = fc.record({ measuredAt: fc.integer({ min: 0, max: 1e12 }), offsetMs: fc.integer({ min: -1e9, max: 1e9 }) });
    fc.assert(
      fc.property(fc.array(cal, { minLength: 1, maxLength: 20 }), fc.integer({ min: 0, max: 1e12 }), (cals, at) => {
        const c = calibrationFor(cals, at);
        expect(cals).toContain(c);
        const later = cals.filter((x) => x.measuredAt >= at - x.offsetMs);
        if (later.length === 0) expect(c!.measuredAt).toBe(Math.max(...cals.map((x) => x.measuredAt)));
        else expect(c!.measuredAt).toBe(Math.min(...later.map((x) => x.measuredAt)));
      }),
    );
  });
});
