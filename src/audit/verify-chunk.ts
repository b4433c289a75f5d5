/**
 * The per-entry half of `verifyLedger`, for one aligned range of the tree: entries
 * (start, end] by seq — leaves [start, end) — where start is a multiple of 2^chunkLevel and
 * end ≤ start + 2^chunkLevel. Ranges are independent, so they are checked in parallel (worker
 * threads on SQLite, `verify-worker.ts`) and combined in order by `verifyLedger`. Pure: the rows
 * come from whoever read them.
 */
import { readLeafIndex } from './leaf.js';
import { HASH_SIZE, leafHash, nodeHash, STORED_MIN_LEVEL } from './merkle.js';
import { sha256Many } from './sha256.js';

/** One stored ledger row as verify reads it. */
export interface EntryScanRow {
  seq: number;
  at: number;
  actor_id: string | null;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  leaf: Uint8Array;
  leaf_hash: Uint8Array;
}

export interface StoredNode {
  level: number;
  idx: number;
  hash: Uint8Array;
}

export type ChunkProblemKind = 'entry_changed' | 'entry_index_mismatch' | 'entry_misplaced' | 'node_changed';

export interface ChunkProblem {
  kind: ChunkProblemKind;
  location: string;
  message: string;
}

export interface ChunkTask {
  start: number;
  end: number;
  chunkLevel: number;
  /** Sizes of signed heads in (start, end]: the frontier is returned at each. */
  headSizes: number[];
}

export interface ChunkResult {
  start: number;
  end: number;
  /** Rows found in the range. */
  entries: number;
  problems: ChunkProblem[];
  /** Seq ranges [first, last] with no row. */
  missing: Array<[number, number]>;
  /** Runs of stored subtree nodes missing: [level, first index, last index]. */
  missingNodes: Array<[number, number, number]>;
  /** Hashes of decomposeRange(start, size) for each requested head size, recomputed from the entries. */
  blocksAt: Array<{ size: number; blocks: Uint8Array[] }>;
  /** Recomputed blocks of the whole range (one, the range's root, when the range is complete). */
  blocks: Uint8Array[];
  /** Whether every stored node under the range's root, and its leaves, match (see `SubtreeBuilder`). */
  topOk: boolean;
}

const LEAF_CHANGED = 'leaf bytes do not match the stored leaf hash: the entry was changed';

/** Stand-in leaf hash of a missing entry: the tree cannot be recomputed through it (heads covering it fail). */
const MISSING = Buffer.alloc(HASH_SIZE);

/**
 * Rebuilds complete subtrees block by block, left to right, checking each one it completes
 * against the stored node (level ≥ STORED_MIN_LEVEL, and any lower one an older site stored). A
 * mismatch is reported only at the lowest node that does not match while both its children do:
 * one changed leaf or node is reported once, where it is, not along its whole path to the root. `ok` of a block says its stored copy (the leaf's stored
 * leaf_hash at the bottom) matches the recomputation.
 */
export class SubtreeBuilder {
  private readonly stack: Array<{ hash: Uint8Array; ok: boolean }> = [];
  private count = 0;

  /**
   * @param baseLevel level of the blocks pushed
   * @param baseIndex index (at baseLevel) of the first block pushed
   * @param stored the stored hash of (level, idx), undefined when there is none
   * @param problem receives each node problem
   */
  constructor(
    private readonly baseLevel: number,
    private readonly baseIndex: number,
    private readonly stored: (level: number, idx: number) => Uint8Array | undefined,
    private readonly problem: (kind: 'node_changed' | 'node_missing', level: number, idx: number) => void,
  ) {}

  push(hash: Uint8Array, ok: boolean): void {
    let h = hash;
    let good = ok;
    // Merging is driven by the blocks pushed here (the range never merges with what lies left of it);
    // baseIndex is aligned to the range, so local and global indexes have the same parity.
    let local = this.count;
    let idx = this.baseIndex + this.count;
    let level = this.baseLevel;
    while (local % 2 === 1) {
      const left = this.stack.pop()!;
      const computed = nodeHash(left.hash, h);
      local = (local - 1) / 2;
      idx = (idx - 1) / 2;
      level += 1;
      const s = this.stored(level, idx);
      let nodeOk = true;
      if (!s) {
        if (level >= STORED_MIN_LEVEL) {
          this.problem('node_missing', level, idx);
          nodeOk = false;
        } else nodeOk = left.ok && good; // not stored (only older sites hold low levels): as sound as what it is built of
      } else if (!computed.equals(s)) {
        if (left.ok && good) this.problem('node_changed', level, idx);
        nodeOk = false;
      }
      h = computed;
      good = nodeOk;
    }
    this.stack.push({ hash: h, ok: good });
    this.count += 1;
  }

  /** Hashes of the blocks so far (the decomposition of the range pushed), largest first. */
  blocks(): Uint8Array[] {
    return this.stack.map((b) => b.hash);
  }

  /** Whether the single block left (a complete range) matches its stored copy all the way down. */
  topOk(): boolean {
    return this.stack.length === 1 && this.stack[0]!.ok;
  }
}

/** Stored nodes of one range, by level, for constant-time lookups. */
export class NodeIndex {
  private readonly byLevel = new Map<number, Map<number, Uint8Array>>();

  add(level: number, idx: number, hash: Uint8Array): void {
    let m = this.byLevel.get(level);
    if (!m) this.byLevel.set(level, (m = new Map<number, Uint8Array>()));
    m.set(idx, hash);
  }

  get(level: number, idx: number): Uint8Array | undefined {
    return this.byLevel.get(level)?.get(idx);
  }
}

/**
 * Checks the entries of one range: each row's leaf bytes against its leaf hash, its position and
 * indexed columns against the leaf, every stored subtree node of the range against the tree
 * rebuilt from the leaves. `rows` are the stored rows with start < seq ≤ end in seq order, given
 * page by page; `nodes` holds the stored nodes of levels 0..chunkLevel inside the range.
 */
export class ChunkVerifier {
  private readonly problems: ChunkProblem[] = [];
  private readonly missing: Array<[number, number]> = [];
  private readonly blocksAt: Array<{ size: number; blocks: Uint8Array[] }> = [];
  private readonly builder: SubtreeBuilder;
  private readonly missingNodes: Array<[number, number, number]> = [];
  private next: number;
  private entries = 0;
  private headIdx = 0;

  constructor(
    private readonly task: ChunkTask,
    private readonly nodes: NodeIndex,
  ) {
    this.next = task.start + 1;
    this.builder = new SubtreeBuilder(0, task.start, (level, idx) => nodes.get(level, idx), (kind, level, idx) => this.nodeProblem(kind, level, idx));
  }

  /** Feeds the next rows (ascending seq, within the range). */
  rows(rows: readonly EntryScanRow[]): void {
    for (const row of rows) {
      if (row.seq > this.next) this.gap(row.seq - 1);
      this.entry(row);
    }
  }

  /**
   * Feeds the next row whose indexed columns and seq the reader has already found equal to its
   * leaf's (`CheckedScanRow`), with its leaf hash as recomputed (`verifyChunk` hashes a page at
   * once): only the comparison with the stored hash is left.
   */
  checkedRow(seq: number, lh: Buffer, hashThenLeaf: Uint8Array): void {
    if (seq > this.next) this.gap(seq - 1);
    const sound = lh.compare(hashThenLeaf, 0, HASH_SIZE) === 0;
    if (!sound) this.problems.push({ kind: 'entry_changed', location: `ledger seq ${seq}`, message: LEAF_CHANGED });
    this.legacyCopy(seq, lh, sound);
    this.entries += 1;
    this.leaf(lh, sound, seq);
  }

  finish(): ChunkResult {
    if (this.next <= this.task.end) this.gap(this.task.end);
    return {
      start: this.task.start,
      end: this.task.end,
      entries: this.entries,
      problems: this.problems,
      missing: this.missing,
      missingNodes: coalesceNodeRuns(this.missingNodes),
      blocksAt: this.blocksAt,
      blocks: this.builder.blocks(),
      topOk: this.builder.topOk(),
    };
  }

  private gap(lastMissing: number): void {
    this.missing.push([this.next, lastMissing]);
    while (this.next <= lastMissing) this.leaf(MISSING, false, this.next);
  }

  private entry(row: EntryScanRow): void {
    const seq = row.seq;
    const at = `ledger seq ${seq}`;
    const lh = leafHash(row.leaf);
    const leafOk = lh.equals(row.leaf_hash);
    // The entry is sound where it stands: then a subtree node above it that disagrees is the one to blame.
    let sound = leafOk;
    if (!leafOk) this.problems.push({ kind: 'entry_changed', location: at, message: LEAF_CHANGED });
    try {
      const leaf = readLeafIndex(row.leaf);
      if (leaf.seq !== seq) {
        sound = false;
        this.problems.push({ kind: 'entry_misplaced', location: at, message: `the entry stored at seq ${seq} is the leaf of seq ${leaf.seq}: entries were reordered or inserted` });
      }
      if (leaf.at !== row.at || leaf.action !== row.action || leaf.actorId !== row.actor_id || leaf.subjectType !== row.subject_type || leaf.subjectId !== row.subject_id) {
        this.problems.push({ kind: 'entry_index_mismatch', location: at, message: 'the indexed columns (time, action, actor, subject) differ from the leaf' });
      }
    } catch {
      sound = false;
      this.problems.push({ kind: 'entry_changed', location: at, message: 'leaf bytes are not a well-formed ledger leaf' });
    }
    this.legacyCopy(seq, lh, sound);
    this.entries += 1;
    this.leaf(lh, sound, seq);
  }

  /** Sites written before level 0 was read from the entries hold a copy of each leaf hash as a node. */
  private legacyCopy(seq: number, lh: Uint8Array, sound: boolean): void {
    const copy = this.nodes.get(0, seq - 1);
    if (copy && sound && !Buffer.from(copy).equals(lh)) this.nodeProblem('node_changed', 0, seq - 1);
  }

  private leaf(hash: Uint8Array, ok: boolean, seq: number): void {
    this.builder.push(hash, ok);
    this.next = seq + 1;
    const heads = this.task.headSizes;
    while (this.headIdx < heads.length && heads[this.headIdx]! === seq) {
      this.blocksAt.push({ size: seq, blocks: this.builder.blocks() });
      this.headIdx += 1;
    }
  }

  private nodeProblem(kind: 'node_changed' | 'node_missing', level: number, idx: number): void {
    if (kind === 'node_missing') this.missingNodes.push([level, idx, idx]);
    else this.problems.push(nodeChanged(level, idx));
  }
}

export function nodeChanged(level: number, idx: number): ChunkProblem {
  return { kind: 'node_changed', location: nodeLocation(level, idx, idx), message: 'the stored subtree hash differs from the one recomputed from the entries below it: inclusion proofs through it fail' };
}

/** Sorted by level and index, adjacent runs of a level joined (missing nodes come in runs: a deleted level, a truncated table). */
export function coalesceNodeRuns(runs: ReadonlyArray<readonly [number, number, number]>): Array<[number, number, number]> {
  const sorted = [...runs].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: Array<[number, number, number]> = [];
  for (const [level, first, last] of sorted) {
    const prev = out[out.length - 1];
    if (prev && prev[0] === level && prev[2] + 1 >= first) prev[2] = Math.max(prev[2], last);
    else out.push([level, first, last]);
  }
  return out;
}

export function nodeLocation(level: number, first: number, last: number): string {
  return `tree node level ${level} index ${first === last ? first : `${first}..${last}`}`;
}

/**
 * A row as a SQLite reader returns it when its SQL compared the leaf's seq and indexed fields with
 * the row's columns: [seq, leaf_hash ‖ 0x00 ‖ leaf, 1 when the fields all match and the stored
 * hash is 32 bytes]. A row without that 1 is read again whole (`entries`) and checked field by
 * field here, which also says what differs.
 */
export type CheckedScanRow = readonly [seq: number, hashThenLeaf: Uint8Array, columnsMatch: number | null];

/** Where a range's rows come from: the repo (any dialect) or a worker's own SQLite connection. */
export interface ChunkReader {
  /** Rows with afterSeq < seq ≤ upToSeq, ascending, at most `limit`. */
  entries(afterSeq: number, upToSeq: number, limit: number): readonly EntryScanRow[] | Promise<readonly EntryScanRow[]>;
  /**
   * The same rows with their columns compared with the leaf by the database, when it can
   * (`CheckedScanRow`); undefined when it cannot for this page (a leaf that is not JSON), so
   * `entries` is used.
   */
  checked?(afterSeq: number, upToSeq: number, limit: number): readonly CheckedScanRow[] | undefined;
  /** Stored nodes of `level` with fromIdx ≤ idx < toIdx. */
  nodes(level: number, fromIdx: number, toIdx: number): readonly StoredNode[] | Promise<readonly StoredNode[]>;
}

const PAGE = 4096;

/** Reads and checks one range, a page of rows at a time (memory stays flat whatever the range). */
export async function verifyChunk(task: ChunkTask, reader: ChunkReader): Promise<ChunkResult> {
  const nodes = new NodeIndex();
  for (let level = 0; level <= task.chunkLevel; level++) {
    const size = 2 ** level;
    for (const n of await reader.nodes(level, task.start / size, Math.floor(task.end / size))) nodes.add(n.level, n.idx, n.hash);
  }
  const v = new ChunkVerifier(task, nodes);
  let after = task.start;
  for (;;) {
    const checked = reader.checked?.(after, task.end, PAGE);
    let count: number;
    if (checked) {
      // Leaf hashes of the page in one call: SHA-256 of each 0x00 ‖ leaf after the stored hash.
      const hashes = sha256Many(
        checked.map((r) => r[1]),
        HASH_SIZE,
      );
      for (let i = 0; i < checked.length; i++) {
        const [seq, hashThenLeaf, match] = checked[i]!;
        if (match === 1) v.checkedRow(seq, hashes.subarray(HASH_SIZE * i, HASH_SIZE * (i + 1)), hashThenLeaf);
        else v.rows(await reader.entries(seq - 1, seq, 1));
      }
      count = checked.length;
      if (count > 0) after = checked[count - 1]![0];
    } else {
      const page = await reader.entries(after, task.end, PAGE);
      v.rows(page);
      count = page.length;
      if (count > 0) after = page[count - 1]!.seq;
    }
    if (count < PAGE) break;
  }
  return v.finish();
}
