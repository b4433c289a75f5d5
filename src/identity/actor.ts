import type { UserTable } from '../platform/db/schema.js';
import type { AuthzAction, DenyReason, Sensitivity } from './authorization.js';
import { isRoleId, type RoleId } from './roles.js';

/** The signed-in person as every capability sees them. */
export interface Actor {
  id: string;
  username: string;
  displayName: string;
  roles: RoleId[];
  unitId: string;
  badge: string | null;
  active: boolean;
  clearance: Sensitivity;
  mustChangePassword: boolean;
  totpEnrolled: boolean;
  /** How they authenticated: a browser session, an API token (its id) or the local operator's CLI. */
  via: { kind: 'session' | 'token' | 'cli'; id: string };
}

/** One answer of the authorization rule during a request. */
export interface AuthzTraceEntry {
  action: AuthzAction;
  allow: boolean;
  reason?: DenyReason | undefined;
}

/** Where a request came from, for the ledger; and what it carried for step-up and authorization tracing. */
export interface RequestMeta {
  ip: string | null;
  userAgent?: string | null | undefined;
  /** A dynamic password sent with the request (header `X-Custodia-OTP`), for stages that need one. */
  otp?: string | null | undefined;
  /** Filled by the Authorizer with every decision it made for this request (HTTP checks it). */
  authz?: AuthzTraceEntry[] | undefined;
}

export function clampSensitivity(n: number): Sensitivity {
  return (n <= 0 ? 0 : n >= 3 ? 3 : Math.floor(n)) as Sensitivity;
}

export function toActor(u: UserTable, via: Actor['via']): Actor {
  const roles = (JSON.parse(u.roles) as string[]).filter(isRoleId);
  return {
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    roles,
    unitId: u.unit_id,
    badge: u.badge,
    active: u.active === 1,
    clearance: clampSensitivity(u.clearance),
    mustChangePassword: u.must_change_password === 1,
    totpEnrolled: u.totp_secret !== null,
    via,
  };
}

export const auditActor = (a: Actor | null) => (a ? { id: a.id, name: a.username } : null);
