import { z } from 'zod';
import type { RoleId, StepUpStage } from '../identity/index.js';

/**
 * A regulation profile (R-PROFILE): the rules that differ between regulations, as data.
 *
 * Every rule carries its `basis`: a verbatim quote of the source with its article numbers, a
 * derivation from other profiles, or a product default. Where the source is silent the value is
 * null (or an empty list) and a `note` says so — nothing is invented. Profiles are versioned:
 * `version` is bumped on every change and `profileHash` fingerprints the content.
 */

/** Role ids as identity defines them (checked both ways at compile time below). */
export const PROFILE_ROLE_IDS = ['officer', 'custodian', 'collector', 'dispatcher', 'approver', 'supervisor', 'admin'] as const satisfies readonly RoleId[];
/** Custody stages that can demand a dynamic password (R-STEPUP), as identity defines them. */
export const PROFILE_STEP_UP_STAGES = ['issue_return', 'import', 'approve', 'export', 'delete'] as const satisfies readonly StepUpStage[];
type Exhaustive<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : never;
const rolesExhaustive: Exhaustive<RoleId, (typeof PROFILE_ROLE_IDS)[number]> = true;
const stagesExhaustive: Exhaustive<StepUpStage, (typeof PROFILE_STEP_UP_STAGES)[number]> = true;
void rolesExhaustive;
void stagesExhaustive;

/** A profile id: a stable lower-case slug, e.g. `traffic-police`. */
export const ProfileIdSchema = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'a lower-case slug').max(64);
/** An item id inside a profile (a long-term reason, a scenario…): snake_case, stable across versions. */
export const ItemIdSchema = z.string().regex(/^[a-z][a-z0-9_]*$/, 'snake_case').max(64);

const nonEmpty = z.string().trim().min(1);

/** A label in both UI languages; zh-CN is simplified Chinese even when the source is traditional. */
export const BilingualSchema = z.strictObject({ zh: nonEmpty, en: nonEmpty });

/** Why a value is what it is. */
export const CitationSchema = z.discriminatedUnion('kind', [
  /** Verbatim from the profile's source (in its own script), with the article or section numbers. */
  z.strictObject({ kind: z.literal('quote'), refs: z.array(nonEmpty), quote: z.string().min(2), note: nonEmpty.optional() }),
  /** Computed from other shipped profiles (the default profile). */
  z.strictObject({ kind: z.literal('derived'), from: z.array(ProfileIdSchema).min(1), note: nonEmpty }),
  /** A Custodia default where no regulation speaks (e.g. the recovery window). */
  z.strictObject({ kind: z.literal('product'), note: nonEmpty }),
]);

export const PeriodSchema = z.union([
  z.strictObject({ months: z.number().int().min(1).max(1200) }),
  z.strictObject({ days: z.number().int().min(1).max(36_500) }),
]);

/** An enumerated entry: a long-term reason, a scenario, a checklist item, an access reason… */
export const ItemSchema = z.strictObject({
  id: ItemIdSchema,
  label: BilingualSchema,
  basis: CitationSchema,
  note: nonEmpty.optional(),
});

const RoleSchema = z.enum(PROFILE_ROLE_IDS);

/**
 * Where in the unit tree (R-ORG) a role acts: the root bureau (县局/局), the unit that owns the
 * recording (its enforcement agency, 执法机构), or the lead on site (现场负责人).
 */
export const UnitLevelSchema = z.enum(['bureau', 'owning_unit', 'on_site']);

// ---- retention (R-RETAIN, R-LONGTERM) ----

export const MinimumRetentionSchema = z.strictObject({
  /** Minimum retention of ordinary originals, counted from the recording; null = the source is silent. */
  period: PeriodSchema.nullable(),
  /**
   * `stated` by a retention clause; `inferred` when read from a clause that is not plainly a
   * retention rule; `derived` from other profiles (the default profile).
   */
  certainty: z.enum(['stated', 'inferred', 'derived']).nullable(),
  basis: CitationSchema.nullable(),
  note: nonEmpty.nullable(),
});

export const EvidenceRetentionSchema = z.strictObject({
  /** Records used as evidence: as long as the case file (`case_file`), or forever (`permanent`). */
  rule: z.enum(['case_file', 'permanent']).nullable(),
  /** Which evidence the rule names (administrative penalty cases, traffic accidents…). */
  scope: BilingualSchema.nullable(),
  basis: CitationSchema.nullable(),
  note: nonEmpty.nullable(),
});

export const LongTermSchema = z.strictObject({
  /** The source's own word: 长期保存 (long-term) or 永久保存 (permanent); both mean "no end date". */
  term: z.enum(['长期保存', '永久保存']).nullable(),
  /** Marked records are also burned to disc or copied to removable media. */
  copyToMedia: z.boolean().nullable(),
  basis: CitationSchema.nullable(),
  /** The enumerated reasons a record is kept long-term; a mark names one of these ids. */
  categories: z.array(ItemSchema),
  /** False when the source's list is known to be incomplete (e.g. a truncated text). */
  listComplete: z.boolean(),
  note: nonEmpty.nullable(),
});

// ---- upload deadlines (R-24H) ----

/**
 * What a deadline counts from: the end of the enforcement activity (执法活动/执法事项结束), the
 * recording's completion (音像记录制作完成), the end of the day's duty (执勤执法结束), or the
 * officer's return to the unit after continuous or remote work (返回单位).
 */
export const UploadAnchorSchema = z.enum(['activity_end', 'recording_end', 'duty_end', 'return_to_unit']);
/** Into the collection system (采集: workstation, station server) or handed to the archive (档案室). */
export const UploadStageSchema = z.enum(['collect', 'archive']);

const uploadRuleBase = {
  anchor: UploadAnchorSchema,
  stage: UploadStageSchema,
  /** True for the rule that replaces the ordinary one after continuous, remote or out-of-town work. */
  remoteWork: z.boolean(),
  basis: CitationSchema,
  note: nonEmpty.optional(),
};

export const UploadRuleSchema = z.discriminatedUnion('kind', [
  /** Within n hours of the anchor (24 小时内). */
  z.strictObject({ kind: z.literal('within_hours'), hours: z.number().int().min(1).max(24 * 31), ...uploadRuleBase }),
  /** By the end (24:00) of the local day the anchor falls on (每天工作结束后 / 当天). */
  z.strictObject({ kind: z.literal('end_of_day'), ...uploadRuleBase }),
  /** Within n calendar days after the anchor's day, ending at 24:00 of the last day (2日内). */
  z.strictObject({ kind: z.literal('within_days'), days: z.number().int().min(1).max(366), ...uploadRuleBase }),
]);

export const UploadSchema = z.strictObject({ rules: z.array(UploadRuleSchema), note: nonEmpty.nullable() });

// ---- access (R-ACCESS, R-ACCESS-LOG, R-EXPORT) ----

/**
 * What needs someone's approval: view (调阅/查阅/播放), copy (复制/拷贝), delete, export as
 * evidence (移送), publish (公开使用), skip a recording (不予/无法记录), review an upload (审查).
 */
export const ApprovalActionSchema = z.enum(['view', 'copy', 'delete', 'export', 'publish', 'skip_recording', 'review_upload']);

export const ApprovalSchema = z.strictObject({
  action: ApprovalActionSchema,
  /** Who decides, by role id and where in the unit tree. */
  role: RoleSchema,
  unitLevel: UnitLevelSchema,
  /** The source's own title for the approver (局领导, 执法机构负责人, 主管领导…). */
  title: BilingualSchema,
  /** Who carries it out once approved, when the source names someone (县局调度管理中心账号 → dispatcher). */
  operator: RoleSchema.nullable(),
  /** The source requires a register entry (登记: who, why, when). */
  register: z.boolean(),
  /** A named form that must be signed, e.g. 《行政执法全过程记录调用单》. */
  form: nonEmpty.nullable(),
  basis: CitationSchema,
  note: nonEmpty.optional(),
});

export const AccessSchema = z.strictObject({
  /** The reasons the source allows for access; `other` needs free text when present. */
  reasons: z.array(ItemSchema.extend({ requiresText: z.boolean() })),
  approvals: z.array(ApprovalSchema),
  note: nonEmpty.nullable(),
});

// ---- recording conduct (R-SCENARIO, R-INTERRUPT) ----

export const ExemptionSchema = ItemSchema.extend({
  /** Who must be told or must approve when the exemption is used. */
  reportTo: BilingualSchema.nullable(),
  /** A written work record (工作记录) with the reason and legal basis is required. */
  workRecord: z.boolean(),
});

export const ScenariosSchema = z.strictObject({
  mandatory: z.array(ItemSchema),
  optional: z.array(ItemSchema),
  forbidden: z.array(ItemSchema),
  exemptions: z.array(ExemptionSchema),
  note: nonEmpty.nullable(),
});

export const InterruptionSchema = z.strictObject({
  /** Objective reasons a recording may stop (设备故障、天气恶劣、电量或存储不足、检查场所变化…). */
  reasons: z.array(ItemSchema),
  /** The reason must be spoken when recording restarts (重新开始记录时语音说明). */
  explainOnRestart: z.boolean().nullable(),
  /** If recording cannot continue: report to the head at once and explain in writing afterwards. */
  writtenReport: z.boolean().nullable(),
  basis: CitationSchema.nullable(),
  note: nonEmpty.nullable(),
});

export const NotificationSchema = z.strictObject({
  /** The party must be told that recording is on. */
  required: z.boolean().nullable(),
  /** The prescribed words (规范用语), simplified Chinese; the basis quotes the original. */
  wording: nonEmpty.nullable(),
  /** When the words are said. */
  when: BilingualSchema.nullable(),
  basis: CitationSchema.nullable(),
  note: nonEmpty.nullable(),
});

export const PreambleSchema = z.strictObject({
  /** The spoken opening, simplified Chinese, with the source's placeholders (×年×月×日, ×××). */
  template: nonEmpty.nullable(),
  /** Where or when it is spoken. */
  trigger: BilingualSchema.nullable(),
  basis: CitationSchema.nullable(),
  note: nonEmpty.nullable(),
});

// ---- supervision (R-SPOTCHECK, R-CHECKLIST) ----

export const ReviewSchema = z.strictObject({
  role: RoleSchema,
  unitLevel: z.enum(['upper_level', 'bureau', 'owning_unit']),
  title: BilingualSchema,
  frequency: z.enum(['daily', 'periodic', 'unscheduled']).nullable(),
  /** What is reviewed (all records, each day's violation/accident/complaint records…). */
  scope: BilingualSchema,
  basis: CitationSchema,
});

export const SpotCheckSchema = z.strictObject({
  reviews: z.array(ReviewSchema),
  /** An inspection ledger (检查台账) is required. */
  ledger: z.boolean().nullable(),
  checklist: z.array(ItemSchema),
  note: nonEmpty.nullable(),
});

// ---- deletion, devices, step-up ----

export const DeletionSchema = z.strictObject({
  /** Days an approved deletion batch can still be restored (issue #4: default 7). */
  recoveryWindowDays: z.number().int().min(0).max(365),
  basis: CitationSchema,
});

export const AllocationClassSchema = z.strictObject({
  id: z.enum(['A', 'B', 'C']),
  /** At least one device per this many enforcement officers; null when the class sets a count instead. */
  officersPerDevice: z.number().int().min(1).nullable(),
  /** At least this many devices per agency. */
  minimumDevices: z.number().int().min(1).nullable(),
  appliesTo: BilingualSchema,
  basis: CitationSchema,
});

export const DevicesSchema = z.strictObject({
  /** Allocation classes (R-DEV-RATIO); the agency picks its class. */
  classes: z.array(AllocationClassSchema),
  /** A per-team minimum (每个执法小组 / 稽查中队). */
  perTeam: z.strictObject({ minimum: z.number().int().min(1), team: BilingualSchema, basis: CitationSchema }).nullable(),
  note: nonEmpty.nullable(),
});

export const StepUpSchema = z.strictObject({
  /** Custody stages that require a dynamic password (动态密码) on top of the session. */
  stages: z.array(z.enum(PROFILE_STEP_UP_STAGES)),
  basis: CitationSchema.nullable(),
  note: nonEmpty.nullable(),
});

// ---- the profile ----

export const ProfileSourceSchema = z.discriminatedUnion('kind', [
  /** A seed text in ../shared/seeds (001 holds five regulations, told apart by `part`). */
  z.strictObject({
    kind: z.literal('seed'),
    file: z.string().regex(/^\d{3}_[0-9a-f]{16}\.txt$/),
    part: nonEmpty.nullable(),
    title: nonEmpty.nullable(),
    issuer: nonEmpty.nullable(),
    effectiveFrom: z.iso.date().nullable(),
    note: nonEmpty.nullable(),
  }),
  /** A text outside the seeds; quotes come from `excerptFile` (under profiles/sources/). */
  z.strictObject({
    kind: z.literal('external'),
    title: nonEmpty,
    issuer: nonEmpty.nullable(),
    effectiveFrom: z.iso.date().nullable(),
    excerptFile: z.string().regex(/^[a-z0-9-]+\.txt$/),
    note: nonEmpty.nullable(),
  }),
  /** Built by Custodia from the other profiles. */
  z.strictObject({ kind: z.literal('derived'), note: nonEmpty }),
]);

export const ProfileSchema = z
  .strictObject({
    id: ProfileIdSchema,
    /** Bumped on every change to the content; a recording keeps the `id@version` that governed it. */
    version: z.number().int().min(1),
    /** A regulation, a described practice (seed 000), or Custodia's default. */
    kind: z.enum(['regulation', 'practice', 'default']),
    name: BilingualSchema,
    source: ProfileSourceSchema,
    retention: z.strictObject({ minimum: MinimumRetentionSchema, evidence: EvidenceRetentionSchema, longTerm: LongTermSchema }),
    upload: UploadSchema,
    access: AccessSchema,
    scenarios: ScenariosSchema,
    interruption: InterruptionSchema,
    notification: NotificationSchema,
    preamble: PreambleSchema,
    spotCheck: SpotCheckSchema,
    deletion: DeletionSchema,
    devices: DevicesSchema,
    stepUp: StepUpSchema,
  })
  .superRefine((p, ctx) => {
    const issue = (path: (string | number)[], message: string): void => {
      ctx.addIssue({ code: 'custom', path, message });
    };
    // Silence must be said, and a stated value must have a basis.
    const { minimum, evidence, longTerm } = p.retention;
    if (minimum.period === null && minimum.note === null) issue(['retention', 'minimum', 'note'], 'a null minimum needs a note saying the source is silent');
    if (minimum.period !== null && (minimum.basis === null || minimum.certainty === null)) issue(['retention', 'minimum'], 'a minimum needs a basis and a certainty');
    if (minimum.period === null && minimum.certainty !== null) issue(['retention', 'minimum', 'certainty'], 'no minimum, no certainty');
    if (evidence.rule === null && evidence.note === null) issue(['retention', 'evidence', 'note'], 'a null evidence rule needs a note');
    if (evidence.rule !== null && evidence.basis === null) issue(['retention', 'evidence', 'basis'], 'an evidence rule needs a basis');
    if (longTerm.categories.length === 0 && longTerm.note === null) issue(['retention', 'longTerm', 'note'], 'no long-term categories needs a note');
    if (longTerm.categories.length > 0 && longTerm.term === null) issue(['retention', 'longTerm', 'term'], 'long-term categories need the source term');
    if (p.upload.rules.length === 0 && p.upload.note === null) issue(['upload', 'note'], 'no upload deadline needs a note');
    if (p.notification.wording !== null && p.notification.basis === null) issue(['notification', 'basis'], 'wording needs a basis');
    if (p.preamble.template !== null && p.preamble.basis === null) issue(['preamble', 'basis'], 'a preamble needs a basis');
    if (p.stepUp.stages.length > 0 && p.stepUp.basis === null) issue(['stepUp', 'basis'], 'step-up stages need a basis');

    // Upload: at most one ordinary and one remote-work rule per stage; remote rules count from the return.
    const seen = new Set<string>();
    p.upload.rules.forEach((r, i) => {
      const key = `${r.stage}:${r.remoteWork}`;
      if (seen.has(key)) issue(['upload', 'rules', i], `two rules for stage ${r.stage}${r.remoteWork ? ' (remote work)' : ''}`);
      seen.add(key);
      if (r.remoteWork !== (r.anchor === 'return_to_unit')) issue(['upload', 'rules', i, 'anchor'], 'remote-work rules, and only they, count from the return to the unit');
    });

    // Item ids are unique within each list; the `other` access reason asks for text.
    const lists: [string[], { id: string }[]][] = [
      [['retention', 'longTerm', 'categories'], longTerm.categories],
      [['access', 'reasons'], p.access.reasons],
      [['scenarios', 'mandatory'], p.scenarios.mandatory],
      [['scenarios', 'optional'], p.scenarios.optional],
      [['scenarios', 'forbidden'], p.scenarios.forbidden],
      [['scenarios', 'exemptions'], p.scenarios.exemptions],
      [['interruption', 'reasons'], p.interruption.reasons],
      [['spotCheck', 'checklist'], p.spotCheck.checklist],
    ];
    for (const [path, items] of lists) {
      const ids = new Set<string>();
      items.forEach((it, i) => {
        if (ids.has(it.id)) issue([...path, i, 'id'], `duplicate id ${it.id}`);
        ids.add(it.id);
      });
    }
    p.access.reasons.forEach((r, i) => {
      if (r.id === 'other' && !r.requiresText) issue(['access', 'reasons', i, 'requiresText'], 'the other reason must ask for text');
    });
    const classIds = p.devices.classes.map((c) => c.id);
    if (new Set(classIds).size !== classIds.length) issue(['devices', 'classes'], 'duplicate allocation class');
    p.devices.classes.forEach((c, i) => {
      if (c.officersPerDevice === null && c.minimumDevices === null) issue(['devices', 'classes', i], 'a class sets a ratio or a count');
    });
    if (new Set(p.stepUp.stages).size !== p.stepUp.stages.length) issue(['stepUp', 'stages'], 'duplicate stage');

    // Only the default profile derives; only Custodia's default has a derived source.
    if ((p.kind === 'default') !== (p.source.kind === 'derived')) issue(['source', 'kind'], 'the default profile, and only it, is derived');
  });

export type Profile = z.infer<typeof ProfileSchema>;
export type ProfileInput = z.input<typeof ProfileSchema>;
export type Citation = z.infer<typeof CitationSchema>;
export type Period = z.infer<typeof PeriodSchema>;
export type ProfileItem = z.infer<typeof ItemSchema>;
export type UploadRule = z.infer<typeof UploadRuleSchema>;
export type UploadAnchor = z.infer<typeof UploadAnchorSchema>;
export type UploadStage = z.infer<typeof UploadStageSchema>;
export type UploadRules = z.infer<typeof UploadSchema>;
export type Approval = z.infer<typeof ApprovalSchema>;
export type UnitLevel = z.infer<typeof UnitLevelSchema>;
export type EvidenceRule = NonNullable<Profile['retention']['evidence']['rule']>;

/** Parses and checks a profile; throws a ZodError naming every problem. */
export function parseProfile(input: unknown): Profile {
  return ProfileSchema.parse(input);
}
