import type { Citation, Period, Profile, ProfileItem } from './types';

/** The key fields the page edits; everything else of the profile is carried over as it is. */
export interface ProfileEdits {
  id: string;
  name: { zh: string; en: string };
  minimum: Period;
  evidenceRule: 'case_file' | 'permanent' | null;
  longTermCategories: Array<{ id: string; zh: string; en: string }>;
  recoveryWindowDays: number;
  stepUpStages: string[];
}

export const STEP_UP_STAGES = ['issue_return', 'import', 'approve', 'export', 'delete'] as const;

/** The edits as they stand in a profile (the editor's starting point). */
export function editsOf(p: Profile): ProfileEdits {
  return {
    id: p.id,
    name: { ...p.name },
    minimum: p.retention.minimum.period,
    evidenceRule: p.retention.evidence.rule,
    longTermCategories: p.retention.longTerm.categories.map((c) => ({ id: c.id, zh: c.label.zh, en: c.label.en })),
    recoveryWindowDays: p.deletion.recoveryWindowDays,
    stepUpStages: [...p.stepUp.stages],
  };
}

const samePeriod = (a: Period, b: Period) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The profile as it will be saved: `base` with the edits applied, as version `version`. A value
 * the agency changed gets an agency basis (`product` citation quoting `note`) where the schema
 * wants one; values left alone keep their regulation's quote. Pure.
 */
export function applyEdits(base: Profile, e: ProfileEdits, version: number, note: string): Profile {
  const agency: Citation = { kind: 'product', note: note.trim() || 'Edited by the agency' };
  const p = structuredClone(base);
  p.id = e.id;
  p.version = version;
  p.name = { zh: e.name.zh.trim(), en: e.name.en.trim() };
  delete p.hash;

  const min = p.retention.minimum;
  if (!samePeriod(min.period, e.minimum)) {
    min.period = e.minimum;
    if (e.minimum === null) {
      min.certainty = null;
      min.basis = null;
      min.note = min.note ?? `No minimum: ${agency.note}`;
    } else {
      min.certainty = 'stated';
      min.basis = agency;
    }
  }

  const ev = p.retention.evidence;
  if (ev.rule !== e.evidenceRule) {
    ev.rule = e.evidenceRule;
    if (e.evidenceRule === null) ev.note = ev.note ?? `No evidence rule: ${agency.note}`;
    else ev.basis = agency;
  }

  const lt = p.retention.longTerm;
  const old = new Map(lt.categories.map((c) => [c.id, c]));
  lt.categories = e.longTermCategories.map((c): ProfileItem => {
    const before = old.get(c.id);
    const label = { zh: c.zh.trim(), en: c.en.trim() };
    if (before && before.label.zh === label.zh && before.label.en === label.en) return before;
    return { id: c.id, label, basis: agency };
  });
  if (lt.categories.length > 0 && lt.term === null) {
    lt.term = '长期保存';
    lt.basis = lt.basis ?? agency;
  }
  if (lt.categories.length === 0 && lt.note === null) lt.note = `No long-term reasons: ${agency.note}`;

  if (p.deletion.recoveryWindowDays !== e.recoveryWindowDays) p.deletion = { recoveryWindowDays: e.recoveryWindowDays, basis: agency };

  const stages = STEP_UP_STAGES.filter((s) => e.stepUpStages.includes(s));
  if (JSON.stringify(stages) !== JSON.stringify(p.stepUp.stages)) {
    p.stepUp.stages = stages;
    if (stages.length > 0) p.stepUp.basis = agency;
  }
  return p;
}

/** A snake_case item id from a label typed in English (falls back to `reason_<n>`). */
export function itemIdOf(en: string, taken: ReadonlySet<string>): string {
  let base = en
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .replace(/^[0-9_]+/, '')
    .slice(0, 48);
  if (!base) base = 'reason';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
  return id;
}
