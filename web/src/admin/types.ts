/** The administrator's API shapes: authority settings and regulation profiles (src/identity, src/retention). */

export const STEP_UP_STAGES = ['issue_return', 'import', 'approve', 'export', 'delete'] as const;
export type StepUpStage = (typeof STEP_UP_STAGES)[number];

export interface AuthoritySettings {
  stepUpStages: StepUpStage[];
  /** Deepest unit level whose approvers may approve access to sensitive recordings (0 = county bureau). */
  sensitiveApprovalMaxDepth: number;
  grantDefaultHours: number;
  grantMaxHours: number;
}

export type Period = { months: number } | { days: number } | null;

export interface ProfileSummary {
  id: string;
  version: number;
  name: { zh: string; en: string };
  kind: 'regulation' | 'practice' | 'default';
  origin: 'shipped' | 'custom';
  basedOn: string | null;
  hash: string;
  createdAt: number;
  minimumRetention: Period;
  latest: boolean;
}

export interface UnitProfile {
  unitId: string;
  /** The unit whose assignment applies; null: the site default. */
  assignedAt: string | null;
  profileId: string;
  profileVersion: number;
}

export type Citation = { kind: 'quote'; refs: string[]; quote: string; note?: string } | { kind: 'derived'; from: string[]; note: string } | { kind: 'product'; note: string };

export interface ProfileItem {
  id: string;
  label: { zh: string; en: string };
  basis: Citation;
  note?: string;
}

export type UploadRule = {
  anchor: 'activity_end' | 'recording_end' | 'duty_end' | 'return_to_unit';
  stage: 'collect' | 'archive';
  remoteWork: boolean;
  basis: Citation;
  note?: string;
} & ({ kind: 'within_hours'; hours: number } | { kind: 'end_of_day' } | { kind: 'within_days'; days: number });

/** The parts of a profile the viewer shows (the full document has more: scenarios, notification…). */
export interface Profile {
  id: string;
  version: number;
  kind: ProfileSummary['kind'];
  name: { zh: string; en: string };
  hash: string;
  source: { kind: string; title?: string | null; issuer?: string | null; effectiveFrom?: string | null; note?: string | null };
  retention: {
    minimum: { period: Period; certainty: 'stated' | 'inferred' | 'derived' | null; basis: Citation | null; note: string | null };
    longTerm: { term: string | null; categories: ProfileItem[]; listComplete: boolean; basis: Citation | null; note: string | null };
  };
  upload: { rules: UploadRule[]; note: string | null };
  access: { reasons: Array<ProfileItem & { requiresText: boolean }>; note: string | null };
  deletion: { recoveryWindowDays: number; basis: Citation };
}
