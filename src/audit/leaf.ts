import { z } from 'zod';
import { canonicalJson } from './canonical-json.js';

/** Who did what to which thing, from where, and why — one ledger entry. */
export interface AuditEvent {
  actor: { id: string; name: string } | null;
  /** Dotted verb, e.g. `recording.import`, `auth.login`, `recording.playback`. */
  action: string;
  subject?: { type: string; id: string } | null;
  ip?: string | null;
  reason?: string | null;
  details?: Record<string, unknown>;
}

export const LEAF_VERSION = 1;

export const LeafSchema = z.object({
  v: z.literal(LEAF_VERSION),
  seq: z.number().int().positive(),
  at: z.number().int(),
  actor: z.object({ id: z.string(), name: z.string() }).nullable(),
  action: z.string().min(1),
  subject: z.object({ type: z.string(), id: z.string() }).nullable(),
  ip: z.string().nullable(),
  reason: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type Leaf = z.infer<typeof LeafSchema>;

/** The exact bytes of a ledger leaf: canonical JSON (UTF-8) of the entry with its sequence number and time. */
export function encodeLeaf(seq: number, at: number, event: AuditEvent): Buffer {
  const leaf: Leaf = {
    v: LEAF_VERSION,
    seq,
    at,
    actor: event.actor,
    action: event.action,
    subject: event.subject ?? null,
    ip: event.ip ?? null,
    reason: event.reason ?? null,
    details: event.details ?? {},
  };
  return Buffer.from(canonicalJson(leaf), 'utf8');
}

/** Parses leaf bytes back into the entry; throws if they are not a well-formed leaf. */
export function decodeLeaf(bytes: Uint8Array): Leaf {
  return LeafSchema.parse(JSON.parse(Buffer.from(bytes).toString('utf8')));
}
