/**
 * RFC 6962 / RFC 9162 Merkle tree primitives for the append-only audit ledger.
 *
 * Pure module (no I/O). Hashing follows RFC 6962 section 2.1 with SHA-256:
 *   leaf hash  = SHA-256(0x00 || leaf)
 *   node hash  = SHA-256(0x01 || left || right)
 *   MTH({})    = SHA-256("")
 *
 * Storage model: the ledger persists the hash of every *complete, aligned*
 * subtree (level k, index i) = MTH(D[i*2^k : (i+1)*2^k]). Any node of an RFC
 * 6962 tree, complete or on the right edge, is the fold of O(log n) such
 * subtrees, so roots and proofs are computed with O(log n) lookups and
 * O(log n) hashing, independent of the number of leaves.
 *
 * Sizes and indices are plain numbers and must be safe integers
 * (0 <= x <= Number.MAX_SAFE_INTEGER). Builders throw RangeError on invalid
 * arguments; the verify* functions never throw and return false instead.
 */
import { createHash } from 'node:crypto';
import { sha256Leaf, sha256Node } from './sha256.js';

/** Size in bytes of every hash (SHA-256). */
export const HASH_SIZE = 32;

/** A complete aligned subtree: covers leaves [index * 2^level, (index + 1) * 2^level). */
export interface SubtreeRef {
  level: number;
  index: number;
}

/** Synchronous lookup of a stored complete-subtree hash (must return HASH_SIZE bytes). */
export type SubtreeLookup = (ref: SubtreeRef) => Uint8Array;

const EMPTY_ROOT = createHash('sha256').digest();
const TWO_32 = 0x1_0000_0000;

/** RFC 6962 leaf hash: SHA-256(0x00 || leaf). */
export function leafHash(leaf: Uint8Array): Buffer {
  return sha256Leaf(leaf);
}

/** RFC 6962 interior node hash: SHA-256(0x01 || left || right). Inputs of any length are hashed as given. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return sha256Node(left, right);
}

/** MTH of the empty tree: SHA-256(""). Returns a fresh copy. */
export function emptyRoot(): Buffer {
  return Buffer.from(EMPTY_ROOT);
}

// ---------------------------------------------------------------------------
// Integer helpers, exact for all safe integers (bitwise operators are 32-bit).

/** Number of bits needed to represent n (0 for 0). */
function bitLength(n: number): number {
  return n < TWO_32 ? 32 - Math.clz32(n) : 64 - Math.clz32(Math.floor(n / TWO_32));
}

/** Largest power of two <= n, for n >= 1. */
function floorPow2(n: number): number {
  return 2 ** (bitLength(n) - 1);
}

/** Lowest set bit of n as a value (n & -n), for n >= 1. */
function lowBit(n: number): number {
  const lo = n >>> 0; // n mod 2^32
  return lo !== 0 ? (lo & -lo) >>> 0 : TWO_32 * lowBit(Math.floor(n / TWO_32));
}

function isSize(n: unknown): n is number {
  return Number.isSafeInteger(n) && (n as number) >= 0;
}

function checkSize(name: string, n: number): void {
  if (!isSize(n)) throw new RangeError(`${name} must be a non-negative safe integer, got ${String(n)}`);
}

function isHash(h: unknown): h is Uint8Array {
  return h instanceof Uint8Array && h.length === HASH_SIZE;
}

function checkHash(what: string, h: unknown): asserts h is Uint8Array {
  if (!isHash(h)) throw new RangeError(`${what} must be a ${HASH_SIZE}-byte Uint8Array`);
}

// ---------------------------------------------------------------------------
// Which subtrees are stored

/**
 * The ledger stores complete subtrees of this level and above only (1/8 of all subtrees: one
 * row per 8 entries instead of one per entry). A lower one spans at most 8 leaves and is
 * recomputed from their hashes (each entry's own leaf hash), read in one range.
 */
export const STORED_MIN_LEVEL = 4;

/**
 * The leaf ranges [start, end) whose hashes give every subtree of `refs` below
 * STORED_MIN_LEVEL: per aligned block of 2^STORED_MIN_LEVEL leaves, the span of the refs in it.
 * Sorted, disjoint; each at most 2^STORED_MIN_LEVEL leaves.
 */
export function leafRangesFor(refs: readonly SubtreeRef[]): Array<[number, number]> {
  const block = 2 ** STORED_MIN_LEVEL;
  const spans = new Map<number, [number, number]>();
  for (const r of refs) {
    if (r.level >= STORED_MIN_LEVEL) continue;
    const start = r.index * 2 ** r.level;
    const end = start + 2 ** r.level;
    const b = Math.floor(start / block);
    const s = spans.get(b);
    if (!s) spans.set(b, [start, end]);
    else {
      s[0] = Math.min(s[0], start);
      s[1] = Math.max(s[1], end);
    }
  }
  return [...spans.values()].sort((a, b) => a[0] - b[0]);
}

/**
 * Hash of the complete subtree `ref` from its leaves' hashes (`leafAt(i)` for leaf index i);
 * undefined when one of them is not known.
 */
export function subtreeFromLeaves(ref: SubtreeRef, leafAt: (index: number) => Uint8Array | undefined): Buffer | undefined {
  const width = 2 ** ref.level;
  const first = ref.index * width;
  let level: Buffer[] = [];
  for (let i = 0; i < width; i++) {
    const h = leafAt(first + i);
    if (!isHash(h)) return undefined;
    level.push(Buffer.from(h));
  }
  while (level.length > 1) {
    const up: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) up.push(nodeHash(level[i] as Buffer, level[i + 1] as Buffer));
    level = up;
  }
  return level[0];
}

// ---------------------------------------------------------------------------
// Range structure

/**
 * Complete aligned subtrees covering [start, end), left to right (greedy: at
 * each position take the largest aligned block that fits). For every range
 * that occurs in an RFC 6962 tree or proof (start a multiple of the largest
 * power of two <= end - start) the blocks are strictly decreasing in size,
 * largest first; for other ranges sizes first grow, then shrink.
 * Returns [] for an empty range. O(log(end)).
 * @throws RangeError unless 0 <= start <= end are safe integers.
 */
export function decomposeRange(start: number, end: number): SubtreeRef[] {
  checkSize('start', start);
  checkSize('end', end);
  if (start > end) throw new RangeError(`start (${start}) > end (${end})`);
  const out: SubtreeRef[] = [];
  let pos = start;
  while (pos < end) {
    const fit = floorPow2(end - pos);
    const size = pos === 0 ? fit : Math.min(lowBit(pos), fit);
    out.push({ level: bitLength(size) - 1, index: pos / size });
    pos += size;
  }
  return out;
}

/**
 * Folds block hashes right to left: h = last; h = nodeHash(block[i], h).
 * Given the hashes of decomposeRange(start, end) for an RFC 6962 shaped range
 * (see decomposeRange) this is MTH(D[start:end]). An empty list gives the
 * empty-tree hash. The result never aliases an input.
 */
export function foldRange(blockHashes: readonly Uint8Array[]): Buffer {
  const n = blockHashes.length;
  const last = blockHashes[n - 1];
  if (last === undefined) return emptyRoot();
  let h: Buffer = Buffer.from(last);
  for (let i = n - 2; i >= 0; i--) h = nodeHash(blockHashes[i] as Uint8Array, h);
  return h;
}

/**
 * MTH(D[start:end]) of an RFC 6962 shaped range (start aligned to the largest
 * power of two <= length), from stored subtrees without intermediate arrays:
 * the blocks are the set bits of the length, so they are visited right to
 * left from the lowest bit up.
 */
function rangeHash(start: number, end: number, subtree: SubtreeLookup): Buffer {
  let rem = end - start;
  let pos = end;
  let size = 1;
  let level = 0;
  let h: Buffer | undefined;
  while (rem > 0) {
    if (rem % (2 * size) !== 0) {
      pos -= size;
      rem -= size;
      const block = subtree({ level, index: pos / size });
      checkHash(`subtree(level ${level}, index ${pos / size})`, block);
      h = h === undefined ? Buffer.from(block) : nodeHash(block, h);
    }
    size *= 2;
    level++;
  }
  return h ?? emptyRoot();
}

/**
 * Ranges [start, end) whose MTHs form the RFC 6962 audit path PATH(m, D[0:n])
 * for m = leafIndex, n = treeSize, in RFC order (leaf-adjacent sibling first).
 * At most one range (the first right sibling on the right edge) is incomplete.
 * @throws RangeError unless 0 <= leafIndex < treeSize are safe integers.
 */
export function inclusionProofRanges(leafIndex: number, treeSize: number): Array<[number, number]> {
  checkSize('leafIndex', leafIndex);
  checkSize('treeSize', treeSize);
  if (leafIndex >= treeSize) throw new RangeError(`leafIndex (${leafIndex}) >= treeSize (${treeSize})`);
  // Walk down from the root; siblings are collected top-down, then reversed.
  const out: Array<[number, number]> = [];
  let lo = 0;
  let hi = treeSize;
  while (hi - lo > 1) {
    const mid = lo + floorPow2(hi - lo - 1); // k = largest power of two < n
    if (leafIndex < mid) {
      out.push([mid, hi]);
      hi = mid;
    } else {
      out.push([lo, mid]);
      lo = mid;
    }
  }
  return out.reverse();
}

/**
 * Ranges whose MTHs form the RFC 6962 consistency proof PROOF(m, D[0:n])
 * (SUBPROOF(m, D[0:n], true), section 2.1.2) for m = oldSize, n = newSize,
 * in RFC order. Empty when oldSize is 0 or equals newSize.
 * @throws RangeError unless 0 <= oldSize <= newSize are safe integers.
 */
export function consistencyProofRanges(oldSize: number, newSize: number): Array<[number, number]> {
  checkSize('oldSize', oldSize);
  checkSize('newSize', newSize);
  if (oldSize > newSize) throw new RangeError(`oldSize (${oldSize}) > newSize (${newSize})`);
  if (oldSize === 0 || oldSize === newSize) return [];
  const siblings: Array<[number, number]> = []; // top-down
  let lo = 0;
  let hi = newSize;
  let whole = true; // SUBPROOF's b flag: still on the left edge of the old tree
  while (oldSize !== hi) {
    const mid = lo + floorPow2(hi - lo - 1);
    if (oldSize <= mid) {
      siblings.push([mid, hi]);
      hi = mid;
    } else {
      siblings.push([lo, mid]);
      lo = mid;
      whole = false;
    }
  }
  const out: Array<[number, number]> = whole ? [] : [[lo, hi]];
  for (let i = siblings.length - 1; i >= 0; i--) out.push(siblings[i] as [number, number]);
  return out;
}

/**
 * RFC 6962 audit path for leafIndex in the tree of size treeSize, computed from
 * stored complete subtrees with O(log n) lookups.
 * @throws RangeError on invalid arguments or if a lookup returns a non-32-byte value.
 */
export function inclusionProof(leafIndex: number, treeSize: number, subtree: SubtreeLookup): Buffer[] {
  const ranges = inclusionProofRanges(leafIndex, treeSize);
  const out = new Array<Buffer>(ranges.length);
  for (let i = 0; i < ranges.length; i++) {
    const [s, e] = ranges[i] as [number, number];
    out[i] = rangeHash(s, e, subtree);
  }
  return out;
}

/**
 * RFC 6962 consistency proof between tree sizes oldSize and newSize, computed
 * from stored complete subtrees with O(log n) lookups.
 * @throws RangeError on invalid arguments or if a lookup returns a non-32-byte value.
 */
export function consistencyProof(oldSize: number, newSize: number, subtree: SubtreeLookup): Buffer[] {
  const ranges = consistencyProofRanges(oldSize, newSize);
  const out = new Array<Buffer>(ranges.length);
  for (let i = 0; i < ranges.length; i++) {
    const [s, e] = ranges[i] as [number, number];
    out[i] = rangeHash(s, e, subtree);
  }
  return out;
}

/**
 * Root MTH(D[0:treeSize]) from stored complete subtrees (popcount(treeSize)
 * lookups); the empty-tree hash for size 0.
 * @throws RangeError on invalid arguments or if a lookup returns a non-32-byte value.
 */
export function rootFromSubtrees(treeSize: number, subtree: SubtreeLookup): Buffer {
  checkSize('treeSize', treeSize);
  return rangeHash(0, treeSize, subtree);
}

// ---------------------------------------------------------------------------
// Verification (RFC 9162 section 2.1.3.2 and 2.1.4.2). Never throws.

function isProof(proof: unknown): proof is readonly Uint8Array[] {
  if (!Array.isArray(proof)) return false;
  for (const p of proof as unknown[]) if (!isHash(p)) return false;
  return true;
}

function hashEquals(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

/**
 * Verifies an RFC 6962 audit path (RFC 9162 section 2.1.3.2): leafHash is the
 * leaf at leafIndex of the tree of size treeSize with root `root`. Returns
 * false (never throws) on any malformed input: non-integer or out-of-range
 * index/size, leafIndex >= treeSize, hashes that are not 32-byte Uint8Arrays.
 */
export function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!isSize(leafIndex) || !isSize(treeSize) || leafIndex >= treeSize) return false;
  if (!isHash(leafHash) || !isHash(root) || !isProof(proof)) return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r: Uint8Array = leafHash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      // Skip levels where this node has no right sibling (right edge).
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && hashEquals(r, root);
}

/**
 * Verifies an RFC 6962 consistency proof (RFC 9162 section 2.1.4.2) between
 * (oldSize, oldRoot) and (newSize, newRoot). Returns false (never throws) on
 * malformed input (bad sizes, oldSize > newSize, hashes that are not 32-byte
 * Uint8Arrays). Special cases:
 * - oldSize === newSize: proof must be empty and the roots equal;
 * - oldSize === 0: proof must be empty; the empty tree is a prefix of every
 *   tree, so this holds iff oldRoot is the empty-tree hash (the only valid
 *   root of size 0) and newRoot is well formed.
 */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!isSize(oldSize) || !isSize(newSize) || oldSize > newSize) return false;
  if (!isHash(oldRoot) || !isHash(newRoot) || !isProof(proof)) return false;
  if (oldSize === newSize) return proof.length === 0 && hashEquals(oldRoot, newRoot) && (oldSize > 0 || hashEquals(oldRoot, EMPTY_ROOT));
  if (oldSize === 0) return proof.length === 0 && hashEquals(oldRoot, EMPTY_ROOT);
  if (proof.length === 0) return false;

  // If oldSize is a power of two the old root itself is the implicit first
  // element of the path (RFC 9162 step 2); otherwise proof[0] is.
  const oldIsPow2 = lowBit(oldSize) === oldSize;
  let i = oldIsPow2 ? 0 : 1;
  const seed = oldIsPow2 ? oldRoot : (proof[0] as Uint8Array);
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) {
    fn = (fn - 1) / 2;
    sn = Math.floor(sn / 2);
  }
  let fr: Uint8Array = seed;
  let sr: Uint8Array = seed;
  for (; i < proof.length; i++) {
    const c = proof[i] as Uint8Array;
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && hashEquals(fr, oldRoot) && hashEquals(sr, newRoot);
}

// ---------------------------------------------------------------------------
// Frontier

/**
 * The right edge ("compact range" / frontier) of a tree: the hashes of
 * decomposeRange(0, size), i.e. one complete subtree per set bit of size,
 * largest first. Appending a leaf is amortised O(1) hashing; root() is
 * O(log n) and cached. The frontier never aliases caller buffers.
 */
export class MerkleFrontier {
  #size: number;
  readonly #blocks: Buffer[];
  #root: Buffer | undefined;

  /**
   * @param size tree size (non-negative safe integer)
   * @param blocks hashes of decomposeRange(0, size) in order (popcount(size) items)
   * @throws RangeError if size is invalid or blocks do not match it
   */
  constructor(size: number, blocks: readonly Uint8Array[]) {
    checkSize('size', size);
    let count = 0;
    for (let s = size; s > 0; s -= lowBit(s)) count++;
    if (!Array.isArray(blocks) || blocks.length !== count) {
      throw new RangeError(`a tree of size ${size} has ${count} frontier blocks, got ${String(blocks?.length)}`);
    }
    this.#blocks = blocks.map((b, i) => {
      checkHash(`blocks[${i}]`, b);
      return Buffer.from(b);
    });
    this.#size = size;
  }

  /** Frontier of the empty tree. */
  static empty(): MerkleFrontier {
    return new MerkleFrontier(0, []);
  }

  /** Number of leaves appended so far. */
  get size(): number {
    return this.#size;
  }

  /**
   * Appends one leaf hash. Returns every complete subtree this leaf completes:
   * level 0 (the leaf itself, index = old size) first, then upward; callers
   * persist them as the subtree table. Returned buffers are owned by the caller.
   * @throws RangeError if leafHash is not 32 bytes or the tree is full.
   */
  append(leafHash: Uint8Array): Array<SubtreeRef & { hash: Buffer }> {
    checkHash('leafHash', leafHash);
    if (this.#size >= Number.MAX_SAFE_INTEGER) throw new RangeError('tree is full');
    let h: Buffer = Buffer.from(leafHash);
    let index = this.#size;
    let level = 0;
    const out: Array<SubtreeRef & { hash: Buffer }> = [{ level, index, hash: h }];
    // Each trailing 1 bit of the old size is a left sibling that is now complete.
    while (index % 2 === 1) {
      h = nodeHash(this.#blocks.pop() as Buffer, h);
      index = (index - 1) / 2;
      level++;
      out.push({ level, index, hash: h });
    }
    this.#blocks.push(Buffer.from(h));
    this.#size++;
    this.#root = undefined;
    return out;
  }

  /** Current root MTH(D[0:size]); the empty-tree hash for size 0. Returns a fresh buffer. */
  root(): Buffer {
    this.#root ??= foldRange(this.#blocks);
    return Buffer.from(this.#root);
  }

  /** Copies of the frontier block hashes (decomposeRange(0, size) order), e.g. to persist and restore. */
  blocks(): Buffer[] {
    return this.#blocks.map((b) => Buffer.from(b));
  }
}
