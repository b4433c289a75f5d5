import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkTimeConsistency, union, type RecordingSpan } from './time-consistency.js';

const MIN = 60_000;
const T0 = Date.parse('2026-04-01T01:00:00Z');
const span = (id: string, fromMin: number, toMin: number | null): RecordingSpan => ({ id, start: T0 + fromMin * MIN, end: toMin === null ? null : T0 + toMin * MIN });
const docs = (fromMin: number, toMin: number) => ({ start: T0 + fromMin * MIN, end: T0 + toMin * MIN });

describe('checkTimeConsistency', () => {
  it('one recording matching the documents within the tolerance is consistent', () => {
    const r = checkTimeConsistency(docs(0, 30), [{ id: 'a', start: T0 + 20_000, end: T0 + 30 * MIN - 10_000 }]);
    expect(r.consistent).toBe(true);
    expect(r.findings).toEqual([]);
    expect(r.startOffsetMs).toBe(20_000);
    expect(r.endOffsetMs).toBe(10_000);
  });

  it('names a late start, an early end and a gap in the middle', () => {
    const r = checkTimeConsistency(docs(0, 60), [span('a', 5, 20), span('b', 30, 50)]);
    expect(r.consistent).toBe(false);
    expect(r.findings).toEqual([
      { code: 'late_start', byMs: 5 * MIN },
      { code: 'early_end', byMs: 10 * MIN },
      { code: 'gap', start: T0 + 20 * MIN, end: T0 + 30 * MIN },
    ]);
    expect(r.gaps).toEqual([docs(0, 5), docs(20, 30), docs(50, 60)]);
    expect(r.coveredMs).toBe(35 * MIN);
    expect(r.coverage).toBeCloseTo(35 / 60);
  });

  it('reports overlapping recordings (two officers at one scene) without calling them wrong', () => {
    const r = checkTimeConsistency(docs(0, 30), [span('a', 0, 20), span('b', 10, 30)]);
    expect(r.consistent).toBe(true);
    expect(r.overlaps).toEqual([{ a: 'a', b: 'b', start: T0 + 10 * MIN, end: T0 + 20 * MIN }]);
    expect(r.coveredMs).toBe(30 * MIN);
  });

  it('flags recordings outside the documents’ interval, and unknown durations', () => {
    const r = checkTimeConsistency(docs(0, 30), [span('a', -10, 30), span('b', 40, 45), span('c', 5, null)]);
    expect(r.findings).toEqual(
      expect.arrayContaining([
        { code: 'outside', recordingId: 'a', beforeMs: 10 * MIN, afterMs: 0 },
        { code: 'outside', recordingId: 'b', beforeMs: 0, afterMs: 5 * MIN },
        { code: 'unknown_duration', recordingId: 'c' },
      ]),
    );
  });

  it('says when there is nothing to compare', () => {
    expect(checkTimeConsistency(null, [span('a', 0, 1)]).findings).toEqual([{ code: 'no_documents_interval' }]);
    const none = checkTimeConsistency(docs(0, 10), []);
    expect(none.findings[0]).toEqual({ code: 'no_recordings' });
    expect(none.gaps).toEqual([docs(0, 10)]);
    expect(none.consistent).toBe(false);
  });

  const arbSpans = fc.array(
    fc.record({ id: fc.uuid(), from: fc.integer({ min: -30, max: 90 }), len: fc.integer({ min: 0, max: 60 }) }).map((r) => span(r.id, r.from, r.from + r.len)),
    { maxLength: 8 },
  );

  it('covered time and gaps partition the documents’ interval; gaps touch no recording (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 90 }), arbSpans, (from, len, spans) => {
        const d = docs(from, from + len);
        const r = checkTimeConsistency(d, spans);
        const gapMs = r.gaps.reduce((s, g) => s + g.end - g.start, 0);
        expect(r.coveredMs + gapMs).toBe(r.documentMs);
        for (const g of r.gaps) {
          expect(g.start).toBeGreaterThanOrEqual(d.start);
          expect(g.end).toBeLessThanOrEqual(d.end);
          for (const s of spans) if (s.end! > s.start) expect(s.end! <= g.start || s.start >= g.end).toBe(true);
        }
        for (let i = 1; i < r.gaps.length; i++) expect(r.gaps[i]!.start).toBeGreaterThan(r.gaps[i - 1]!.end);
        expect(r.coverage).toBeGreaterThanOrEqual(0);
        expect(r.coverage).toBeLessThanOrEqual(1);
      }),
      { numRuns: 2000 },
    );
  });

  it('adding a recording never reduces coverage (property)', () => {
    fc.assert(
      fc.property(arbSpans, arbSpans, (a, b) => {
        const d = docs(0, 60);
        expect(checkTimeConsistency(d, [...a, ...b]).coveredMs).toBeGreaterThanOrEqual(checkTimeConsistency(d, a).coveredMs);
      }),
    );
  });

  it('union yields disjoint sorted intervals of the same total cover (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ start: fc.integer({ min: 0, max: 100 }), len: fc.integer({ min: 0, max: 30 }) }), { maxLength: 10 }), (raw) => {
        const spans = raw.map((r) => ({ start: r.start, end: r.start + r.len }));
        const u = union(spans);
        for (let i = 1; i < u.length; i++) expect(u[i]!.start).toBeGreaterThan(u[i - 1]!.end);
        for (let x = 0; x < 130; x++) {
          const inSpans = spans.some((s) => x >= s.start && x < s.end);
          const inUnion = u.some((s) => x >= s.start && x < s.end);
          expect(inUnion).toBe(inSpans);
        }
      }),
    );
  });
});
