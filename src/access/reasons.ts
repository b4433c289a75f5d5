/**
 * Reasons a recording may be viewed, copied, exported or deleted (R-ACCESS: complaints,
 * administrative reconsideration or litigation, quality assessment, other special cases; R-EXPORT:
 * requests of police, procuratorate or court). Regulation profiles refine the list; `other` always
 * needs a written explanation.
 */
export const ACCESS_REASONS = ['complaint', 'reconsideration_litigation', 'quality_assessment', 'court_procuratorate', 'case_handling', 'other'] as const;
export type AccessReason = (typeof ACCESS_REASONS)[number];

export const ACCESS_REASON_LABELS: Record<AccessReason, { zh: string; en: string }> = {
  complaint: { zh: '投诉举报核查', en: 'Complaint' },
  reconsideration_litigation: { zh: '行政复议、行政诉讼', en: 'Administrative reconsideration or litigation' },
  quality_assessment: { zh: '执法质量考评', en: 'Enforcement quality assessment' },
  court_procuratorate: { zh: '公安、检察、审判机关调取', en: 'Request of police, procuratorate or court' },
  case_handling: { zh: '案件办理', en: 'Case handling' },
  other: { zh: '其他（须说明）', en: 'Other (explain)' },
};

/** Request actions as the API names them, and the content action each grants. */
export const REQUEST_ACTIONS = ['view', 'download', 'export', 'delete'] as const;
export type RequestAction = (typeof REQUEST_ACTIONS)[number];

export const CONTENT_ACTION_OF = {
  view: 'recording.view',
  download: 'recording.download',
  export: 'recording.export',
  delete: 'recording.delete',
} as const satisfies Record<RequestAction, string>;

export function requestActionOf(contentAction: (typeof CONTENT_ACTION_OF)[RequestAction]): RequestAction {
  return (Object.keys(CONTENT_ACTION_OF) as RequestAction[]).find((k) => CONTENT_ACTION_OF[k] === contentAction)!;
}
