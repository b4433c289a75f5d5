import type { RoleId } from './roles.js';

/**
 * THE authorization rule (R-ROLES, R-ACCESS, R-SECRET, DESIGN invariant 4): role grants × unit
 * subtree × access grant × sensitivity → allow or deny with a reason. Pure, no I/O: services
 * gather the facts, ask here, and audit denials. Default deny.
 */

/** Everything someone may attempt. Content actions touch a recording's bytes. */
export const ACTIONS = [
  'recording.search',
  'recording.read',
  'recording.update',
  'recording.import',
  'recording.mark_sensitive',
  'recording.view',
  'recording.download',
  'recording.export',
  'recording.delete',
  'access.request',
  'access.approve',
  'access.revoke',
  'device.register',
  'device.issue',
  'device.return',
  'device.inspect',
  'device.report_fault',
  'device.read',
  'device.repair',
  'access.list',
  'unit.read',
  'unit.manage',
  'user.read',
  'user.manage',
  'settings.manage',
  'audit.read',
  'audit.verify',
  'case.read',
  'case.manage',
  'case.link',
  'work_record.file',
  'work_record.approve',
  'retention.read',
  'retention.mark',
  'retention.hold',
  'retention.propose',
  'retention.approve',
  'retention.restore',
  'profile.manage',
] as const;
export type AuthzAction = (typeof ACTIONS)[number];

export const CONTENT_ACTIONS = ['recording.view', 'recording.download', 'recording.export', 'recording.delete'] as const;
export type ContentAction = (typeof CONTENT_ACTIONS)[number];

export function isContentAction(a: AuthzAction): a is ContentAction {
  return (CONTENT_ACTIONS as readonly string[]).includes(a);
}

/** 0 none · 1 privacy (个人隐私) · 2 commercial secret (商业秘密) · 3 state secret (国家秘密). */
export type Sensitivity = 0 | 1 | 2 | 3;

/** Which roles may attempt which action at all, before scope, sensitivity and grants. */
export const ROLE_ACTIONS: Readonly<Record<RoleId, readonly AuthzAction[]>> = {
  // Officers take out and use recorders; they may be granted a viewing, never a copy (R-NOKEEP).
  officer: [
    'recording.search', 'recording.read', 'recording.view', 'access.request', 'device.read', 'device.report_fault', 'unit.read', 'audit.verify',
    'case.read', 'case.manage', 'case.link', 'work_record.file',
  ],
  custodian: ['device.register', 'device.issue', 'device.return', 'device.inspect', 'device.report_fault', 'device.repair', 'device.read', 'unit.read', 'user.read', 'audit.verify'],
  collector: ['recording.search', 'recording.read', 'recording.import', 'recording.view', 'access.request', 'device.read', 'device.report_fault', 'unit.read', 'user.read', 'audit.verify'],
  dispatcher: [
    'recording.search', 'recording.read', 'recording.update', 'recording.import', 'recording.mark_sensitive', 'recording.view', 'recording.download', 'recording.export', 'recording.delete',
    'access.request', 'access.list', 'device.read', 'unit.read', 'user.read', 'audit.read', 'audit.verify',
    'case.read', 'case.manage', 'case.link', 'work_record.file', 'retention.read', 'retention.mark', 'retention.propose', 'retention.restore',
  ],
  approver: [
    'recording.search', 'recording.read', 'recording.mark_sensitive', 'recording.view', 'recording.download', 'recording.export',
    'access.request', 'access.approve', 'access.revoke', 'access.list', 'device.read', 'unit.read', 'user.read', 'audit.read', 'audit.verify',
    'case.read', 'case.manage', 'case.link', 'work_record.approve', 'retention.read', 'retention.mark', 'retention.hold', 'retention.propose', 'retention.approve', 'retention.restore',
  ],
  supervisor: [
    'recording.search', 'recording.read', 'recording.view', 'recording.download', 'recording.export', 'access.request', 'access.list', 'device.read', 'unit.read', 'user.read',
    'audit.read', 'audit.verify', 'case.read', 'case.manage', 'case.link', 'work_record.file', 'retention.read', 'retention.mark', 'retention.hold',
  ],
  // The administrator manages people and settings and never touches content, grant or not.
  admin: ['unit.read', 'unit.manage', 'user.read', 'user.manage', 'settings.manage', 'audit.read', 'audit.verify', 'retention.read', 'profile.manage'],
};

export interface AuthzActor {
  id: string;
  roles: readonly RoleId[];
  /** The actor's unit, and the path from the root unit down to it (inclusive). */
  unitId: string;
  active: boolean;
  clearance: Sensitivity;
  /** Depth of the actor's unit: 0 for the root (county bureau), 1 station, 2 team… */
  unitDepth: number;
}

export interface AuthzTarget {
  /** Path of unit ids from the root down to the target's unit (inclusive). Empty for site-wide things. */
  unitPath: readonly string[];
  sensitivity: Sensitivity;
  /** Officers see only recordings they made (their own badge). */
  officerId?: string | null | undefined;
  /** For approvals and revocations: who asked. */
  requesterId?: string | null | undefined;
  /**
   * For approvals: the path from the root down to the unit the requester asked from (inclusive).
   * Weighed only when `requesterIsApprover`: their request goes to someone above or beside them.
   */
  requesterUnitPath?: readonly string[] | null | undefined;
  /** For approvals: the requester holds the approver role themselves. */
  requesterIsApprover?: boolean | undefined;
  /** True when the target is a recording (denials then conceal its existence). */
  isRecording: boolean;
}

export type GrantState = 'none' | 'pending' | 'approved' | 'expired' | 'revoked';

export interface AuthzPolicySettings {
  /** Deepest unit level whose approvers may approve access to sensitive recordings (0 = county only). */
  sensitiveApprovalMaxDepth: number;
}

export const DEFAULT_AUTHZ_SETTINGS: AuthzPolicySettings = { sensitiveApprovalMaxDepth: 0 };

export type DenyReason =
  | 'account_inactive'
  | 'role_not_permitted'
  | 'content_not_permitted_for_role'
  | 'outside_unit_scope'
  | 'clearance_insufficient'
  | 'not_own_recording'
  | 'grant_required'
  | 'grant_pending'
  | 'grant_expired'
  | 'grant_revoked'
  | 'self_approval_forbidden'
  | 'approver_below_requester'
  | 'approver_level_insufficient';

export type AuthzDecision =
  | { allow: true; basis: 'role' | 'grant' }
  | { allow: false; reason: DenyReason; /** answer 404: the actor may not know the target exists */ conceal: boolean };

export interface AuthzQuestion {
  actor: AuthzActor;
  action: AuthzAction;
  /** Omitted for site-wide actions (search, manage users…). */
  target?: AuthzTarget | undefined;
  /** For content actions: the state of the actor's grant for this recording and action. */
  grant?: GrantState | undefined;
  settings?: AuthzPolicySettings | undefined;
}

const deny = (reason: DenyReason, conceal = false): AuthzDecision => ({ allow: false, reason, conceal });

/** Can an actor reach a target's unit: own unit or any unit below it. */
export function inScope(actorUnitId: string, targetUnitPath: readonly string[]): boolean {
  return targetUnitPath.includes(actorUnitId);
}

/**
 * May an approver in `approverUnitId` decide a request of another approver who asked from the
 * unit at the end of `requesterUnitPath`? Only from that same unit (beside them) or a unit above
 * it — never from below, where the requester is the superior. An unknown path decides nothing.
 */
export function approverAboveOrBeside(approverUnitId: string, requesterUnitPath: readonly string[] | null | undefined): boolean {
  return (requesterUnitPath ?? []).includes(approverUnitId);
}

export function authorize(q: AuthzQuestion): AuthzDecision {
  const { actor, action, target } = q;
  const settings = q.settings ?? DEFAULT_AUTHZ_SETTINGS;
  if (!actor.active) return deny('account_inactive');

  // Existence first: what lies outside the actor's subtree or above their clearance is not revealed.
  if (target?.isRecording) {
    if (!inScope(actor.unitId, target.unitPath)) return deny('outside_unit_scope', true);
    if (target.sensitivity > actor.clearance) return deny('clearance_insufficient', true);
  }

  const entitled = actor.roles.filter((r) => ROLE_ACTIONS[r].includes(action));
  if (entitled.length === 0) {
    if (isContentAction(action)) return deny('content_not_permitted_for_role');
    return deny('role_not_permitted');
  }

  if (target && !target.isRecording && target.unitPath.length > 0 && !inScope(actor.unitId, target.unitPath)) return deny('outside_unit_scope');

  // Officers know only their own recordings (R-NOKEEP: no browsing colleagues' footage).
  if (target?.isRecording && entitled.every((r) => r === 'officer') && target.officerId !== actor.id) return deny('not_own_recording', true);

  if (action === 'access.approve' || action === 'access.revoke') {
    if (action === 'access.approve' && target?.requesterId === actor.id) return deny('self_approval_forbidden');
    // A request by an approver goes to someone above or beside them (issue 3), never to a subordinate.
    if (action === 'access.approve' && target?.requesterIsApprover && !approverAboveOrBeside(actor.unitId, target.requesterUnitPath)) return deny('approver_below_requester');
    // Granting access to sensitive material takes an approver at or above the configured level;
    // revoking only narrows access, so any approver in scope and cleared for it may end a grant.
    if (action === 'access.approve' && target && target.sensitivity > 0 && actor.unitDepth > settings.sensitiveApprovalMaxDepth) return deny('approver_level_insufficient');
    if (target && target.sensitivity > actor.clearance) return deny('clearance_insufficient');
    return { allow: true, basis: 'role' };
  }

  if (isContentAction(action)) {
    switch (q.grant ?? 'none') {
      case 'approved':
        return { allow: true, basis: 'grant' };
      case 'pending':
        return deny('grant_pending');
      case 'expired':
        return deny('grant_expired');
      case 'revoked':
        return deny('grant_revoked');
      default:
        return deny('grant_required');
    }
  }
  return { allow: true, basis: 'role' };
}

/**
 * What a list of recordings may show this actor, as filters a query applies (the same rule as
 * `authorize` on each row, in the form a search needs): their unit subtree, nothing above their
 * clearance, and — when officer is the only role that lets them read — only their own recordings.
 */
export function recordingVisibility(actor: Pick<AuthzActor, 'id' | 'roles' | 'clearance' | 'active'>): { visible: boolean; maxSensitivity: Sensitivity; officerId: string | null } {
  const readers = actor.roles.filter((r) => ROLE_ACTIONS[r].includes('recording.read'));
  if (!actor.active || readers.length === 0) return { visible: false, maxSensitivity: 0, officerId: null };
  return { visible: true, maxSensitivity: actor.clearance, officerId: readers.every((r) => r === 'officer') ? actor.id : null };
}
