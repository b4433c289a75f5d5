import { describe, expect, it } from 'vitest';
import { clockReadingOf, EMPTY_CLOCK, toLocalSeconds, typedOffsetMs } from './clock-entry';

describe('the clock calibration entry', () => {
  it('an offset typed as fast/slow minutes and seconds', () => {
    expect(typedOffsetMs({ direction: 'fast', minutes: '7', seconds: '' })).toBe(420_000);
    expect(typedOffsetMs({ direction: 'slow', minutes: '1', seconds: '30' })).toBe(-90_000);
    expect(typedOffsetMs({ direction: 'fast', minutes: '', seconds: '0' })).toBe(0);
    for (const bad of [{ minutes: '', seconds: '' }, { minutes: '1.5', seconds: '' }, { minutes: '-1', seconds: '' }, { minutes: '0', seconds: '60' }, { minutes: 'x', seconds: '1' }])
      expect(typedOffsetMs({ direction: 'fast', ...bad }), JSON.stringify(bad)).toBeUndefined();
    expect(clockReadingOf({ ...EMPTY_CLOCK, mode: 'offset', minutes: '7' }, 0)).toEqual({ clockOffsetMs: 420_000 });
  });

  it('no reading is null; an incomplete one undefined', () => {
    expect(clockReadingOf(EMPTY_CLOCK, 0)).toBeNull();
    expect(clockReadingOf({ ...EMPTY_CLOCK, mode: 'deviceTime' }, 0)).toBeUndefined();
    expect(clockReadingOf({ ...EMPTY_CLOCK, mode: 'offset' }, 0)).toBeUndefined();
  });

  it('the time the screen showed is carried forward to the moment it is sent', () => {
    const shown = new Date(2025, 2, 10, 12, 7, 0).getTime();
    const typedAt = 1_000_000;
    const entry = { ...EMPTY_CLOCK, mode: 'deviceTime' as const, deviceTime: toLocalSeconds(shown), enteredAt: typedAt };
    expect(entry.deviceTime).toBe('2025-03-10T12:07:00');
    expect(clockReadingOf(entry, typedAt + 12_500)).toEqual({ deviceTime: shown + 12_500 });
    // A clock that went back meanwhile never moves the reading backwards.
    expect(clockReadingOf(entry, typedAt - 5000)).toEqual({ deviceTime: shown });
  });
});
