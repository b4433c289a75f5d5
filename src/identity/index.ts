export { IdentityRepo, type UnitRow, type UserRow } from './repo.js';
export { IdentityService, userView, type UnitView, type UserView, type NewUser, type UserChanges } from './service.js';
export { SessionService, type TotpEnrolment } from './sessions.js';
export { auditActor, toActor, clampSensitivity, type Actor, type RequestMeta, type AuthzTraceEntry } from './actor.js';
export { Authorizer, type Subject, type AuthzOptions } from './authorizer.js';
export {
  authorize,
  ACTIONS,
  CONTENT_ACTIONS,
  isContentAction,
  recordingVisibility,
  ROLE_ACTIONS,
  type AuthzAction,
  type AuthzDecision,
  type ContentAction,
  type GrantState,
  type Sensitivity,
  type DenyReason,
} from './authorization.js';
export { UnitTree, type UnitNode } from './unit-tree.js';
export { SiteSettings, STEP_UP_STAGES, DEFAULT_AUTHORITY_SETTINGS, AuthoritySettingsSchema, type AuthoritySettings, type StepUpStage } from './site-settings.js';
export { StepUp } from './step-up.js';
export { SecretBox } from './secret-box.js';
export { totpCode, TOTP_PERIOD_S } from './totp.js';
export { ROLE_IDS, parseRoles, isRoleId, type RoleId } from './roles.js';
