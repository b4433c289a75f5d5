import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grantStanding, type RequestStanding } from './grant-state.js';

const NOW = 1_700_000_000_000;
const req = (over: Partial<RequestStanding> = {}): RequestStanding => ({ requestId: 'r', status: 'approved', granted: true, expiresAt: NOW + 1000, revokedAt: null, ...over });

describe('grantStanding', () => {
  it.each([
    ['no requests', [], 'none'],
    ['a live approval', [req()], 'approved'],
    ['an approval that ended a moment ago', [req({ expiresAt: NOW })], 'expired'],
    ['a revoked approval', [req({ revokedAt: NOW - 5 })], 'revoked'],
    ['an approval narrowed away from this recording', [req({ granted: false })], 'none'],
    ['a pending request', [req({ status: 'pending', expiresAt: null })], 'pending'],
    ['a rejected request', [req({ status: 'rejected', granted: false, expiresAt: null })], 'none'],
    ['a withdrawn request', [req({ status: 'withdrawn', granted: false, expiresAt: null })], 'none'],
    ['expired, then asked again', [req({ requestId: 'a', expiresAt: NOW - 10 }), req({ requestId: 'b', status: 'pending', expiresAt: null })], 'pending'],
    ['revoked, but another live grant', [req({ requestId: 'a', revokedAt: NOW - 10 }), req({ requestId: 'b' })], 'approved'],
    ['revoked after an older one expired', [req({ requestId: 'a', expiresAt: NOW - 100 }), req({ requestId: 'b', expiresAt: NOW + 50, revokedAt: NOW - 10 })], 'revoked'],
    ['expired after an older one was revoked', [req({ requestId: 'a', revokedAt: NOW - 100 }), req({ requestId: 'b', expiresAt: NOW - 10 })], 'expired'],
  ] as const)('%s → %s', (_name, requests, state) => {
    expect(grantStanding(requests, NOW).state).toBe(state);
  });

  it('names the longest-lasting live grant', () => {
    const s = grantStanding([req({ requestId: 'short', expiresAt: NOW + 10 }), req({ requestId: 'long', expiresAt: NOW + 99 })], NOW);
    expect(s).toEqual({ state: 'approved', requestId: 'long', expiresAt: NOW + 99 });
  });

  it('allows exactly when some approved, covering, unrevoked request has not yet expired (property)', () => {
    const arb = fc.array(
      fc.record({
        requestId: fc.string({ maxLength: 3 }),
        status: fc.constantFrom<RequestStanding['status']>('pending', 'approved', 'rejected', 'withdrawn'),
        granted: fc.boolean(),
        expiresAt: fc.option(fc.integer({ min: NOW - 1000, max: NOW + 1000 })),
        revokedAt: fc.option(fc.integer({ min: NOW - 1000, max: NOW })),
      }),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(arb, (requests) => {
        const s = grantStanding(requests, NOW);
        const live = requests.some((r) => r.status === 'approved' && r.granted && r.revokedAt === null && r.expiresAt !== null && r.expiresAt > NOW);
        expect(s.state === 'approved').toBe(live);
        if (s.state === 'approved') expect(s.expiresAt).toBeGreaterThan(NOW);
      }),
      { numRuns: 5000 },
    );
  });
});
