import { describe, expect, it } from 'vitest';
import { ProfileSchema } from '../../../src/retention/profile-schema';
import defaultProfile from '../../../src/retention/profiles/default.json';
import trafficPolice from '../../../src/retention/profiles/traffic-police.json';
import { diffProfiles, type Wording } from './profile-diff';
import { applyEdits, editsOf, itemIdOf } from './profile-edit';
import type { Profile } from './types';

const W: Wording = { label: (l) => l?.en ?? '—', period: (p) => (p === null ? 'none' : 'months' in p ? `${p.months} months` : `${p.days} days`), word: (g, v) => `${g}:${v}`, days: (n) => `${n} days`, none: 'none' };
const base = () => structuredClone(trafficPolice) as unknown as Profile;

describe('editing a profile in the browser', () => {
  it('unchanged edits give back the same profile under the new id and version, valid', () => {
    const p = applyEdits(base(), { ...editsOf(base()), id: 'traffic-police-local' }, 1, 'local copy');
    expect(p.id).toBe('traffic-police-local');
    expect(p.version).toBe(1);
    expect({ ...p, id: 'traffic-police', version: trafficPolice.version }).toEqual(trafficPolice);
    expect(ProfileSchema.safeParse(p).success).toBe(true);
  });

  it('every key field changed still satisfies the server’s schema, each change with the agency basis', () => {
    for (const source of [trafficPolice, defaultProfile]) {
      const b = structuredClone(source) as unknown as Profile;
      const e = editsOf(b);
      const edited = applyEdits(
        b,
        {
          ...e,
          id: `${b.id}-local`,
          name: { zh: '本局规定', en: 'Our rules' },
          minimum: { months: 24 },
          evidenceRule: 'permanent',
          longTermCategories: [...e.longTermCategories.slice(1), { id: itemIdOf('Media interest', new Set()), zh: '媒体关注', en: 'Media interest' }],
          recoveryWindowDays: 14,
          stepUpStages: ['delete', 'approve'],
        },
        3,
        'Bureau order 2026-5',
      );
      const parsed = ProfileSchema.safeParse(edited);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      expect(edited.retention.minimum).toMatchObject({ period: { months: 24 }, basis: { kind: 'product', note: 'Bureau order 2026-5' } });
      expect(edited.stepUp.stages).toEqual(['approve', 'delete']);
      expect(edited.retention.longTerm.categories.at(-1)).toMatchObject({ id: 'media_interest', basis: { kind: 'product' } });
      // Categories left alone keep their regulation's quote.
      expect(edited.retention.longTerm.categories[0]).toEqual(b.retention.longTerm.categories[1]);
    }
  });

  it('removing a minimum and every long-term reason stays valid (silence is said)', () => {
    const e = editsOf(base());
    const p = applyEdits(base(), { ...e, id: 'x-local', minimum: null, evidenceRule: null, longTermCategories: [], stepUpStages: [] }, 1, 'test');
    const parsed = ProfileSchema.safeParse(p);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  });

  it('the diff names the changed key fields and what was added or removed', () => {
    const a = base();
    const b = applyEdits(a, { ...editsOf(a), recoveryWindowDays: 30, longTermCategories: [...editsOf(a).longTermCategories, { id: 'media', zh: '媒体', en: 'Media' }] }, 2, 'n');
    const rows = diffProfiles(a, b, W);
    const changed = rows.filter((r) => r.changed).map((r) => r.field);
    expect(changed).toEqual(['longTermCategories', 'recoveryWindow']);
    expect(rows.find((r) => r.field === 'longTermCategories')!.added).toEqual(['Media']);
    expect(rows.find((r) => r.field === 'recoveryWindow')).toMatchObject({ a: ['7 days'], b: ['30 days'] });
    expect(itemIdOf('Party objection!', new Set(['party_objection']))).toBe('party_objection_2');
    expect(itemIdOf('媒体', new Set())).toBe('reason');
  });
});
