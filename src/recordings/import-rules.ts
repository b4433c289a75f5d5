import type { Actor } from '../identity/index.js';
import type { RecordingRow } from './repo.js';

/** What governs a recording from its import on (R-PROFILE, R-24H). */
export interface GoverningRules {
  profileId: string;
  profileVersion: number;
  /** When it had to be stored; null when the profile sets no deadline or cannot count it. */
  uploadDeadlineAt: number | null;
}

/**
 * The seam to regulation profiles: the profile version governing a unit's new recordings and the
 * upload deadline it sets. Implemented by the retention capability, wired in app.ts.
 */
export interface ImportRules {
  governing(unitId: string, times: { startedAt: number; endedAt: number | null }): Promise<GoverningRules>;
}

export interface RetentionFacet {
  retainUntil: number | null;
  /** The rules that set retainUntil (e.g. profile_minimum, case_open, long_term, legal_hold). */
  retentionBasis: string[];
  longTerm: Array<{ id: string; reasonId: string; markedAt: number; markedBy: string | null; note: string | null }>;
  holds: Array<{ id: string; reason: string; reference: string | null; placedAt: number; placedBy: string | null }>;
  tombstone: { deletedAt: number; batchId: string; reason: string; approvers: unknown } | null;
}

export interface CaseFacet {
  caseIds: string[];
}

/**
 * Facts other capabilities hold about a recording, shown with it (retention state, linked cases).
 * Registered by the composition root, so the catalogue never reaches down the chain.
 */
export interface RecordingAnnotators {
  retention?: { describe(row: RecordingRow): Promise<RetentionFacet> } | undefined;
  cases?: { caseIdsOf(actor: Actor, row: RecordingRow): Promise<string[]> } | undefined;
}
