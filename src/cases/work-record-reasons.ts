/**
 * Why a recording was interrupted or not made (R-INTERRUPT, R-SCENARIO exemptions: explosive zones
 * without explosion-proof equipment, state secrets or privacy, emergencies). Regulation profiles
 * refine the lists; `other` always needs a written explanation.
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
