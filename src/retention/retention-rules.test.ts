import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { periodEnd, type CalendarPeriod } from './calendar.js';
import { canDelete, lastExpiredRecordedAt, longerRetention, profileRetentionFacts, recoveryWindowEnd, retainUntil, retention, type LinkedCase, type RetentionFacts } from './retention-rules.js';
import { shippedProfile } from './shipped-profiles.js';

const SH = 'Asia/Shanghai';
const bj = (wall: string): number => Date.parse(`${wall}+08:00`);

const base: RetentionFacts = {
  recordedAt: bj('2024-11-30T10:00:00'),
  minimum: { months: 3 },
  evidenceRule: 'case_file',
  cases: [],
  longTermMarks: [],
  holds: [],
  earlyDeletion: null,
  timeZone: SH,
};

describe('retainUntil — examples', () => {
  it('traffic police: 3 months from 2024-11-30 10:00 is 2025-03-01 00:00 Beijing', () => {
    const tp = shippedProfile('traffic-police')!;
    const d = retention({ ...base, ...profileRetentionFacts(tp) });
    expect(d.retainUntil).toBe(bj('2025-03-01T00:00:00'));
    expect(d.governing).toEqual([{ rule: 'profile_minimum', until: bj('2025-03-01T00:00:00'), period: { months: 3 } }]);
  });

  it('a closed case whose file is kept longer extends it; a shorter one does not', () => {
    const caseEnd = bj('2035-01-01T00:00:00');
    const d = retention({ ...base, cases: [{ id: 'c1', status: 'closed', fileRetainUntil: caseEnd }] });
    expect(d.retainUntil).toBe(caseEnd);
    expect(d.governing.map((t) => t.rule)).toEqual(['case_file']);
    const short = retention({ ...base, cases: [{ id: 'c1', status: 'closed', fileRetainUntil: bj('2024-12-01T00:00:00') }] });
    expect(short.retainUntil).toBe(bj('2025-03-01T00:00:00'));
    expect(short.governing.map((t) => t.rule)).toEqual(['profile_minimum']);
  });

  it('open case, closed case kept forever, long-term mark, hold: each is indefinite and says so', () => {
    expect(retention({ ...base, cases: [{ id: 'c1', status: 'open', fileRetainUntil: null }] }).governing).toEqual([{ rule: 'case_open', caseId: 'c1', until: null }]);
    expect(retention({ ...base, cases: [{ id: 'c2', status: 'closed', fileRetainUntil: null }] }).governing).toEqual([{ rule: 'case_file', caseId: 'c2', until: null }]);
    expect(retention({ ...base, longTermMarks: [{ reasonId: 'obstruction' }] }).governing).toEqual([{ rule: 'long_term', reasonId: 'obstruction', until: null }]);
    expect(retention({ ...base, holds: [{ id: 'h1' }] }).governing).toEqual([{ rule: 'legal_hold', holdId: 'h1', until: null }]);
  });

  it('public security keeps any recording used as evidence permanently, even after the case closed', () => {
    const ps = shippedProfile('public-security-2016')!;
    const d = retention({ ...base, ...profileRetentionFacts(ps), cases: [{ id: 'c1', status: 'closed', fileRetainUntil: bj('2030-01-01T00:00:00') }] });
    expect(d.retainUntil).toBeNull();
    expect(d.governing).toEqual([{ rule: 'evidence_permanent', caseId: 'c1', until: null }]);
  });

  it('a profile whose text sets no minimum keeps everything until the agency sets one', () => {
    for (const id of ['county-market-supervision', 'jiangsu-culture-market', 'neiqiu-health']) {
      const d = retention({ ...base, ...profileRetentionFacts(shippedProfile(id)!) });
      expect(d.retainUntil).toBeNull();
      expect(d.governing).toEqual([{ rule: 'profile_minimum_unspecified', until: null }]);
    }
  });

  it('several indefinite rules are all reported as governing', () => {
    const d = retention({ ...base, holds: [{ id: 'h1' }], longTermMarks: [{ reasonId: 'other' }], cases: [{ id: 'c1', status: 'open', fileRetainUntil: null }] });
    expect(d.governing.map((t) => t.rule).sort()).toEqual(['case_open', 'legal_hold', 'long_term']);
  });

  it('approved early deletion of a non-work recording replaces the minimum, and nothing else', () => {
    const approvedAt = bj('2024-12-02T09:00:00');
    expect(retainUntil({ ...base, earlyDeletion: { approvedAt } })).toBe(approvedAt);
    expect(retainUntil({ ...base, minimum: null, earlyDeletion: { approvedAt } })).toBe(approvedAt);
    expect(retainUntil({ ...base, earlyDeletion: { approvedAt }, holds: [{ id: 'h' }] })).toBeNull();
    expect(retainUntil({ ...base, earlyDeletion: { approvedAt }, longTermMarks: [{ reasonId: 'other' }] })).toBeNull();
    expect(retainUntil({ ...base, earlyDeletion: { approvedAt }, cases: [{ id: 'c', status: 'open', fileRetainUntil: null }] })).toBeNull();
  });

  it('rejects instants that are not integers', () => {
    expect(() => retainUntil({ ...base, recordedAt: Number.NaN })).toThrow(RangeError);
    expect(() => retainUntil({ ...base, cases: [{ id: 'c', status: 'closed', fileRetainUntil: 1.5 }] })).toThrow(RangeError);
    expect(() => canDelete(base, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('canDelete — examples', () => {
  const end = bj('2025-03-01T00:00:00');

  it('not before the end of the period; from its first instant on', () => {
    expect(canDelete(base, end - 1)).toMatchObject({ allowed: false, reason: 'not_expired', retainUntil: end });
    expect(canDelete(base, end)).toMatchObject({ allowed: true, retainUntil: end });
    expect(canDelete(base, end + 86_400_000)).toMatchObject({ allowed: true });
  });

  it('names the most binding reason: hold, then mark, then open case, then evidence, then file, then silence, then time', () => {
    const later = end + 10 * 365 * 86_400_000;
    const all: RetentionFacts = {
      ...base,
      holds: [{ id: 'h' }],
      longTermMarks: [{ reasonId: 'other' }],
      cases: [
        { id: 'open', status: 'open', fileRetainUntil: null },
        { id: 'forever', status: 'closed', fileRetainUntil: null },
      ],
    };
    expect(canDelete(all, later)).toMatchObject({ allowed: false, reason: 'legal_hold' });
    expect(canDelete({ ...all, holds: [] }, later)).toMatchObject({ allowed: false, reason: 'long_term' });
    expect(canDelete({ ...all, holds: [], longTermMarks: [] }, later)).toMatchObject({ allowed: false, reason: 'case_open' });
    expect(canDelete({ ...all, holds: [], longTermMarks: [], evidenceRule: 'permanent' }, later)).toMatchObject({ allowed: false, reason: 'evidence_permanent' });
    expect(canDelete({ ...base, cases: [{ id: 'forever', status: 'closed', fileRetainUntil: null }] }, later)).toMatchObject({ allowed: false, reason: 'case_file_indefinite' });
    expect(canDelete({ ...base, minimum: null }, later)).toMatchObject({ allowed: false, reason: 'profile_minimum_unspecified' });
    const check = canDelete({ ...base, cases: [{ id: 'c', status: 'closed', fileRetainUntil: later + 1 }] }, later);
    expect(check).toMatchObject({ allowed: false, reason: 'not_expired', retainUntil: later + 1 });
    if (!check.allowed) expect(check.blocking.map((t) => t.rule)).toEqual(['case_file']);
  });

  it('the recovery window is whole days of 24 h after approval', () => {
    expect(recoveryWindowEnd(bj('2025-03-01T10:00:00'), 7)).toBe(bj('2025-03-08T10:00:00'));
    expect(recoveryWindowEnd(bj('2025-03-01T10:00:00'), 0)).toBe(bj('2025-03-01T10:00:00'));
    expect(() => recoveryWindowEnd(0, -1)).toThrow(RangeError);
  });
});

// ---- properties (issue #4 "Must hold") ----

const instant = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) });
const minimumArb: fc.Arbitrary<CalendarPeriod | null> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 4, arbitrary: fc.constantFrom<CalendarPeriod>({ months: 3 }, { months: 6 }, { months: 12 }) },
  { weight: 2, arbitrary: fc.oneof(fc.record({ months: fc.integer({ min: 1, max: 240 }) }), fc.record({ days: fc.integer({ min: 1, max: 3650 }) })) },
);
const caseArb: fc.Arbitrary<LinkedCase> = fc.record({
  id: fc.uuid(),
  status: fc.constantFrom<'open' | 'closed'>('open', 'closed'),
  fileRetainUntil: fc.option(instant, { nil: null }),
});
const markArb = fc.record({ reasonId: fc.constantFrom('party_objection', 'obstruction', 'mass_or_sudden_incident', 'other') });
const holdArb = fc.record({ id: fc.uuid() });

const factsArb: fc.Arbitrary<RetentionFacts> = fc.record({
  recordedAt: instant,
  minimum: minimumArb,
  evidenceRule: fc.constantFrom<RetentionFacts['evidenceRule']>('case_file', 'permanent', null),
  cases: fc.array(caseArb, { maxLength: 3 }),
  longTermMarks: fc.array(markArb, { maxLength: 2 }),
  holds: fc.array(holdArb, { maxLength: 2 }),
  earlyDeletion: fc.constant(null),
  timeZone: fc.constantFrom(SH, SH, SH, 'UTC', 'America/Sao_Paulo'),
});
/** Facts that may also carry an approved early deletion (R-DELETE). */
const anyFactsArb: fc.Arbitrary<RetentionFacts> = fc.tuple(factsArb, fc.option(instant, { nil: null })).map(([f, approvedAt]) => ({ ...f, earlyDeletion: approvedAt === null ? null : { approvedAt } }));

/** `a` is at least as long as `b` (null = forever). */
const atLeast = (a: number | null, b: number | null): boolean => a === null || (b !== null && a >= b);

describe('retention properties', () => {
  it('retainUntil is never earlier than the profile minimum (nor finite when the profile sets none)', () => {
    fc.assert(
      fc.property(factsArb, (f) => {
        const until = retainUntil(f);
        if (f.minimum === null) expect(until).toBeNull();
        else expect(atLeast(until, periodEnd(f.recordedAt, f.minimum, f.timeZone))).toBe(true);
      }),
    );
  });

  it('retainUntil is never finite while held, marked long-term or linked to an open case — early deletion or not', () => {
    fc.assert(
      fc.property(anyFactsArb, (f) => {
        const held = f.holds.length > 0 || f.longTermMarks.length > 0 || f.cases.some((c) => c.status === 'open');
        if (held) expect(retainUntil(f)).toBeNull();
      }),
    );
  });

  it('adding a hold, a long-term mark or a case link never makes it earlier', () => {
    const addition = fc.oneof(
      holdArb.map((h) => (f: RetentionFacts): RetentionFacts => ({ ...f, holds: [...f.holds, h] })),
      markArb.map((m) => (f: RetentionFacts): RetentionFacts => ({ ...f, longTermMarks: [...f.longTermMarks, m] })),
      caseArb.map((c) => (f: RetentionFacts): RetentionFacts => ({ ...f, cases: [...f.cases, c] })),
    );
    fc.assert(
      fc.property(anyFactsArb, addition, (f, add) => {
        expect(atLeast(retainUntil(add(f)), retainUntil(f))).toBe(true);
      }),
    );
  });

  it('a linked case keeps the recording at least as long while open as after it closes', () => {
    fc.assert(
      fc.property(anyFactsArb, caseArb, (f, c) => {
        const open = retainUntil({ ...f, cases: [...f.cases, { ...c, status: 'open' }] });
        const closed = retainUntil({ ...f, cases: [...f.cases, { ...c, status: 'closed' }] });
        expect(atLeast(open, closed)).toBe(true);
      }),
    );
  });

  it('the longest wins: retainUntil is the longest of the rules taken one at a time', () => {
    fc.assert(
      fc.property(anyFactsArb, (f) => {
        const alone: RetentionFacts = { ...f, cases: [], longTermMarks: [], holds: [] };
        const singles = [
          retainUntil(alone),
          ...f.cases.map((c) => retainUntil({ ...alone, cases: [c] })),
          ...f.longTermMarks.map((m) => retainUntil({ ...alone, longTermMarks: [m] })),
          ...f.holds.map((h) => retainUntil({ ...alone, holds: [h] })),
        ];
        expect(retainUntil(f)).toBe(singles.reduce(longerRetention));
        const d = retention(f);
        expect(d.governing.length).toBeGreaterThan(0);
        for (const t of d.terms) expect(atLeast(d.retainUntil, t.until)).toBe(true);
        for (const t of d.governing) expect(t.until).toBe(d.retainUntil);
      }),
    );
  });

  it('canDelete is false whenever retainUntil is null or in the future, true otherwise', () => {
    fc.assert(
      fc.property(anyFactsArb, instant, (f, now) => {
        const until = retainUntil(f);
        const check = canDelete(f, now);
        expect(check.allowed).toBe(until !== null && now >= until);
        if (!check.allowed) expect(check.blocking.length).toBeGreaterThan(0);
      }),
    );
  });

  it('the refusal names a hold first, then a mark, then an open case', () => {
    fc.assert(
      fc.property(anyFactsArb, instant, (f, now) => {
        const check = canDelete(f, now);
        if (f.holds.length > 0) expect(check).toMatchObject({ allowed: false, reason: 'legal_hold' });
        else if (f.longTermMarks.length > 0) expect(check).toMatchObject({ allowed: false, reason: 'long_term' });
        else if (f.evidenceRule !== 'permanent' && f.cases.some((c) => c.status === 'open')) expect(check).toMatchObject({ allowed: false, reason: 'case_open' });
      }),
    );
  });

  it('expiry by the minimum alone is one instant per profile: expired exactly when recorded at or before lastExpiredRecordedAt', () => {
    // What lets the expiry scan compare an instant per profile version instead of asking per row.
    fc.assert(
      fc.property(factsArb, instant, fc.integer({ min: -5 * 86_400_000, max: 5 * 86_400_000 }), (f, now, near) => {
        const alone: RetentionFacts = { ...f, cases: [], longTermMarks: [], holds: [] };
        const last = lastExpiredRecordedAt(alone, now);
        if (last === null) {
          expect(f.minimum).toBeNull();
          expect(canDelete(alone, now).allowed).toBe(false);
          return;
        }
        // Around the boundary, and at the arbitrary instant: the rule and the instant agree.
        for (const r of [last - 1, last, last + 1, last + near, f.recordedAt]) expect(canDelete({ ...alone, recordedAt: r }, now).allowed, String(r)).toBe(r <= last);
      }),
      { numRuns: 300 },
    );
  });

  it('a later recording never expires earlier (the minimum is monotone in the recording instant)', () => {
    fc.assert(
      fc.property(factsArb, fc.integer({ min: 0, max: 400 * 86_400_000 }), (f, later) => {
        const a = retainUntil({ ...f, cases: [], longTermMarks: [], holds: [] });
        const b = retainUntil({ ...f, cases: [], longTermMarks: [], holds: [], recordedAt: f.recordedAt + later });
        if (a !== null && b !== null) expect(b).toBeGreaterThanOrEqual(a);
      }),
    );
  });

  it('is deterministic and does not depend on the order of cases, marks and holds', () => {
    fc.assert(
      fc.property(anyFactsArb, (f) => {
        const reversed: RetentionFacts = { ...f, cases: [...f.cases].reverse(), longTermMarks: [...f.longTermMarks].reverse(), holds: [...f.holds].reverse() };
        expect(retainUntil(reversed)).toBe(retainUntil(f));
      }),
    );
  });
});
