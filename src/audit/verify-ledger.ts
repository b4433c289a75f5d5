import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { emptyRoot, foldRange } from './merkle.js';
import type { AuditRepo } from './repo.js';
import { verifyTreeHead } from './signing.js';
import { coalesceNodeRuns, nodeChanged, nodeLocation, SubtreeBuilder, verifyChunk, type ChunkResult, type ChunkTask } from './verify-chunk.js';

export interface LedgerProblem {
  kind:
    | 'entry_changed'
    | 'entry_index_mismatch'
    | 'entry_misplaced'
    | 'entry_missing'
    | 'node_changed'
    | 'node_missing'
    | 'node_misplaced'
    | 'head_root_mismatch'
    | 'head_bad_signature'
    | 'head_unknown_key'
    | 'head_beyond_ledger'
    | 'state_mismatch';
  /** Where: `ledger seq N`, `tree node level L index I`, `tree head size N` or `ledger state`. */
  location: string;
  message: string;
}

export interface LedgerReport {
  entries: number;
  heads: number;
  unsignedEntries: number;
  problems: LedgerProblem[];
}

export interface VerifyLedgerOptions {
  /**
   * Worker threads that read and check ranges in parallel (SQLite file databases only; 0 checks
   * on this thread). Default: one per core when the ledger spans at least two ranges.
   */
  workers?: number;
  /** log2 of the entries per range (default 14: 16,384). */
  chunkLevel?: number;
}

/**
 * 16,384 entries per range: small enough that the threads finish together (the last, partial
 * range leaves one thread idle for at most one range: 65,536 cost ~0.3 s at 1M entries), large
 * enough that the per-range reads of stored nodes and the message round trip do not show.
 */
const DEFAULT_CHUNK_LEVEL = 14;

/**
 * Re-hashes every ledger entry from its stored leaf bytes, rebuilds the Merkle tree, checks every
 * stored subtree node against it, and checks every signed tree head's root and signature. Reports
 * each problem by location. The tree is checked in aligned ranges of 2^14 entries, on worker
 * threads when the site is a SQLite file; ranges combine into the roots the heads signed.
 */
export async function verifyLedger(repo: AuditRepo, onProgress?: (entriesDone: number) => void, opts: VerifyLedgerOptions = {}): Promise<LedgerReport> {
  const problems: LedgerProblem[] = [];
  // Heads first, then the tree state: every head read was signed at a size <= the state read after
  // it. The check covers the tree as of `start`; entries appended while it runs are left for the
  // next run (so it can run while the server appends, and it ends).
  const heads = await repo.allHeads();
  const keys = new Map((await repo.siteKeys()).map((k) => [k.key_id, k.public_key]));
  const start = await repo.readState();
  const treeSize = start?.size ?? 0;
  const chunkLevel = opts.chunkLevel ?? DEFAULT_CHUNK_LEVEL;
  const chunk = 2 ** chunkLevel;

  const tasks: ChunkTask[] = [];
  let headIdx = 0;
  while (headIdx < heads.length && heads[headIdx]!.size === 0) headIdx++;
  for (let s = 0; s < treeSize; s += chunk) {
    const end = Math.min(s + chunk, treeSize);
    const headSizes: number[] = [];
    for (; headIdx < heads.length && heads[headIdx]!.size <= end; headIdx++) headSizes.push(heads[headIdx]!.size);
    tasks.push({ start: s, end, chunkLevel, headSizes });
  }

  const file = repo.sqliteFile();
  const workers = file ? (opts.workers ?? (tasks.length >= 2 ? availableParallelism() : 0)) : 0;
  let done = 0;
  const progress = (r: ChunkResult) => {
    done += r.entries;
    onProgress?.(done);
  };
  const results = workers > 0 && file ? await checkOnWorkers(file, tasks, Math.min(workers, tasks.length), progress) : await checkHere(repo, tasks, progress);

  // Above the ranges: the stored subtrees that join them, checked as the ranges are combined.
  const upper = new Map<string, Uint8Array>();
  for (const n of await repo.nodesAbove(chunkLevel)) upper.set(`${n.level}:${n.idx}`, n.hash);
  const missingNodes: Array<[number, number, number]> = [];
  const top = new SubtreeBuilder(chunkLevel, 0, (level, idx) => upper.get(`${level}:${idx}`), (kind, level, idx) => {
    if (kind === 'node_missing') missingNodes.push([level, idx, idx]);
    else problems.push(nodeChanged(level, idx));
  });

  const rootAt = new Map<number, Buffer>([[0, emptyRoot()]]);
  const missing: Array<[number, number]> = [];
  let entries = 0;
  let root = emptyRoot();
  for (const r of results) {
    problems.push(...r.problems);
    for (const m of r.missing) {
      const last = missing[missing.length - 1];
      if (last && last[1] + 1 === m[0]) last[1] = m[1];
      else missing.push([m[0], m[1]]);
    }
    missingNodes.push(...r.missingNodes);
    entries += r.entries;
    const complete = r.end - r.start === chunk;
    for (const at of r.blocksAt) if (!(complete && at.size === r.end)) rootAt.set(at.size, foldRange([...top.blocks(), ...at.blocks]));
    if (complete) {
      top.push(r.blocks[0]!, r.topOk);
      root = foldRange(top.blocks());
      rootAt.set(r.end, root);
    } else root = foldRange([...top.blocks(), ...r.blocks]);
  }

  for (const [level, first, last] of coalesceNodeRuns(missingNodes)) {
    problems.push({ kind: 'node_missing', location: nodeLocation(level, first, last), message: 'stored subtree hashes are missing: appends and inclusion proofs through them fail' });
  }
  for (const [first, last] of missing) {
    const where = seqRange(first, last);
    problems.push(
      last === treeSize
        ? { kind: 'entry_missing', location: `ledger seq ${where}`, message: `the tree holds ${treeSize} entries but the ledger ends at seq ${first - 1}: entries ${where} were deleted` }
        : { kind: 'entry_missing', location: `ledger seq ${where}`, message: `entries ${where} are missing` },
    );
  }

  for (const h of heads) {
    const at = `tree head size ${h.size}`;
    const rootHex = Buffer.from(h.root).toString('hex');
    const actual = rootAt.get(h.size);
    if (!actual) {
      problems.push({ kind: 'head_beyond_ledger', location: at, message: `a head was signed at size ${h.size} but the ledger's tree holds only ${treeSize} entries: entries were deleted` });
    } else if (!actual.equals(h.root)) {
      problems.push({ kind: 'head_root_mismatch', location: at, message: `signed root ${rootHex} does not match the root recomputed from the ledger entries (${actual.toString('hex')})` });
    }
    const pub = keys.get(h.key_id);
    if (!pub) problems.push({ kind: 'head_unknown_key', location: at, message: `signed by unknown key ${h.key_id}` });
    else if (!verifyTreeHead(pub, h.size, h.signed_at, rootHex, h.signature)) {
      problems.push({ kind: 'head_bad_signature', location: at, message: `the Ed25519 signature does not verify with site key ${h.key_id}` });
    }
  }

  if (start && !Buffer.from(start.root).equals(root)) {
    problems.push({ kind: 'state_mismatch', location: `ledger state`, message: `stored tree root (size ${start.size}) differs from the root recomputed from the entries` });
  }

  // Rows and nodes beyond the tree. Read before the closing state read: those up to it were
  // appended since the check began (an append writes its rows and the state in one transaction);
  // those beyond it were never appended by the ledger.
  const beyondTree = (await repo.entriesPage(treeSize, 10_000)).map((r) => r.seq);
  const strayNodes = await repo.nodesOutside(treeSize);
  if (beyondTree.length > 0 || strayNodes.length > 0) {
    const end = (await repo.readState())?.size ?? 0;
    const forged = beyondTree.filter((seq) => seq > end);
    if (forged.length > 0) {
      const where = seqRange(forged[0]!, forged[forged.length - 1]!);
      problems.push({ kind: 'entry_misplaced', location: `ledger seq ${where}`, message: `stored after the tree's last entry (size ${end}): not in the Merkle tree, so not appended by the ledger: entries were inserted` });
    }
    for (const n of strayNodes) {
      if (n.level >= 0 && n.level <= 62 && n.idx >= 0 && (n.idx + 1) * 2 ** n.level <= end) continue;
      problems.push({ kind: 'node_misplaced', location: nodeLocation(n.level, n.idx, n.idx), message: `stored beyond the tree's right edge (size ${end}): no append wrote it, and an append reaching it would fail` });
    }
  }

  const lastSigned = heads.length > 0 ? heads[heads.length - 1]!.size : 0;
  return { entries, heads: heads.length, unsignedEntries: Math.max(0, entries - lastSigned), problems };
}

/** Ranges checked one after the other on this thread, through the repo (any dialect). */
async function checkHere(repo: AuditRepo, tasks: readonly ChunkTask[], progress: (r: ChunkResult) => void): Promise<ChunkResult[]> {
  const out: ChunkResult[] = [];
  for (const task of tasks) {
    const r = await verifyChunk(task, {
      entries: (after, upTo, limit) => repo.entriesBetween(after, upTo, limit),
      nodes: (level, from, to) => repo.nodesBetween(level, from, to),
    });
    progress(r);
    out.push(r);
  }
  return out;
}

/** Ranges checked on `count` worker threads, each with its own read-only connection; results in range order. */
async function checkOnWorkers(file: string, tasks: readonly ChunkTask[], count: number, progress: (r: ChunkResult) => void): Promise<ChunkResult[]> {
  const out = new Array<ChunkResult>(tasks.length);
  let next = 0;
  const workers = Array.from({ length: count }, () => startVerifyWorker(file));
  try {
    await Promise.all(
      workers.map(async (w) => {
        while (next < tasks.length) {
          const i = next++;
          const r = await runOn(w, tasks[i]!);
          progress(r);
          out[i] = r;
        }
      }),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return out;
}

function runOn(w: Worker, task: ChunkTask): Promise<ChunkResult> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => {
      w.off('message', onMessage);
      reject(e);
    };
    const onMessage = (m: { result?: ChunkResult; error?: string }) => {
      w.off('error', onError);
      if (m.error !== undefined || !m.result) reject(new Error(`ledger verify worker: ${m.error ?? 'no result'}`));
      else resolve(toBuffers(m.result));
    };
    w.once('message', onMessage);
    w.once('error', onError);
    w.postMessage(task);
  });
}

/** Hashes cross the thread boundary as plain Uint8Arrays: make them Buffers again. */
function toBuffers(r: ChunkResult): ChunkResult {
  const b = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
  return { ...r, blocks: r.blocks.map(b), blocksAt: r.blocksAt.map((x) => ({ size: x.size, blocks: x.blocks.map(b) })) };
}

/**
 * Starts `verify-worker`: the compiled module next to this one, or — when running from the
 * TypeScript sources (tsx, vitest) — the same source through tsx's require hook, since Node 20
 * does not pass module loader hooks on to worker threads.
 */
function startVerifyWorker(file: string): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSource ? './verify-worker.ts' : './verify-worker.js', import.meta.url);
  if (!fromSource) return new Worker(entry, { workerData: { file } });
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
  const boot = `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(fileURLToPath(entry))});`;
  return new Worker(boot, { eval: true, workerData: { file } });
}

function seqRange(first: number, last: number): string {
  return first === last ? String(first) : `${first}..${last}`;
}
