import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

/** The first encoder of ledger leaves (arrays of parts joined per level): leaves written by it must re-encode byte for byte. */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('canonical JSON: non-finite number');
    if (typeof value === 'bigint') return value.toString();
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : reference(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(obj[k])}`).join(',')}}`;
}

const value = fc.letrec((tie) => ({
  any: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.constant(undefined),
    fc.boolean(),
    fc.string(),
    fc.string({ unit: 'binary' }),
    // Any UTF-16 code unit: lone surrogates, control characters, quotes and backslashes.
    fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.bigInt(),
    fc.array(tie('any')),
    fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', '', 'a', 'A', 'é', '10', '9')), tie('any')),
  ),
})).any;

describe('canonical JSON', () => {
  it('encodes exactly as the first encoder did (any JSON-like value, undefined, bigint, odd keys)', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(canonicalJson(v)).toBe(reference(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps a key named __proto__ and sorts keys by UTF-16 code units', () => {
    const v = JSON.parse('{"b":1,"__proto__":{"x":[1,null]},"a":{"z":true,"é":"\\u0000"},"B":2}') as unknown;
    expect(canonicalJson(v)).toBe('{"B":2,"__proto__":{"x":[1,null]},"a":{"z":true,"é":"\\u0000"},"b":1}');
    expect(canonicalJson({ a: undefined, b: [undefined, () => 1], c: 1n })).toBe('{"b":[null,null],"c":1}');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/non-finite/);
    // Strings and numbers exactly as JSON.stringify writes them, escapes included.
    for (const v of ['', 'plain', 'a"b', 'a\\b', '\u0000\u001f\u007f', '\ud800', 'x\udfffy', '\ud83d\ude00', '\u2028', 'é中', -0, 1e21, 5e-7, 0.1, -1.5]) {
      expect(canonicalJson(v)).toBe(JSON.stringify(v));
      expect(canonicalJson({ [String(v)]: v })).toBe(JSON.stringify({ [String(v)]: v }));
    }
  });
});
