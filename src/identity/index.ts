export { IdentityRepo, type UnitRow, type UserRow } from './repo.js';
export { IdentityService, auditActor, toActor, type Actor, type RequestMeta } from './service.js';
export { authorize, ALL_ACTIONS, CONTENT_ACTIONS, type Action, type Decision } from './policy.js';
export { ROLE_IDS, parseRoles, isRoleId, type RoleId } from './roles.js';
