export {
  ProfileSchema,
  parseProfile,
  PROFILE_ROLE_IDS,
  PROFILE_STEP_UP_STAGES,
  type Profile,
  type ProfileInput,
  type Citation,
  type Period,
  type ProfileItem,
  type UploadRule,
  type UploadRules,
  type UploadAnchor,
  type UploadStage,
  type Approval,
  type UnitLevel,
  type EvidenceRule,
} from './profile-schema.js';
export { SHIPPED_PROFILES, DEFAULT_PROFILE_ID, shippedProfile } from './shipped-profiles.js';
export { profileHash, profileRef, canonicalJson } from './profile-hash.js';
export { DEFAULT_TIME_ZONE, periodEnd, hoursEnd, endOfLocalDay, startOfLocalDay, localDateOf, assertTimeZone, type CalendarPeriod, type LocalDate } from './calendar.js';
export {
  retention,
  retainUntil,
  retentionTerms,
  canDelete,
  longerRetention,
  recoveryWindowEnd,
  lastExpiredRecordedAt,
  profileRetentionFacts,
  type RetentionFacts,
  type RetentionTerm,
  type RetentionRuleId,
  type RetentionDecision,
  type DeletionCheck,
  type DeletionRefusal,
  type LinkedCase,
} from './retention-rules.js';
export { uploadDeadline, uploadTimeliness, isLate, governingUploadRule, type UploadTiming, type UploadDeadline, type UploadTimeliness } from './upload-deadline.js';
export { ProfilesService, type ProfileSummary, type UnitProfile } from './profiles-service.js';
export { RetentionService, type DryRunReport, type RunReport, type BatchView } from './service.js';
export { RetentionRepo, NO_EXPIRY, type ExpiryScan, type ExpiryCursor } from './repo.js';
export { retentionRoutes } from './routes.js';
