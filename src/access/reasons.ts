/**
 * Reasons a recording may be viewed, copied, exported or deleted (R-ACCESS: complaints,
 * administrative reconsideration or litigation, quality assessment, other special cases; R-EXPORT:
 * requests of police, procuratorate or court). This fixed list applies where no regulation profile
 * is assigned to the recordings' unit tree (or the assigned one lists no reasons); elsewhere the
 * profile's `access.reasons` apply (see `commonReasons`). `other` always needs a written explanation.
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

/** One reason a request may give, with its label in both UI languages. */
export interface AccessReasonItem {
  id: string;
  label: { zh: string; en: string };
  /** The requester must explain in words (always for `other`). */
  requiresText: boolean;
}

/** The fixed list as items: the fallback where no profile speaks. */
export const FALLBACK_REASONS: readonly AccessReasonItem[] = ACCESS_REASONS.map((id) => ({ id, label: ACCESS_REASON_LABELS[id], requiresText: id === 'other' }));

/** A reason id as profiles spell them (snake_case). */
export const REASON_ID = /^[a-z][a-z0-9_]{0,63}$/;

const OTHER = FALLBACK_REASONS.find((r) => r.id === 'other')!;

/**
 * The reasons a request over recordings governed by several lists may give: those every list
 * allows, in the first list's order, needing words when any list asks for them; `other` (with
 * words) is always among them, so no request is left without a reason to give. Pure.
 */
export function commonReasons(lists: ReadonlyArray<readonly AccessReasonItem[]>): AccessReasonItem[] {
  const [first, ...rest] = lists.length > 0 ? lists : [FALLBACK_REASONS];
  const out: AccessReasonItem[] = [];
  for (const r of first!) {
    const same = rest.map((l) => l.find((x) => x.id === r.id));
    if (same.some((x) => x === undefined)) continue;
    out.push({ id: r.id, label: r.label, requiresText: r.id === 'other' || r.requiresText || same.some((x) => x!.requiresText) });
  }
  if (!out.some((r) => r.id === 'other')) out.push({ ...OTHER });
  return out;
}

/** The label a reason id had when asked, or the fixed list's label, or none. */
export function fixedReasonLabel(id: string): { zh: string; en: string } | null {
  return (ACCESS_REASONS as readonly string[]).includes(id) ? ACCESS_REASON_LABELS[id as AccessReason] : null;
}
