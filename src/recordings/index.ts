export { RecordingsRepo, type RecordingRow, type RecordingQuery } from './repo.js';
export { RecordingsService, recordingSubject, type ImportedFile, type ImportOutcome, type RecordingView, type RecordingDetail, type ContentHandle, type SearchInput } from './service.js';
export { derivativeJobs, derivativeDirOf, DERIVATIVE_PIPELINE } from './derivatives.js';
export { isLateImport, deviceStartTime, recordingTimes } from './timing.js';
export type { ContentGrants, ContentUse, GrantCheck } from './grants.js';
export type { GoverningRules, ImportRules, RecordingAnnotators, RetentionFacet, CaseFacet } from './import-rules.js';
