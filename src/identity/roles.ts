/** Role ids (stable: CLI flags, API and profiles use them). See R-ROLES. */
export const ROLE_IDS = ['officer', 'custodian', 'collector', 'dispatcher', 'approver', 'supervisor', 'admin'] as const;
export type RoleId = (typeof ROLE_IDS)[number];

export function isRoleId(value: string): value is RoleId {
  return (ROLE_IDS as readonly string[]).includes(value);
}

/** Parses "collector,officer" into role ids; throws naming the unknown ones. */
export function parseRoles(list: string): RoleId[] {
  const roles = [...new Set(list.split(',').map((r) => r.trim()).filter(Boolean))];
  const unknown = roles.filter((r) => !isRoleId(r));
  if (unknown.length > 0) throw new Error(`unknown role ${unknown.join(', ')} (known: ${ROLE_IDS.join(', ')})`);
  if (roles.length === 0) throw new Error('at least one role is required');
  return roles as RoleId[];
}
