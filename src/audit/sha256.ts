/**
 * SHA-256 of the ledger's short inputs (leaves, interior nodes), through the native helper in
 * `native/ledger-hash` when it is built (`npm run build:native`, run by `npm install`), else through
 * node:crypto. Both give the same bytes (`sha256.test.ts` checks them against each other); the
 * helper exists because node:crypto costs ~1.2 µs per call on Node 20 whatever the input's size,
 * and the ledger hashes two inputs of ≤ ~300 bytes per entry (measured in docs/benchmarks.md).
 */
import { hash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

interface NativeLedgerHash {
  /** out[0..32) = SHA-256(0x00 ‖ leaf) */
  leaf(leaf: Uint8Array, out: Uint8Array): void;
  /** out[0..32) = SHA-256(0x01 ‖ left ‖ right) */
  node(left: Uint8Array, right: Uint8Array, out: Uint8Array): void;
  /** out[32i..32i+32) = SHA-256(inputs[i][skip..]) */
  many(inputs: readonly Uint8Array[], skip: number, out: Uint8Array): void;
}

/** The addon beside the sources (`src/audit`) or the build (`dist/audit`): both two levels below the repository. */
const ADDON = fileURLToPath(new URL('../../native/ledger-hash/build/Release/ledger_hash.node', import.meta.url));

function loadNative(): NativeLedgerHash | undefined {
  if (process.env.CUSTODIA_NATIVE_HASH === '0' || !existsSync(ADDON)) return undefined;
  try {
    return createRequire(import.meta.url)(ADDON) as NativeLedgerHash;
  } catch {
    // Built for another Node.js, or against another OpenSSL: node:crypto gives the same hashes.
    return undefined;
  }
}

/** The three functions the ledger hashes with. */
export interface LedgerHasher {
  /** SHA-256(0x00 ‖ leaf) */
  leaf(this: void, leaf: Uint8Array): Buffer;
  /** SHA-256(0x01 ‖ left ‖ right) */
  node(this: void, left: Uint8Array, right: Uint8Array): Buffer;
  /** SHA-256 of each input without its first `skip` bytes, in order, 32 bytes each (one call with the addon). */
  many(this: void, inputs: readonly Uint8Array[], skip?: number): Buffer;
}

/** node:crypto: the portable implementation. */
export const cryptoHasher: LedgerHasher = {
  leaf(leaf) {
    // One-shot hashing of one buffer is faster than an incremental Hash object (measured ~20%).
    const b = Buffer.allocUnsafe(1 + leaf.length);
    b[0] = 0x00;
    b.set(leaf, 1);
    return hash('sha256', b, 'buffer');
  },
  node(left, right) {
    const b = Buffer.allocUnsafe(1 + left.length + right.length);
    b[0] = 0x01;
    b.set(left, 1);
    b.set(right, 1 + left.length);
    return hash('sha256', b, 'buffer');
  },
  many(inputs, skip = 0) {
    const out = Buffer.allocUnsafe(32 * inputs.length);
    inputs.forEach((b, i) => {
      if (b.length < skip) throw new RangeError('an input is shorter than skip');
      out.set(hash('sha256', b.subarray(skip), 'buffer'), 32 * i);
    });
    return out;
  },
};

function nativeHasher(addon: NativeLedgerHash): LedgerHasher {
  return {
    leaf(leaf) {
      const out = Buffer.allocUnsafe(32);
      addon.leaf(leaf, out);
      return out;
    },
    node(left, right) {
      const out = Buffer.allocUnsafe(32);
      addon.node(left, right, out);
      return out;
    },
    many(inputs, skip = 0) {
      const out = Buffer.allocUnsafe(32 * inputs.length);
      addon.many(inputs, skip, out);
      return out;
    },
  };
}

/** The addon's implementation, when it is built here (for its tests and the benches' report). */
export const nativeLedgerHasher: LedgerHasher | undefined = ((addon) => addon && nativeHasher(addon))(loadNative());

/** Which implementation hashes the ledger here. */
export const sha256Backend: 'native' | 'node:crypto' = nativeLedgerHasher ? 'native' : 'node:crypto';

const use = nativeLedgerHasher ?? cryptoHasher;
export const sha256Leaf = use.leaf;
export const sha256Node = use.node;
export const sha256Many = use.many;
