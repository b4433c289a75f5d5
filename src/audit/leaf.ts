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
  // The leaf's own keys are known: written in their sorted order, each value canonical — the same
  // bytes as canonicalJson(leaf) without sorting them or building the leaf object on every append.
  // (An undefined actor or action would drop its key: that rare shape goes the general way.)
  if (event.actor !== undefined && event.action !== undefined) {
    const json = `{"action":${canonicalJson(event.action)},"actor":${pair(event.actor, 'id', 'name')},"at":${canonicalJson(at)},"details":${canonicalJson(event.details ?? {})},"ip":${canonicalJson(event.ip ?? null)},"reason":${canonicalJson(event.reason ?? null)},"seq":${canonicalJson(seq)},"subject":${pair(event.subject ?? null, 'id', 'type')},"v":${LEAF_VERSION}}`;
    return Buffer.from(json, 'utf8');
  }
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

/**
 * Canonical JSON of the actor or subject: for the usual shape (exactly the two keys a < b, both
 * strings) written directly, the same bytes as canonicalJson; anything else goes the general way.
 */
function pair(value: object | null, a: string, b: string): string {
  if (value !== null) {
    const o = value as Record<string, unknown>;
    const va = o[a];
    const vb = o[b];
    if (typeof va === 'string' && typeof vb === 'string' && Object.keys(o).length === 2 && Object.hasOwn(o, a) && Object.hasOwn(o, b)) {
      return `{"${a}":${canonicalJson(va)},"${b}":${canonicalJson(vb)}}`;
    }
  }
  return canonicalJson(value);
}

/** The fields of a leaf that the ledger's index columns repeat. */
export interface LeafIndex {
  seq: number;
  at: number;
  action: string;
  actorId: string | null;
  subjectType: string | null;
  subjectId: string | null;
}

/**
 * Reads only the indexed fields of a leaf, for verifying a large ledger quickly (no schema
 * validation of the details). Throws when the bytes are not a leaf.
 */
export function readLeafIndex(bytes: Uint8Array): LeafIndex {
  const v = JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown> | null;
  if (typeof v !== 'object' || v === null || v.v !== LEAF_VERSION) throw new Error('not a ledger leaf');
  const { seq, at, action, actor, subject } = v as { seq: unknown; at: unknown; action: unknown; actor: unknown; subject: unknown };
  if (typeof seq !== 'number' || typeof at !== 'number' || typeof action !== 'string') throw new Error('not a ledger leaf');
  const actorId = actor === null ? null : typeof actor === 'object' && typeof (actor as { id?: unknown }).id === 'string' ? (actor as { id: string }).id : undefined;
  const s = subject as { type?: unknown; id?: unknown } | null;
  if (actorId === undefined || (s !== null && (typeof s !== 'object' || typeof s.type !== 'string' || typeof s.id !== 'string'))) throw new Error('not a ledger leaf');
  return { seq, at, action, actorId, subjectType: s === null ? null : (s.type as string), subjectId: s === null ? null : (s.id as string) };
}

/** Parses leaf bytes back into the entry; throws if they are not a well-formed leaf. */
export function decodeLeaf(bytes: Uint8Array): Leaf {
  const raw = JSON.parse(Buffer.from(bytes).toString('utf8')) as { details?: unknown };
  const leaf = LeafSchema.parse(raw);
  // The details as JSON.parse built them: a key such as "__proto__" stays an own property (a schema
  // copy would turn it into a prototype and the leaf would no longer re-encode to its own bytes).
  return { ...leaf, details: raw.details as Leaf['details'] };
}
