/** The retention API's shapes as the browser sees them (src/retention/routes.ts is the source). Times are UTC epoch ms. */

export type Period = { months: number } | { days: number } | null;
export type Bilingual = { zh: string; en: string };
export type Citation = { kind: 'quote'; refs: string[]; quote: string; note?: string } | { kind: 'derived'; from: string[]; note: string } | { kind: 'product'; note: string };

export interface ProfileSummary {
  id: string;
  version: number;
  name: Bilingual;
  kind: 'regulation' | 'practice' | 'default';
  origin: 'shipped' | 'custom';
  basedOn: string | null;
  hash: string;
  createdAt: number;
  minimumRetention: Period;
  latest: boolean;
}

export interface ProfileItem {
  id: string;
  label: Bilingual;
  basis: Citation;
  note?: string;
}

export interface UploadRule {
  kind: 'within_hours' | 'end_of_day' | 'within_days';
  hours?: number;
  days?: number;
  anchor: 'activity_end' | 'recording_end' | 'duty_end' | 'return_to_unit';
  stage: 'collect' | 'archive';
  remoteWork: boolean;
  basis: Citation;
  note?: string;
}

export interface Approval {
  action: string;
  role: string;
  unitLevel: string;
  title: Bilingual;
  operator: string | null;
  register: boolean;
  form: string | null;
  basis: Citation;
  note?: string;
}

/**
 * A regulation profile in full (src/retention/profile-schema.ts). The page edits only the key
 * fields it names and sends the rest back untouched, so `Record<string, unknown>` keeps the others.
 */
export interface Profile extends Record<string, unknown> {
  id: string;
  version: number;
  kind: 'regulation' | 'practice' | 'default';
  name: Bilingual;
  source: { kind: string; title?: string | null; note?: string | null; file?: string; issuer?: string | null };
  retention: {
    minimum: { period: Period; certainty: 'stated' | 'inferred' | 'derived' | null; basis: Citation | null; note: string | null };
    evidence: { rule: 'case_file' | 'permanent' | null; scope: Bilingual | null; basis: Citation | null; note: string | null };
    longTerm: { term: '长期保存' | '永久保存' | null; copyToMedia: boolean | null; basis: Citation | null; categories: ProfileItem[]; listComplete: boolean; note: string | null };
  };
  upload: { rules: UploadRule[]; note: string | null };
  access: { reasons: Array<ProfileItem & { requiresText: boolean }>; approvals: Approval[]; note: string | null };
  deletion: { recoveryWindowDays: number; basis: Citation };
  stepUp: { stages: string[]; basis: Citation | null; note: string | null };
  hash?: string;
}

export interface UnitProfile {
  unitId: string;
  /** The unit whose assignment applies; null: the site default. */
  assignedAt: string | null;
  profileId: string;
  profileVersion: number;
}

export interface LongTermMark {
  id: string;
  reasonId: string;
  markedAt: number;
  markedBy: string | null;
  note: string | null;
}

export interface Hold {
  id: string;
  reason: string;
  reference: string | null;
  placedAt: number;
  placedBy: string | null;
}

/** What GET /api/recordings/:id adds about retention (and the cases it is linked to). */
export interface RecordingRetention {
  id: string;
  unitId: string;
  originalName: string;
  profileVersion: string | null;
  deletedAt: number | null;
  retainUntil: number | null;
  retentionBasis: string[];
  longTerm: LongTermMark[];
  holds: Hold[];
  tombstone: { deletedAt: number; batchId: string; reason: string; approvers: unknown } | null;
  caseIds: string[];
}

export interface RetentionFacet {
  retainUntil: number | null;
  retentionBasis: string[];
  longTerm: LongTermMark[];
  holds: Hold[];
  tombstone: RecordingRetention['tombstone'];
}

export interface DryRun {
  at: number;
  expired: number;
  bytes: number;
  byUnit: Array<{ unitId: string; recordings: number; bytes: number }>;
  inBatches: number;
  recordings: Array<{ id: string; unitId: string; size: number; endedAt: number | null; retainUntil: number }>;
}

export type BatchStatus = 'proposed' | 'approved' | 'rejected' | 'restored' | 'executed';
export const BATCH_STATUSES: readonly BatchStatus[] = ['proposed', 'approved', 'rejected', 'restored', 'executed'];

export interface BatchSummary {
  id: string;
  kind: 'expired' | 'non_work';
  status: BatchStatus;
  unitId: string;
  reason: string | null;
  recordings: number;
  bytes: number;
  proposedBy: string | null;
  proposedAt: number;
  decidedBy: string | null;
  decidedAt: number | null;
  decisionReason: string | null;
  recoveryUntil: number | null;
  restoredBy: string | null;
  restoredAt: number | null;
  restoreReason: string | null;
  executedAt: number | null;
}

export interface Batch extends BatchSummary {
  items: Array<{ recordingId: string; sha256: string; size: number; outcome: 'pending' | 'deleted' | 'kept'; keptReason: string | null }>;
}

/** The rules that can set a recording's retainUntil (src/retention/retention-rules.ts). */
export const RETENTION_RULES = ['profile_minimum', 'profile_minimum_unspecified', 'early_deletion', 'case_open', 'case_file', 'evidence_permanent', 'long_term', 'legal_hold'] as const;
export type RetentionRule = (typeof RETENTION_RULES)[number];
