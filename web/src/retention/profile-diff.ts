import type { Bilingual, Period, Profile } from './types';

export const KEY_FIELDS = ['name', 'kind', 'source', 'minimum', 'evidence', 'longTermTerm', 'longTermCategories', 'upload', 'approvals', 'accessReasons', 'recoveryWindow', 'stepUp', 'hash'] as const;
export type KeyField = (typeof KEY_FIELDS)[number];

export interface Wording {
  label: (l: Bilingual | null | undefined) => string;
  period: (p: Period) => string;
  /** Words for enumerations the page translates (evidence rules, stages…), by `group.value`. */
  word: (group: string, value: string) => string;
  days: (n: number) => string;
  none: string;
}

/** A profile's key fields as readable text, one line per value (pure, given the wording). */
export function keyFields(p: Profile, w: Wording): Record<KeyField, string[]> {
  const r = p.retention;
  return {
    name: [w.label(p.name)],
    kind: [w.word('kind', p.kind)],
    source: [p.source.title ?? p.source.note ?? p.source.kind],
    minimum: [r.minimum.period === null ? w.none : `${w.period(r.minimum.period)}${r.minimum.certainty ? ` (${w.word('certainty', r.minimum.certainty)})` : ''}`],
    evidence: [r.evidence.rule === null ? w.none : w.word('evidence', r.evidence.rule)],
    longTermTerm: [r.longTerm.term ?? w.none],
    longTermCategories: r.longTerm.categories.length === 0 ? [w.none] : r.longTerm.categories.map((c) => w.label(c.label)),
    upload:
      p.upload.rules.length === 0
        ? [w.none]
        : p.upload.rules.map((u) => `${w.word('uploadKind', u.kind).replace('{n}', String(u.hours ?? u.days ?? ''))} · ${w.word('anchor', u.anchor)} · ${w.word('uploadStage', u.stage)}`),
    approvals: p.access.approvals.length === 0 ? [w.none] : p.access.approvals.map((a) => `${w.word('approval', a.action)}: ${w.label(a.title)}`),
    accessReasons: p.access.reasons.length === 0 ? [w.none] : p.access.reasons.map((x) => w.label(x.label)),
    recoveryWindow: [w.days(p.deletion.recoveryWindowDays)],
    stepUp: p.stepUp.stages.length === 0 ? [w.none] : p.stepUp.stages.map((s) => w.word('stepUpStage', s)),
    hash: [p.hash ?? ''],
  };
}

export interface DiffRow {
  field: KeyField;
  a: string[];
  b: string[];
  /** Lines only in a / only in b (for list fields); empty when equal. */
  removed: string[];
  added: string[];
  changed: boolean;
}

/** The key fields of two versions side by side, with what changed. */
export function diffProfiles(a: Profile, b: Profile, w: Wording): DiffRow[] {
  const fa = keyFields(a, w);
  const fb = keyFields(b, w);
  return KEY_FIELDS.map((field) => {
    const la = fa[field];
    const lb = fb[field];
    const removed = la.filter((x) => !lb.includes(x));
    const added = lb.filter((x) => !la.includes(x));
    return { field, a: la, b: lb, removed, added, changed: JSON.stringify(la) !== JSON.stringify(lb) };
  });
}
