import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { decodeLeaf, encodeLeaf, LEAF_VERSION, readLeafIndex, type AuditEvent } from './leaf.js';

const arbEvent = fc.record({
  actor: fc.option(fc.record({ id: fc.string(), name: fc.string() }), { nil: null }),
  action: fc.string({ minLength: 1 }),
  subject: fc.option(fc.record({ type: fc.string(), id: fc.string() }), { nil: null }),
  ip: fc.option(fc.string(), { nil: null }),
  reason: fc.option(fc.string(), { nil: null }),
  details: fc.dictionary(fc.string(), fc.jsonValue()),
});

describe('ledger leaves', () => {
  it('encode canonically and decode back; the fast index reader agrees with the full decoder', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), fc.integer({ min: 0, max: 2 ** 42 }), arbEvent, (seq, at, ev) => {
        const bytes = encodeLeaf(seq, at, ev);
        const full = decodeLeaf(bytes);
        expect(Buffer.from(canonicalJson(full))).toEqual(bytes);
        expect(readLeafIndex(bytes)).toEqual({ seq, at, action: ev.action, actorId: ev.actor?.id ?? null, subjectType: ev.subject?.type ?? null, subjectId: ev.subject?.id ?? null });
      }),
    );
  });

  it('encode to exactly the canonical JSON of the leaf object, whatever the event holds', () => {
    const loose = fc.record({
      actor: fc.option(fc.record({ id: fc.string(), name: fc.string() }, { requiredKeys: [] }), { nil: undefined }),
      action: fc.option(fc.string(), { nil: undefined }),
      subject: fc.option(fc.option(fc.record({ type: fc.string(), id: fc.string() }), { nil: null }), { nil: undefined }),
      ip: fc.option(fc.option(fc.string(), { nil: null }), { nil: undefined }),
      reason: fc.option(fc.option(fc.string(), { nil: null }), { nil: undefined }),
      details: fc.option(fc.dictionary(fc.string(), fc.jsonValue()), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), fc.integer({ min: 0, max: 2 ** 42 }), loose, (seq, at, ev) => {
        const leaf = { v: LEAF_VERSION, seq, at, actor: ev.actor, action: ev.action, subject: ev.subject ?? null, ip: ev.ip ?? null, reason: ev.reason ?? null, details: ev.details ?? {} };
        expect(encodeLeaf(seq, at, ev as AuditEvent).toString('utf8')).toBe(canonicalJson(leaf));
      }),
    );
  });

  it('a details key named __proto__ stays a key and the leaf re-encodes to its own bytes', () => {
    const details = JSON.parse('{"__proto__":{"x":1},"constructor":2}') as Record<string, unknown>;
    const bytes = encodeLeaf(1, 0, { actor: null, action: 'a', details });
    const leaf = decodeLeaf(bytes);
    expect(Object.keys(leaf.details)).toEqual(['__proto__', 'constructor']);
    expect(Buffer.from(canonicalJson(leaf))).toEqual(bytes);
  });

  it('the fast reader rejects what is not a leaf', () => {
    for (const bad of ['', 'null', '[]', '{"v":2,"seq":1,"at":1,"action":"a","actor":null,"subject":null}', '{"v":1,"seq":"1","at":1,"action":"a","actor":null,"subject":null}', '{"v":1,"seq":1,"at":1,"action":"a","actor":{"id":5},"subject":null}', '{"v":1,"seq":1,"at":1,"action":"a","actor":null,"subject":{"type":"x"}}']) {
      expect(() => readLeafIndex(Buffer.from(bad)), bad).toThrow();
    }
  });
});
