/**
 * Why a recording was interrupted or not made (R-INTERRUPT, R-SCENARIO exemptions: explosive zones
 * without explosion-proof equipment, state secrets or privacy, emergencies). The unit's regulation
 * profile governs the lists (`workRecordReasons` below); these fixed ones apply where it enumerates
 * none. `other` always needs a written explanation.
 */
export const INTERRUPTION_REASONS = ['device_fault', 'battery_exhausted', 'storage_full', 'weather', 'safety', 'privacy', 'other'] as const;
export const NOT_RECORDED_REASONS = ['no_device_available', 'device_fault', 'explosive_zone', 'secret_or_privacy', 'emergency', 'other'] as const;
export type InterruptionReason = (typeof INTERRUPTION_REASONS)[number];
export type NotRecordedReason = (typeof NOT_RECORDED_REASONS)[number];

export const WORK_RECORD_REASON_LABELS: Record<InterruptionReason | NotRecordedReason, { zh: string; en: string }> = {
  device_fault: { zh: '设备故障', en: 'Device fault' },
  battery_exhausted: { zh: '电量耗尽', en: 'Battery exhausted' },
  storage_full: { zh: '存储空间已满', en: 'Storage full' },
  weather: { zh: '恶劣天气', en: 'Severe weather' },
  safety: { zh: '现场安全原因', en: 'Safety at the scene' },
  privacy: { zh: '涉及个人隐私', en: 'Privacy' },
  no_device_available: { zh: '无可用设备', en: 'No device available' },
  explosive_zone: { zh: '易燃易爆场所无防爆设备', en: 'Explosive zone without explosion-proof equipment' },
  secret_or_privacy: { zh: '涉及国家秘密、商业秘密或个人隐私', en: 'State or commercial secrets, or privacy' },
  emergency: { zh: '紧急情况', en: 'Emergency' },
  other: { zh: '其他（须说明）', en: 'Other (explain)' },
};

/** A reason an officer may give, with its label and, from a profile, the article it comes from. */
export interface WorkRecordReasonChoice {
  id: string;
  label: { zh: string; en: string };
  /** The article of the governing regulation (null for the built-in fallback list). */
  basis: string | null;
}

/** The reasons that govern one unit's work records: its profile's lists, or the fixed ones. */
export interface WorkRecordReasonLists {
  /** `id@version` of the regulation profile the lists come from, or null when none was consulted. */
  profile: string | null;
  interrupted: WorkRecordReasonChoice[];
  notRecorded: WorkRecordReasonChoice[];
}

/** What this needs of a regulation profile (retention's `Profile`). */
export interface ReasonProfile {
  id: string;
  version: number;
  scenarios: { exemptions: ReadonlyArray<ProfileReason> };
  interruption: { reasons: ReadonlyArray<ProfileReason> };
}
interface ProfileReason {
  id: string;
  label: { zh: string; en: string };
  basis: { kind: string; refs?: readonly string[] | undefined };
}

const fixed = (ids: readonly (InterruptionReason | NotRecordedReason)[]): WorkRecordReasonChoice[] => ids.map((id) => ({ id, label: WORK_RECORD_REASON_LABELS[id], basis: null }));
const OTHER: WorkRecordReasonChoice = { id: 'other', label: WORK_RECORD_REASON_LABELS.other, basis: null };

/**
 * R-INTERRUPT, R-SCENARIO: an interruption gives one of the profile's interruption reasons, a
 * recording not made one of its exemptions. Where the profile enumerates none (or there is no
 * profile) the fixed lists above apply; `other`, explained in writing, is always possible.
 */
export function workRecordReasons(profile: ReasonProfile | null): WorkRecordReasonLists {
  const from = (items: ReadonlyArray<ProfileReason> | undefined, fallback: readonly (InterruptionReason | NotRecordedReason)[]): WorkRecordReasonChoice[] => {
    if (!items || items.length === 0) return fixed(fallback);
    const out = items.filter((i) => i.id !== 'other').map((i) => ({ id: i.id, label: i.label, basis: i.basis.refs?.join('、') || null }));
    return [...out, OTHER];
  };
  return {
    profile: profile ? `${profile.id}@${profile.version}` : null,
    interrupted: from(profile?.interruption.reasons, INTERRUPTION_REASONS),
    notRecorded: from(profile?.scenarios.exemptions, NOT_RECORDED_REASONS),
  };
}
