import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { decodeLeaf, encodeLeaf, readLeafIndex } from './leaf.js';

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
