import type { RoleId } from './roles.js';

/** What someone may try to do. Content actions touch the recording's bytes; the rest touch facts. */
export type Action =
  | 'recording.search'
  | 'recording.read'
  | 'recording.update'
  | 'recording.play'
  | 'recording.download'
  | 'recording.import'
  | 'audit.read'
  | 'user.manage';

export const CONTENT_ACTIONS: readonly Action[] = ['recording.play', 'recording.download'];

export interface Principal {
  id: string;
  roles: readonly RoleId[];
  active: boolean;
}

export type Decision = { allow: true } | { allow: false; reason: string };

/**
 * Which roles may attempt which action (R-ROLES). Default deny. The administrator manages people
 * and settings and never sees content. Approval-gated access (grants) and unit scoping refine
 * this in the custody/authority capability; every route already asks here.
 */
const ALLOWED: Record<Action, readonly RoleId[]> = {
  'recording.search': ['officer', 'collector', 'dispatcher', 'approver', 'supervisor', 'custodian'],
  'recording.read': ['officer', 'collector', 'dispatcher', 'approver', 'supervisor', 'custodian'],
  'recording.update': ['collector', 'dispatcher', 'supervisor'],
  'recording.play': ['dispatcher', 'approver', 'supervisor'],
  'recording.download': ['dispatcher', 'approver', 'supervisor'],
  'recording.import': ['collector', 'dispatcher'],
  'audit.read': ['admin', 'supervisor', 'dispatcher', 'approver'],
  'user.manage': ['admin'],
};

export function authorize(principal: Principal, action: Action): Decision {
  if (!principal.active) return { allow: false, reason: 'account_inactive' };
  const allowed = ALLOWED[action];
  if (principal.roles.some((r) => allowed.includes(r))) return { allow: true };
  return { allow: false, reason: CONTENT_ACTIONS.includes(action) ? 'content_not_permitted_for_role' : 'role_not_permitted' };
}

export const ALL_ACTIONS = Object.keys(ALLOWED) as Action[];
