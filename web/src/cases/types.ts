/** The cases API's shapes as the browser sees them (src/cases/routes.ts is the source). Times are UTC epoch ms. */

export type CaseKind = 'case' | 'activity';
export type CaseStatus = 'open' | 'closed';

export interface CaseView {
  id: string;
  number: string;
  kind: CaseKind;
  title: string;
  caseType: string | null;
  unitId: string;
  supervisedParty: string | null;
  officerIds: string[];
  documentsStartedAt: number | null;
  documentsEndedAt: number | null;
  status: CaseStatus;
  closedAt: number | null;
  fileRetentionUntil: number | null;
  fileRetentionPermanent: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface LinkedRecording {
  id: string;
  originalName: string;
  deviceSerial: string | null;
  officerBadge: string | null;
  officerId: string | null;
  deviceStartedAt: number | null;
  deviceEndedAt: number | null;
  /** Corrected start (device time − clock offset). */
  startedAt: number;
  endedAt: number | null;
  durationMs: number | null;
  playable: boolean;
  linkedAt: number;
  linkedBy: string | null;
  note: string | null;
}

export interface Interval {
  start: number;
  end: number;
}

export type Finding =
  | { code: 'no_documents_interval' }
  | { code: 'no_recordings' }
  | { code: 'late_start'; byMs: number }
  | { code: 'early_end'; byMs: number }
  | { code: 'gap'; start: number; end: number }
  | { code: 'outside'; recordingId: string; beforeMs: number; afterMs: number }
  | { code: 'unknown_duration'; recordingId: string };

export interface ConsistencyReport {
  documents: Interval | null;
  documentMs: number;
  coveredMs: number;
  coverage: number;
  gaps: Interval[];
  overlaps: Array<{ a: string; b: string; start: number; end: number }>;
  startOffsetMs: number | null;
  endOffsetMs: number | null;
  findings: Finding[];
  consistent: boolean;
}

export type WorkRecordKind = 'interrupted' | 'not_recorded';
export type WorkRecordStatus = 'pending' | 'approved' | 'rejected';

export interface WorkRecord {
  id: string;
  kind: WorkRecordKind;
  caseId: string | null;
  recordingId: string | null;
  officerId: string;
  unitId: string;
  occurredAt: number;
  activity: string | null;
  reason: string;
  reasonText: string | null;
  statedOnRestart: boolean | null;
  legalBasis: string | null;
  status: WorkRecordStatus;
  decidedBy: string | null;
  decidedAt: number | null;
  decisionReason: string | null;
  filedBy: string;
  filedAt: number;
}

export interface CaseDetail extends CaseView {
  recordings: LinkedRecording[];
  /** Linked recordings the viewer may not know about (counted, never named). */
  hiddenRecordings: number;
  consistency: ConsistencyReport;
  workRecords: WorkRecord[];
}

export interface CasePage {
  items: CaseView[];
  nextBefore: { createdAt: number; id: string } | null;
}

/** Why a recording was interrupted or not made (src/cases/work-record-reasons.ts). */
export const INTERRUPTION_REASONS = ['device_fault', 'battery_exhausted', 'storage_full', 'weather', 'safety', 'privacy', 'other'] as const;
export const NOT_RECORDED_REASONS = ['no_device_available', 'device_fault', 'explosive_zone', 'secret_or_privacy', 'emergency', 'other'] as const;
export type WorkRecordReason = (typeof INTERRUPTION_REASONS)[number] | (typeof NOT_RECORDED_REASONS)[number];

/** A person from the directory (GET /api/users), for names instead of ids. */
export interface Person {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  unitId: string;
  badge: string | null;
}

/** A recording's corrected span; the end from its duration when the end is unknown. */
export function spanOf(r: Pick<LinkedRecording, 'startedAt' | 'endedAt' | 'durationMs'>): Interval | null {
  const end = r.endedAt ?? (r.durationMs === null ? null : r.startedAt + r.durationMs);
  return end === null || end < r.startedAt ? null : { start: r.startedAt, end };
}
