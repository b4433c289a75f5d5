import { endOfLocalDay, hoursEnd, periodEnd } from './calendar.js';
import type { UploadAnchor, UploadRule, UploadRules, UploadStage } from './profile-schema.js';

/**
 * Upload timeliness (R-24H): when a recording had to be stored, per the profile, and whether it
 * was late. Pure. The three kinds of deadline differ and are kept apart:
 * - `within_hours` (24 小时内): the anchor plus n hours, to the millisecond;
 * - `end_of_day` (每天工作结束后 / 当天): 24:00 of the local day the anchor falls on;
 * - `within_days` (2日内): 24:00 of the n-th local day after the anchor's day (the anchor's own
 *   day is not counted, 民法典 第二百零一条).
 * A deadline is met when the import happens at or before it.
 *
 * After continuous, remote or out-of-town work (连续工作、异地执法、偏远地区), a profile's
 * remote-work rule, counted from the return to the unit, replaces the ordinary one.
 */

/** The instants a deadline may count from; pass what is known. */
export interface UploadTiming {
  /** End of the enforcement activity (执法活动/执法事项结束): the linked case's document end, or the recording's end. */
  readonly activityEnd?: number | undefined;
  /** The recording's corrected end (音像记录制作完成). */
  readonly recordingEnd?: number | undefined;
  /** End of the day's duty (执勤执法/工作结束), e.g. the device's return to the custodian. */
  readonly dutyEnd?: number | undefined;
  /** Return to the unit after continuous or remote work. */
  readonly returnedAt?: number | undefined;
  /** The work was continuous, remote or in an out-of-the-way area. */
  readonly remoteWork?: boolean | undefined;
}

export type UploadDeadline =
  /** The deadline and the rule that set it. */
  | { readonly kind: 'deadline'; readonly at: number; readonly rule: UploadRule }
  /** The profile sets no deadline for this stage. */
  | { readonly kind: 'none' }
  /** The rule counts from an instant the caller did not supply. */
  | { readonly kind: 'anchor_missing'; readonly anchor: UploadAnchor; readonly rule: UploadRule };

const TIMING_KEY: Readonly<Record<UploadAnchor, keyof UploadTiming>> = {
  activity_end: 'activityEnd',
  recording_end: 'recordingEnd',
  duty_end: 'dutyEnd',
  return_to_unit: 'returnedAt',
};

/** The rule that governs a stage: the remote-work one after remote work, when the profile has one. */
export function governingUploadRule(upload: UploadRules, stage: UploadStage, remoteWork: boolean): UploadRule | undefined {
  const forStage = upload.rules.filter((r) => r.stage === stage);
  return (remoteWork ? forStage.find((r) => r.remoteWork) : undefined) ?? forStage.find((r) => !r.remoteWork);
}

/** The deadline a rule gives when counted from `anchorAt`. */
export function ruleDeadline(rule: UploadRule, anchorAt: number, timeZone: string): number {
  switch (rule.kind) {
    case 'within_hours':
      return hoursEnd(anchorAt, rule.hours);
    case 'end_of_day':
      return endOfLocalDay(anchorAt, timeZone);
    case 'within_days':
      return periodEnd(anchorAt, { days: rule.days }, timeZone);
  }
}

/** When the recording had to be stored for `stage` (default: into the collection system). */
export function uploadDeadline(upload: UploadRules, timing: UploadTiming, timeZone: string, stage: UploadStage = 'collect'): UploadDeadline {
  const rule = governingUploadRule(upload, stage, timing.remoteWork === true);
  if (rule === undefined) return { kind: 'none' };
  const anchorAt = timing[TIMING_KEY[rule.anchor]];
  if (typeof anchorAt !== 'number') return { kind: 'anchor_missing', anchor: rule.anchor, rule };
  return { kind: 'deadline', at: ruleDeadline(rule, anchorAt, timeZone), rule };
}

export type UploadTimeliness =
  | { readonly kind: 'on_time' | 'late'; readonly deadline: number; readonly rule: UploadRule; /** importedAt − deadline: negative = time to spare. */ readonly marginMs: number }
  | { readonly kind: 'none' }
  | { readonly kind: 'anchor_missing'; readonly anchor: UploadAnchor; readonly rule: UploadRule };

/** Was an import at `importedAt` late? Late means strictly after the deadline. */
export function uploadTimeliness(upload: UploadRules, timing: UploadTiming, importedAt: number, timeZone: string, stage: UploadStage = 'collect'): UploadTimeliness {
  if (!Number.isSafeInteger(importedAt)) throw new RangeError(`importedAt must be an integer epoch-ms instant, got ${String(importedAt)}`);
  const d = uploadDeadline(upload, timing, timeZone, stage);
  if (d.kind !== 'deadline') return d;
  return { kind: importedAt > d.at ? 'late' : 'on_time', deadline: d.at, rule: d.rule, marginMs: importedAt - d.at };
}

/** True when late, false when on time, null when the profile sets no deadline or its anchor is unknown. */
export function isLate(upload: UploadRules, timing: UploadTiming, importedAt: number, timeZone: string, stage: UploadStage = 'collect'): boolean | null {
  const t = uploadTimeliness(upload, timing, importedAt, timeZone, stage);
  return t.kind === 'none' || t.kind === 'anchor_missing' ? null : t.kind === 'late';
}
