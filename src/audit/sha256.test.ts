import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cryptoHasher, nativeLedgerHasher, sha256Backend, type LedgerHasher } from './sha256.js';

/** SHA-256 straight from node:crypto's incremental API: no code shared with the module. */
const sha256 = (...parts: Uint8Array[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

const bytes = fc.uint8Array({ maxLength: 2048 });

describe('the ledger hasher', () => {
  it('is the native helper wherever it can be built (npm install builds it; CUSTODIA_NATIVE_HASH=0 turns it off)', () => {
    // This machine and CI build native addons (better-sqlite3 needs the same toolchain): a helper
    // that did not build must show here, not only as a slower ledger.
    expect(sha256Backend).toBe(process.env.CUSTODIA_NATIVE_HASH === '0' ? 'node:crypto' : 'native');
  });

  const implementations: Array<[string, LedgerHasher | undefined]> = [
    ['node:crypto', cryptoHasher],
    ['native', nativeLedgerHasher],
  ];

  describe.each(implementations)('%s', (_name, hasher) => {
    it.skipIf(!hasher)('leaf, node and many give the RFC 6962 hashes of any input', () => {
      const h = hasher!;
      fc.assert(
        fc.property(bytes, bytes, fc.array(bytes, { maxLength: 20 }), fc.nat({ max: 40 }), (a, b, list, skipSeed) => {
          expect(h.leaf(a).toString('hex')).toBe(sha256(Uint8Array.of(0), a));
          expect(h.node(a, b).toString('hex')).toBe(sha256(Uint8Array.of(1), a, b));
          const skip = Math.min(skipSeed, ...list.map((x) => x.length));
          const many = h.many(list, list.length > 0 ? skip : 0);
          expect(many.length).toBe(32 * list.length);
          list.forEach((x, i) => expect(many.subarray(32 * i, 32 * (i + 1)).toString('hex')).toBe(sha256(x.subarray(list.length > 0 ? skip : 0))));
        }),
        { numRuns: 300 },
      );
    });

    it.skipIf(!hasher)('returns fresh buffers that later calls do not overwrite, and refuses bad input', () => {
      const h = hasher!;
      const first = h.leaf(Buffer.from('a'));
      const copy = Buffer.from(first);
      h.leaf(Buffer.from('b'));
      h.node(first, first);
      expect(first.equals(copy)).toBe(true);
      expect(() => h.many([Buffer.from('ab')], 3)).toThrow(/shorter than skip/);
      expect(h.many([])).toHaveLength(0);
    });
  });
});
