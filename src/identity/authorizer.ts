import type { AuditLedger } from '../audit/index.js';
import { Forbidden, NotFound, type AppError } from '../platform/errors.js';
import { auditActor, clampSensitivity, type Actor, type RequestMeta } from './actor.js';
import { authorize, type AuthzAction, type AuthzDecision, type AuthzPolicySettings, type DenyReason, type GrantState } from './authorization.js';
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
  /** For approvals: the unit the requester asked from, weighed when they approve too (their request goes above or beside them). */
  requesterUnitId?: string | null | undefined;
  requesterIsApprover?: boolean | undefined;
}

/**
 * Why a service refuses after the rule allowed the action itself: the rule's reasons, and the
 * checks that need facts the rule is not given yet (whose account, who filed a work record).
 */
export type RefusalReason = DenyReason | 'self_change_forbidden' | 'not_own_work_record';

export interface AuthzOptions {
  /** For content actions: the state of the actor's grant for this recording and action. */
  grant?: GrantState | undefined;
  /** Added to a denial's ledger entry (e.g. which access request a refused decision concerned). */
  context?: Record<string, unknown> | undefined;
}

/**
 * Gathers the facts (unit paths, depth, clearance, settings), asks the one pure rule
 * (authorization.ts), notes the answer in the request's trace, and — in `require` and `deny` —
 * writes every denial to the ledger before refusing. A denial the actor may not know about is "not found".
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
          requesterIsApprover: subject.requesterIsApprover,
          requesterUnitPath: subject.requesterIsApprover && subject.requesterUnitId ? await this.units.path(subject.requesterUnitId) : undefined,
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
    await this.recordDenial(actor, action, subject, d.reason, d.conceal, meta, opts.context);
    if (d.conceal) throw NotFound(`${subject?.type ?? 'subject'}_not_found`, `no ${subject?.type ?? 'such thing'} ${subject?.id ?? ''}`.trim());
    throw Forbidden(d.reason, `not permitted: ${action} (${d.reason})`, { action });
  }

  /**
   * A refusal a service decides itself (nobody changes their own authority, decides their own work
   * record, marks above their own clearance…): written to the ledger as the same `access.denied`
   * entry `require` writes, and returned as the 403 to throw — `throw await authz.deny(…)`.
   * Only for subjects the actor may know about (it never conceals).
   */
  async deny(actor: Actor, action: AuthzAction, subject: Subject | null, reason: RefusalReason, meta: RequestMeta, message?: string): Promise<AppError> {
    await this.recordDenial(actor, action, subject, reason, false, meta);
    return Forbidden(reason, message ?? `not permitted: ${action} (${reason})`, { action });
  }

  private async recordDenial(actor: Actor, action: AuthzAction, subject: Subject | null, reason: RefusalReason, concealed: boolean, meta: RequestMeta, context?: Record<string, unknown>): Promise<void> {
    await this.ledger.record({
      actor: auditActor(actor),
      action: 'access.denied',
      subject: subject?.id ? { type: subject.type, id: subject.id } : null,
      ip: meta.ip,
      details: { ...context, attempted: action, reason, concealed },
    });
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
