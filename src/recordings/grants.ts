import type { Actor, ContentAction, GrantState, RequestMeta } from '../identity/index.js';

/** The state of one person's access to one recording for one action, and what it rests on. */
export interface GrantCheck {
  state: GrantState;
  grantId: string | null;
  requestId: string | null;
  expiresAt: number | null;
}

export interface ContentUse {
  actor: Actor;
  recordingId: string;
  action: ContentAction;
  grant: GrantCheck;
  /** What was served: the original, or a playback copy (proxy). */
  served: { kind: 'original' | 'proxy'; sha256: string };
  range: string | null;
  meta: RequestMeta;
}

/**
 * The seam between the catalogue and approval-gated access (R-ACCESS, R-ACCESS-LOG): the
 * access capability implements it and the composition root wires it in, so recordings never
 * reaches down the chain.
 */
export interface ContentGrants {
  check(actorId: string, recordingId: string, action: ContentAction): Promise<GrantCheck>;
  /** Registers one use of a grant (ledger entry and access register) — durable before a byte is served. */
  recordUse(use: ContentUse): Promise<void>;
}
