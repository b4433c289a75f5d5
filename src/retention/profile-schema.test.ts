import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, profileHash, profileRef } from './profile-hash.js';
import { ProfileSchema, parseProfile, type Profile } from './profile-schema.js';
import lock from './shipped-profiles.lock.json' with { type: 'json' };
import { DEFAULT_PROFILE_ID, SHIPPED_PROFILES, shippedProfile } from './shipped-profiles.js';

/** A mutable deep copy of a shipped profile, to break in tests. */
const copyOf = (id: string): Profile => structuredClone(shippedProfile(id)!);
/** The schema's messages for an invalid profile. */
const problems = (input: unknown): string[] => {
  const r = ProfileSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('shipped profiles', () => {
  it('are eleven: nine seed regulations, public security 2016 and the default', () => {
    expect(SHIPPED_PROFILES.map((p) => p.id).sort()).toEqual(
      [
        'county-market-supervision',
        'default',
        'hr-environment-enforcement',
        'jiangsu-culture-market',
        'market-management',
        'mingshan-hr',
        'neiqiu-health',
        'public-security-2016',
        'traffic-police',
        'yunnan-eshan',
        'zibo-tobacco',
      ].sort(),
    );
    expect(shippedProfile(DEFAULT_PROFILE_ID)?.kind).toBe('default');
    expect(SHIPPED_PROFILES.filter((p) => p.source.kind === 'seed')).toHaveLength(9);
  });

  it('each validates against the schema, and parsing is idempotent', () => {
    for (const p of SHIPPED_PROFILES) {
      expect(problems(p), p.id).toEqual([]);
      expect(parseProfile(JSON.parse(JSON.stringify(p)))).toEqual(p);
    }
  });

  it('ids and id@version refs are unique', () => {
    const ids = SHIPPED_PROFILES.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const refs = SHIPPED_PROFILES.map(profileRef);
    expect(new Set(refs).size).toBe(refs.length);
  });

  it('long-term reason ids come from one shared vocabulary', () => {
    // Statistics compare units on these ids, so an id must not be reused for a different reason.
    const byId = new Map<string, Set<string>>();
    for (const p of SHIPPED_PROFILES) for (const c of p.retention.longTerm.categories) byId.set(c.id, (byId.get(c.id) ?? new Set()).add(p.id));
    expect([...byId.keys()].sort()).toEqual(['environmental_emergency', 'evidence_use', 'major_complex_case', 'major_or_disputed_case', 'mass_or_sudden_incident', 'obstruction', 'other', 'party_objection', 'police_involved']);
  });

  it('are frozen: a shipped profile is never edited in place', () => {
    const tp = shippedProfile('traffic-police')!;
    expect(Object.isFrozen(tp)).toBe(true);
    expect(Object.isFrozen(tp.retention.minimum)).toBe(true);
    expect(() => {
      (tp.retention.longTerm.categories as unknown[]).push({});
    }).toThrow(TypeError);
  });

  it('each content change comes with a version bump (shipped-profiles.lock.json)', () => {
    const actual = Object.fromEntries(SHIPPED_PROFILES.map((p) => [p.id, { version: p.version, sha256: profileHash(p) }]));
    const locked: Record<string, { version: number; sha256: string }> = lock;
    for (const [id, now] of Object.entries(actual)) {
      const was = locked[id];
      const hint = `profile ${id} changed: bump its "version" and record the new hash in src/retention/shipped-profiles.lock.json:\n${JSON.stringify({ [id]: now })}`;
      expect(was, hint).toBeDefined();
      if (was!.sha256 !== now.sha256) expect(now.version, hint).toBeGreaterThan(was!.version);
      expect(was, hint).toEqual(now);
    }
    expect(Object.keys(locked).sort()).toEqual(Object.keys(actual).sort());
  });
});

describe('profile hash', () => {
  it('does not depend on key order or formatting', () => {
    const tp = copyOf('traffic-police');
    const reverseKeys = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(reverseKeys) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverseKeys(x)])) : v;
    const reversed = reverseKeys(tp);
    expect(JSON.stringify(reversed)).not.toBe(JSON.stringify(tp));
    expect(profileHash(parseProfile(reversed))).toBe(profileHash(tp));
    expect(profileHash(parseProfile(JSON.parse(JSON.stringify(tp, null, 7))))).toBe(profileHash(tp));
  });

  it('changes with any change of content', () => {
    const tp = copyOf('traffic-police');
    const before = profileHash(tp);
    tp.retention.minimum.period = { months: 4 };
    expect(profileHash(tp)).not.toBe(before);
  });

  it('canonical JSON sorts keys at every depth and refuses what JSON cannot hold', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 'x', c: null }] })).toBe('{"a":[{"c":null,"d":"x"}],"b":1}');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ a: undefined })).toThrow(TypeError);
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const once = canonicalJson(v);
        expect(canonicalJson(JSON.parse(once))).toBe(once);
      }),
    );
  });
});

describe('the schema refuses', () => {
  it('a silent minimum without a note saying so', () => {
    const p = copyOf('neiqiu-health');
    p.retention.minimum.note = null;
    expect(problems(p)).toEqual(['retention.minimum.note: a null minimum needs a note saying the source is silent']);
  });

  it('a minimum without a basis or certainty', () => {
    const p = copyOf('traffic-police');
    p.retention.minimum.basis = null;
    expect(problems(p)).toContain('retention.minimum: a minimum needs a basis and a certainty');
  });

  it('unknown fields, unknown roles and bad ids', () => {
    expect(problems({ ...copyOf('traffic-police'), retentionMonths: 3 })).not.toEqual([]);
    const role = copyOf('traffic-police');
    (role.access.approvals[0] as { role: string }).role = 'chief';
    expect(problems(role).some((m) => m.startsWith('access.approvals.0.role'))).toBe(true);
    expect(problems({ ...copyOf('traffic-police'), id: 'Traffic Police' }).some((m) => m.startsWith('id:'))).toBe(true);
  });

  it('duplicate item ids, an "other" reason without text, two ordinary rules for one stage', () => {
    const dup = copyOf('traffic-police');
    dup.retention.longTerm.categories.push(dup.retention.longTerm.categories[0]!);
    expect(problems(dup)).toContain('retention.longTerm.categories.4.id: duplicate id party_objection');
    const other = copyOf('county-market-supervision');
    other.access.reasons.find((r) => r.id === 'other')!.requiresText = false;
    expect(problems(other).some((m) => m.includes('the other reason must ask for text'))).toBe(true);
    const twice = copyOf('traffic-police');
    twice.upload.rules.push(twice.upload.rules[0]!);
    expect(problems(twice)).toContain('upload.rules.1: two rules for stage collect');
  });

  it('a remote-work rule that does not count from the return, and an ordinary one that does', () => {
    const zb = copyOf('zibo-tobacco');
    zb.upload.rules[1]!.anchor = 'activity_end';
    expect(problems(zb)).toContain('upload.rules.1.anchor: remote-work rules, and only they, count from the return to the unit');
  });

  it('a derived source on anything but the default profile', () => {
    const p = copyOf('traffic-police');
    p.source = { kind: 'derived', note: 'x' };
    expect(problems(p)).toContain('source.kind: the default profile, and only it, is derived');
  });
});
