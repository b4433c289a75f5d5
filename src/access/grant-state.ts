import type { GrantState } from '../identity/index.js';

/** One request of one person for one action on one recording, as far as a grant needs to know. */
export interface RequestStanding {
  requestId: string;
  status: 'pending' | 'approved' | 'rejected' | 'withdrawn';
  /** The approval covers this recording (an approver may narrow a request). */
  granted: boolean;
  expiresAt: number | null;
  revokedAt: number | null;
}

export interface GrantStanding {
  state: GrantState;
  /** The request whose approval allows the use (state 'approved'), else the most telling one. */
  requestId: string | null;
  expiresAt: number | null;
}

/**
 * R-ACCESS: what someone may do with a recording follows from their requests for that action.
 * A live grant (approved, covering it, not revoked, not yet expired) allows — the one lasting
 * longest is named; otherwise a pending request says "pending", and a grant that was revoked
 * or ran out says so; rejected or withdrawn requests and no requests leave "none". Pure.
 */
export function grantStanding(requests: readonly RequestStanding[], now: number): GrantStanding {
  const live = requests
    .filter((r) => r.status === 'approved' && r.granted && r.revokedAt === null && r.expiresAt !== null && r.expiresAt > now)
    .sort((a, b) => b.expiresAt! - a.expiresAt!)[0];
  if (live) return { state: 'approved', requestId: live.requestId, expiresAt: live.expiresAt };
  const pending = requests.find((r) => r.status === 'pending');
  if (pending) return { state: 'pending', requestId: pending.requestId, expiresAt: null };
  const granted = requests.filter((r) => r.status === 'approved' && r.granted);
  const revoked = granted.filter((r) => r.revokedAt !== null).sort((a, b) => b.revokedAt! - a.revokedAt!)[0];
  const expired = granted.filter((r) => r.revokedAt === null).sort((a, b) => (b.expiresAt ?? 0) - (a.expiresAt ?? 0))[0];
  // The latest thing that happened is what the person should be told.
  if (revoked && (!expired || (revoked.revokedAt ?? 0) >= (expired.expiresAt ?? 0))) return { state: 'revoked', requestId: revoked.requestId, expiresAt: revoked.expiresAt };
  if (expired) return { state: 'expired', requestId: expired.requestId, expiresAt: expired.expiresAt };
  return { state: 'none', requestId: null, expiresAt: null };
}
