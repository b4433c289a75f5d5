import { describe, expect, it } from 'vitest';
import { offsetFromSamples, type ClockSample } from './true-time';

/** A sample of a server whose clock is `offset` ahead of the browser, answering in `rtt` ms (stamped halfway). */
const at = (browser: number, offset: number, rtt = 20): ClockSample => {
  const stamped = browser + rtt / 2 + offset;
  return { sentAt: browser, receivedAt: browser + rtt, serverSecond: Math.floor(stamped / 1000) * 1000 };
};

describe('the server clock offset from Date headers', () => {
  it('one sample: within half a second plus half the round trip', () => {
    const o = offsetFromSamples([at(1_700_000_000_123, 420_000)])!;
    expect(Math.abs(o.offsetMs - 420_000)).toBeLessThanOrEqual(o.uncertaintyMs);
    expect(o.uncertaintyMs).toBeLessThanOrEqual(510);
  });

  it('samples at different fractions of a second narrow it down', () => {
    for (const offset of [0, 1234, -90_000, 7 * 60_000 + 517]) {
      const base = 1_700_000_000_000;
      const o = offsetFromSamples([0, 260, 520, 780].map((d) => at(base + 37 + d, offset)))!;
      expect(Math.abs(o.offsetMs - offset), String(offset)).toBeLessThanOrEqual(o.uncertaintyMs);
      expect(o.uncertaintyMs, String(offset)).toBeLessThanOrEqual(300);
    }
  });

  it('nothing usable: null; contradictory samples (the clock stepped): the latest alone', () => {
    expect(offsetFromSamples([])).toBeNull();
    expect(offsetFromSamples([{ sentAt: 10, receivedAt: 20, serverSecond: NaN }])).toBeNull();
    const o = offsetFromSamples([at(1_000_000, 0), at(1_000_500, 60_000)])!;
    expect(Math.abs(o.offsetMs - 60_000)).toBeLessThanOrEqual(o.uncertaintyMs);
  });
});
