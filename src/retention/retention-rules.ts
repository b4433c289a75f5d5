import { DEFAULT_TIME_ZONE, periodEnd, type CalendarPeriod } from './calendar.js';
import type { EvidenceRule, Profile } from './profile-schema.js';

/**
 * THE retention rule (R-RETAIN, R-LONGTERM, R-DELETE): a recording's facts → the instant from
 * which it may be deleted (`retainUntil`), or null while it must be kept indefinitely, with the
 * rules that decided. Pure, no I/O: services gather the facts, ask here, and act.
 *
 * Every rule that applies yields a term; the longest wins (null — indefinite — beats any
 * instant). Terms:
 * - `profile_minimum`: the profile's minimum from the recording (see calendar.ts for how months
 *   and days are counted); `profile_minimum_unspecified` (indefinite) when the profile's text sets
 *   none, so a silent regulation never lets anything expire until the agency sets a minimum;
 * - `case_open`: linked to an open case → indefinite;
 * - `case_file`: linked to a closed case → until the case file's own retention ends (null = the
 *   file is kept indefinitely);
 * - `evidence_permanent`: the profile keeps evidence forever (public-security-2016) → any case link
 *   is indefinite;
 * - `long_term`: a long-term mark (长期保存/永久保存) with one of the profile's reasons → indefinite;
 * - `legal_hold`: a hold → indefinite;
 * - `early_deletion`: an approved early deletion of a non-work recording (R-DELETE) replaces the
 *   profile minimum with the approval instant. It never shortens a case, mark or hold.
 */

export interface LinkedCase {
  readonly id: string;
  readonly status: 'open' | 'closed';
  /** When a closed case's file (案卷) may be disposed of; null = kept indefinitely or not known. */
  readonly fileRetainUntil: number | null;
}

export interface RetentionFacts {
  /**
   * The recording's instant the minimum counts from: its corrected end time (the last instant it
   * holds), epoch ms. Counting from the start instead would be shorter when a recording crosses
   * midnight.
   */
  readonly recordedAt: number;
  /** The minimum of the profile version that governs the recording; null = its text sets none. */
  readonly minimum: CalendarPeriod | null;
  /** The profile version's evidence rule (null: the text is silent; case links then keep the case file's period). */
  readonly evidenceRule: EvidenceRule | null;
  readonly cases: readonly LinkedCase[];
  readonly longTermMarks: readonly { readonly reasonId: string }[];
  readonly holds: readonly { readonly id: string }[];
  /** Set once early deletion of a non-work recording has been approved. */
  readonly earlyDeletion: { readonly approvedAt: number } | null;
  /** The site's time zone for calendar arithmetic (Asia/Shanghai unless configured). */
  readonly timeZone: string;
}

export type RetentionTerm =
  | { readonly rule: 'profile_minimum'; readonly until: number; readonly period: CalendarPeriod }
  | { readonly rule: 'profile_minimum_unspecified'; readonly until: null }
  | { readonly rule: 'early_deletion'; readonly until: number }
  | { readonly rule: 'case_open'; readonly caseId: string; readonly until: null }
  | { readonly rule: 'case_file'; readonly caseId: string; readonly until: number | null }
  | { readonly rule: 'evidence_permanent'; readonly caseId: string; readonly until: null }
  | { readonly rule: 'long_term'; readonly reasonId: string; readonly until: null }
  | { readonly rule: 'legal_hold'; readonly holdId: string; readonly until: null };

export type RetentionRuleId = RetentionTerm['rule'];

export interface RetentionDecision {
  /** The first instant the recording may be deleted; null = keep indefinitely. */
  readonly retainUntil: number | null;
  /** The terms that produce `retainUntil` (every indefinite term when it is null). */
  readonly governing: readonly RetentionTerm[];
  /** Every term that applies, in rule order. */
  readonly terms: readonly RetentionTerm[];
}

function assertInstant(at: number, what: string): void {
  if (!Number.isSafeInteger(at)) throw new RangeError(`${what} must be an integer epoch-ms instant, got ${String(at)}`);
}

/** The terms that apply to a recording, one per rule instance. */
export function retentionTerms(facts: RetentionFacts): RetentionTerm[] {
  assertInstant(facts.recordedAt, 'recordedAt');
  const terms: RetentionTerm[] = [];
  if (facts.earlyDeletion !== null) {
    assertInstant(facts.earlyDeletion.approvedAt, 'earlyDeletion.approvedAt');
    terms.push({ rule: 'early_deletion', until: facts.earlyDeletion.approvedAt });
  } else if (facts.minimum === null) {
    terms.push({ rule: 'profile_minimum_unspecified', until: null });
  } else {
    terms.push({ rule: 'profile_minimum', until: periodEnd(facts.recordedAt, facts.minimum, facts.timeZone), period: facts.minimum });
  }
  for (const c of facts.cases) {
    if (facts.evidenceRule === 'permanent') terms.push({ rule: 'evidence_permanent', caseId: c.id, until: null });
    else if (c.status === 'open') terms.push({ rule: 'case_open', caseId: c.id, until: null });
    else {
      if (c.fileRetainUntil !== null) assertInstant(c.fileRetainUntil, `case ${c.id} fileRetainUntil`);
      terms.push({ rule: 'case_file', caseId: c.id, until: c.fileRetainUntil });
    }
  }
  for (const m of facts.longTermMarks) terms.push({ rule: 'long_term', reasonId: m.reasonId, until: null });
  for (const h of facts.holds) terms.push({ rule: 'legal_hold', holdId: h.id, until: null });
  return terms;
}

/** Later of two retention ends, where null (indefinite) is the latest of all. */
export function longerRetention(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : Math.max(a, b);
}

/** `retainUntil` and the rules behind it: when several rules apply, the longest retention wins. */
export function retention(facts: RetentionFacts): RetentionDecision {
  const terms = retentionTerms(facts);
  // There is always a first term (the minimum, its absence, or an early deletion).
  const retainUntil = terms.reduce<number | null>((acc, t) => longerRetention(acc, t.until), terms[0]!.until);
  return { retainUntil, governing: terms.filter((t) => t.until === retainUntil), terms };
}

/** Shorthand for `retention(facts).retainUntil`. */
export function retainUntil(facts: RetentionFacts): number | null {
  return retention(facts).retainUntil;
}

/** Why a recording may not be deleted now, most binding first. */
export type DeletionRefusal =
  | 'legal_hold'
  | 'long_term'
  | 'case_open'
  | 'evidence_permanent'
  | 'case_file_indefinite'
  | 'profile_minimum_unspecified'
  | 'not_expired';

export type DeletionCheck =
  | { readonly allowed: true; readonly retainUntil: number; readonly governing: readonly RetentionTerm[] }
  | {
      readonly allowed: false;
      /** The most binding reason (a hold before a mark before an open case … before plain time). */
      readonly reason: DeletionRefusal;
      readonly retainUntil: number | null;
      /** Every term still in force at `now`. */
      readonly blocking: readonly RetentionTerm[];
    };

const REFUSAL_ORDER: readonly DeletionRefusal[] = ['legal_hold', 'long_term', 'case_open', 'evidence_permanent', 'case_file_indefinite', 'profile_minimum_unspecified', 'not_expired'];

function refusalOf(t: RetentionTerm): DeletionRefusal {
  switch (t.rule) {
    case 'legal_hold':
    case 'long_term':
    case 'case_open':
    case 'evidence_permanent':
    case 'profile_minimum_unspecified':
      return t.rule;
    case 'case_file':
      return t.until === null ? 'case_file_indefinite' : 'not_expired';
    case 'profile_minimum':
    case 'early_deletion':
      return 'not_expired';
  }
}

/**
 * May the recording be deleted at `now`? Only when its retention has a finite end that has
 * come (`now >= retainUntil`). Deletion still needs an approved batch and its recovery window;
 * this says only whether retention stands in the way.
 */
export function canDelete(facts: RetentionFacts, now: number): DeletionCheck {
  assertInstant(now, 'now');
  const decision = retention(facts);
  if (decision.retainUntil !== null && now >= decision.retainUntil) return { allowed: true, retainUntil: decision.retainUntil, governing: decision.governing };
  const blocking = decision.terms.filter((t) => t.until === null || t.until > now);
  const reasons = new Set(blocking.map(refusalOf));
  // A blocking term always exists here: retainUntil is null or still ahead, and it is some term's until.
  const reason = REFUSAL_ORDER.find((r) => reasons.has(r)) ?? 'not_expired';
  return { allowed: false, reason, retainUntil: decision.retainUntil, blocking };
}

/**
 * The latest recording instant that has expired by the profile minimum alone at `now`: a recording
 * with only the minimum to consider (no case, mark, hold or early deletion) may be deleted at
 * `now` exactly when its `recordedAt` is at or before this instant. Null when the minimum is
 * unspecified (nothing expires). Found by bisection on `canDelete` itself — the period's end never
 * moves earlier when the recording is later (property-tested) — so a scan can compare one instant
 * per profile version instead of asking the rule per recording. A case link, mark or hold only
 * lengthens retention: such recordings still have to be asked one by one.
 */
export function lastExpiredRecordedAt(facts: Pick<RetentionFacts, 'minimum' | 'evidenceRule' | 'timeZone'>, now: number): number | null {
  assertInstant(now, 'now');
  if (facts.minimum === null) return null;
  const allowed = (recordedAt: number) => canDelete({ ...facts, recordedAt, cases: [], longTermMarks: [], holds: [], earlyDeletion: null }, now).allowed;
  // The period ends at least `span` after the recording and at most two days (end of day, zone) later.
  const span = 'months' in facts.minimum ? facts.minimum.months * 31 * 86_400_000 : facts.minimum.days * 86_400_000;
  let lo = now - span - 3 * 86_400_000;
  let hi = now;
  if (allowed(hi)) return hi;
  if (!allowed(lo)) throw new RangeError(`no recording instant has expired by ${JSON.stringify(facts.minimum)} at ${now}`);
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (allowed(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** A deletion batch approved at `approvedAt` can be restored until this instant (issue #4: default 7 days). */
export function recoveryWindowEnd(approvedAt: number, recoveryWindowDays: number): number {
  assertInstant(approvedAt, 'approvedAt');
  if (!Number.isInteger(recoveryWindowDays) || recoveryWindowDays < 0) throw new RangeError(`recoveryWindowDays must be a whole number ≥ 0, got ${recoveryWindowDays}`);
  return approvedAt + recoveryWindowDays * 86_400_000;
}

/** The retention facts a profile contributes (its minimum and evidence rule), for services building `RetentionFacts`. */
export function profileRetentionFacts(profile: Profile, timeZone: string = DEFAULT_TIME_ZONE): Pick<RetentionFacts, 'minimum' | 'evidenceRule' | 'timeZone'> {
  return { minimum: profile.retention.minimum.period, evidenceRule: profile.retention.evidence.rule, timeZone };
}
