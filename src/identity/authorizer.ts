import type { AuditLedger } from '../audit/index.js';
import { Forbidden, NotFound } from '../platform/errors.js';
import { auditActor, clampSensitivity, type Actor, type RequestMeta } from './actor.js';
import { authorize, type AuthzAction, type AuthzDecision, type AuthzPolicySettings, type GrantState } from './authorization.js';
import type { UnitTree } from './unit-tree.js';

/**
 * What a service knows about the thing acted on. A recording carries its sensitivity and
 * officer; anything else its unit (null for site-wide things) and, for requests, who asked.
 */
export interface Subject {
  type: string;
  id: string | null;
  unitId: string | null;
  sensitivity?: number | undefined;
  officerId?: string | null | undefined;
  requesterId?: string | null | undefined;
}

export interface AuthzOptions {
  /** For content actions: the state of the actor's grant for this recording and action. */
  grant?: GrantState | undefined;
}

/**
 * Gathers the facts (unit paths, depth, clearance, settings), asks the one pure rule
 * (authorization.ts), notes the answer in the request's trace, and — in `require` — writes every
 * denial to the ledger before refusing. A denial the actor may not know about is "not found".
 */
export class Authorizer {
  constructor(
    private readonly units: UnitTree,
    private readonly ledger: AuditLedger,
    private readonly settings: () => Promise<AuthzPolicySettings>,
  ) {}

  async decide(actor: Actor, action: AuthzAction, subject: Subject | null, meta: RequestMeta | null, opts: AuthzOptions = {}): Promise<AuthzDecision> {
    const isRecording = subject?.type === 'recording';
    const target = subject
      ? {
          unitPath: subject.unitId ? await this.units.path(subject.unitId) : [],
          sensitivity: clampSensitivity(subject.sensitivity ?? 0),
          officerId: subject.officerId,
          requesterId: subject.requesterId,
          isRecording,
        }
      : undefined;
    const d = authorize({
      actor: { id: actor.id, roles: actor.roles, unitId: actor.unitId, active: actor.active, clearance: actor.clearance, unitDepth: await this.units.depth(actor.unitId) },
      action,
      target,
      grant: opts.grant,
      settings: await this.settings(),
    });
    meta?.authz?.push(d.allow ? { action, allow: true } : { action, allow: false, reason: d.reason });
    return d;
  }

  /** Allows, or audits the denial and throws: 404 when the subject's existence is concealed, else 403 with the reason. */
  async require(actor: Actor, action: AuthzAction, subject: Subject | null, meta: RequestMeta, opts: AuthzOptions = {}): Promise<void> {
    const d = await this.decide(actor, action, subject, meta, opts);
    if (d.allow) return;
    await this.ledger.record({
      actor: auditActor(actor),
      action: 'access.denied',
      subject: subject?.id ? { type: subject.type, id: subject.id } : null,
      ip: meta.ip,
      details: { attempted: action, reason: d.reason, concealed: d.conceal },
    });
    if (d.conceal) throw NotFound(`${subject?.type ?? 'subject'}_not_found`, `no ${subject?.type ?? 'such thing'} ${subject?.id ?? ''}`.trim());
    throw Forbidden(d.reason, `not permitted: ${action} (${d.reason})`, { action });
  }

  /** True when the actor may do `action` on `subject`; no trace, no ledger (for filtering lists). */
  async allows(actor: Actor, action: AuthzAction, subject: Subject | null, opts: AuthzOptions = {}): Promise<boolean> {
    return (await this.decide(actor, action, subject, null, opts)).allow;
  }

  subtreeIds(unitId: string): Promise<string[]> {
    return this.units.subtreeIds(unitId);
  }

  unitPath(unitId: string): Promise<string[]> {
    return this.units.path(unitId);
  }
}
