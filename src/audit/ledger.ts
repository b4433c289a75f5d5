import type { Clock } from '../platform/clock.js';
import type { Database, Trx } from '../platform/db/database.js';
import { encodeLeaf, type AuditEvent } from './leaf.js';
import {
  consistencyProof,
  consistencyProofRanges,
  decomposeRange,
  emptyRoot,
  inclusionProof,
  inclusionProofRanges,
  leafHash,
  MerkleFrontier,
  STORED_MIN_LEVEL,
  type SubtreeRef,
} from './merkle.js';
import type { AuditRepo, EntryRow, HeadRow, NodeRow } from './repo.js';
import { signTreeHead, type SignedTreeHead, type SiteKey } from './signing.js';

export interface InclusionProof {
  seq: number;
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  path: string[];
  root: string;
}

export interface ConsistencyProof {
  fromSize: number;
  toSize: number;
  fromRoot: string;
  toRoot: string;
  path: string[];
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/**
 * Most `record` events written in one commit. Large batches amortise the commit's rewrite of the
 * secondary-index pages (SQLite WAL): 5,000 → 20,000 measured ~47k → ~57k rows/s on the raw inserts,
 * and 20,000 → 50,000 45k → 54k appends/s through `record` (bench:ledger). Under a sustained storm
 * the batch is what arrived during the previous commit, so it grows with the load; the cap bounds
 * the memory a batch holds (~1.5 KB an event) and how long it holds the write lock (~1 s).
 */
const RECORD_BATCH_MAX = 50_000;

/**
 * The append-only audit ledger: every entry is a leaf of an RFC 6962 Merkle tree whose complete
 * subtrees of 16 leaves and more are stored (smaller ones are recomputed from ≤ 8 leaf hashes read
 * in one range), so roots and proofs cost O(log n) lookups; tree heads are signed with the
 * site's Ed25519 key. Appends happen inside the caller's transaction (the change and its entry
 * commit together) or, for events without a change of their own, through `record`, which
 * group-commits concurrent events.
 */
export class AuditLedger {
  /** Right edge of the tree as last seen, valid only while the stored (size, root) still match. */
  private cache: MerkleFrontier | undefined;
  private pending: Array<{ event: AuditEvent; resolve: (seq: number) => void; reject: (e: unknown) => void }> = [];
  private flushing = false;

  constructor(
    private readonly db: Database,
    private readonly repo: AuditRepo,
    private readonly clock: Clock,
    private readonly siteKey: SiteKey | undefined,
  ) {}

  /** Creates the tree state on a new database and registers the site's public key. */
  async init(): Promise<void> {
    await this.db.transact((trx) => this.repo.initState(trx, emptyRoot()));
    if (this.siteKey) await this.repo.registerSiteKey(this.siteKey.keyId, this.siteKey.publicKey, this.clock.now());
  }

  /** Appends one entry inside `trx`; returns its sequence number (1-based, gapless). */
  async append(trx: Trx, event: AuditEvent): Promise<number> {
    const [seq] = await this.appendMany(trx, [event]);
    return seq!;
  }

  /** Appends entries inside `trx`, in order. */
  async appendMany(trx: Trx, events: readonly AuditEvent[]): Promise<number[]> {
    if (events.length === 0) return [];
    const state = await this.repo.lockState(trx);
    if (!state) throw new Error('audit ledger not initialised');
    const frontier = await this.frontierFor(state.size, state.root, trx);
    const at = this.clock.now();
    const entries: EntryRow[] = [];
    const nodes: NodeRow[] = [];
    const seqs: number[] = [];
    for (const event of events) {
      const seq = frontier.size + 1;
      const leaf = encodeLeaf(seq, at, event);
      const lh = leafHash(leaf);
      // Lower subtrees are recomputed from ≤ 8 entries' own leaf hashes: only the high ones are stored.
      for (const n of frontier.append(lh)) if (n.level >= STORED_MIN_LEVEL) nodes.push({ level: n.level, idx: n.index, hash: n.hash });
      entries.push({
        seq,
        at,
        actor_id: event.actor?.id ?? null,
        action: event.action,
        subject_type: event.subject?.type ?? null,
        subject_id: event.subject?.id ?? null,
        leaf,
        leaf_hash: lh,
      });
      seqs.push(seq);
    }
    await this.repo.insertEntries(trx, entries);
    await this.repo.insertNodes(trx, nodes);
    await this.repo.writeState(trx, frontier.size, frontier.root());
    return seqs;
  }

  /**
   * Records an event that accompanies no other change (a login, a playback, a denial). Resolves
   * once the entry is durable. Events recorded while a commit is in flight share the next commit.
   */
  record(event: AuditEvent): Promise<number> {
    return new Promise((resolve, reject) => {
      this.pending.push({ event, resolve, reject });
      if (!this.flushing) void this.flushPending();
    });
  }

  private async flushPending(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, RECORD_BATCH_MAX);
        let appendFailed = false;
        try {
          const seqs = await this.db.transact((trx) =>
            this.appendMany(trx, batch.map((p) => p.event)).catch((e: unknown) => {
              appendFailed = true;
              throw e;
            }),
          );
          batch.forEach((p, i) => p.resolve(seqs[i]!));
        } catch (e) {
          if (!appendFailed || batch.length === 1) {
            for (const p of batch) p.reject(e);
            continue;
          }
          // One bad event (e.g. not encodable) must not fail the others that shared its commit. The
          // append threw, so nothing of the batch committed: append each alone (still grouped by
          // Database.transact, one savepoint each), in order, so only the bad one fails.
          await Promise.all(
            batch.map((p) =>
              this.db.transact((trx) => this.appendMany(trx, [p.event])).then(
                (seqs) => p.resolve(seqs[0]!),
                (err: unknown) => p.reject(err),
              ),
            ),
          );
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private async frontierFor(size: number, root: Uint8Array, trx: Trx): Promise<MerkleFrontier> {
    const cached = this.cache;
    if (cached && cached.size === size && cached.root().equals(root)) return cached;
    const refs = decomposeRange(0, size);
    const found = await this.repo.subtrees(refs, trx);
    const blocks = refs.map((r) => lookup(found, r));
    const frontier = new MerkleFrontier(size, blocks);
    if (!frontier.root().equals(root)) throw new Error(`audit tree state is inconsistent at size ${size}: run \`custodia verify\``);
    this.cache = frontier;
    return frontier;
  }

  /** The current tree size and root (unsigned). */
  async state(): Promise<{ size: number; root: string }> {
    const s = await this.repo.readState();
    return { size: s?.size ?? 0, root: hex(s?.root ?? emptyRoot()) };
  }

  /** Signs a head for the current tree if it grew since the last signed head; returns the latest head. */
  async signHead(): Promise<SignedTreeHead> {
    if (!this.siteKey) throw new Error('the site signing key is not loaded');
    const key = this.siteKey;
    const latest = await this.repo.latestHead();
    const state = await this.repo.readState();
    if (!state) throw new Error('audit ledger not initialised');
    if (latest && latest.size >= state.size) return this.toSignedHead(latest);
    const row: HeadRow = { size: state.size, root: state.root, signed_at: this.clock.now(), signature: Buffer.alloc(0), key_id: key.keyId };
    row.signature = signTreeHead(key, row.size, row.signed_at, row.root);
    await this.db.transact((trx) => this.repo.insertHead(trx, row));
    return this.toSignedHead((await this.repo.headAt(row.size)) ?? row);
  }

  async latestHead(): Promise<SignedTreeHead | undefined> {
    const h = await this.repo.latestHead();
    return h && this.toSignedHead(h);
  }

  private async toSignedHead(h: HeadRow): Promise<SignedTreeHead> {
    let publicKey = this.siteKey?.keyId === h.key_id ? this.siteKey.publicKey : undefined;
    publicKey ??= (await this.repo.siteKeys()).find((k) => k.key_id === h.key_id)?.public_key ?? '';
    return {
      size: h.size,
      root: hex(h.root),
      timestamp: h.signed_at,
      signature: Buffer.from(h.signature).toString('base64'),
      publicKey,
      keyId: h.key_id,
    };
  }

  /** Inclusion proof of entry `seq` against the tree of `treeSize` entries (default: latest signed head). */
  async inclusionProof(seq: number, treeSize?: number): Promise<InclusionProof | undefined> {
    const size = treeSize ?? (await this.repo.latestHead())?.size ?? (await this.state()).size;
    if (!Number.isInteger(seq) || seq < 1 || seq > size) return undefined;
    const index = seq - 1;
    const refs: SubtreeRef[] = [{ level: 0, index }, ...decomposeRange(0, size)];
    for (const [a, b] of inclusionProofRanges(index, size)) refs.push(...decomposeRange(a, b));
    const found = await this.repo.subtrees(refs);
    const get = (r: SubtreeRef) => lookup(found, r);
    const path = inclusionProof(index, size, get);
    const root = new MerkleFrontier(size, decomposeRange(0, size).map(get)).root();
    return { seq, leafIndex: index, treeSize: size, leafHash: hex(get({ level: 0, index })), path: path.map(hex), root: hex(root) };
  }

  /** Consistency proof that the tree of `fromSize` entries is a prefix of the tree of `toSize` entries. */
  async consistencyProof(fromSize: number, toSize: number): Promise<ConsistencyProof | undefined> {
    const current = (await this.state()).size;
    if (!Number.isInteger(fromSize) || !Number.isInteger(toSize) || fromSize < 0 || fromSize > toSize || toSize > current) return undefined;
    const refs: SubtreeRef[] = [...decomposeRange(0, fromSize), ...decomposeRange(0, toSize)];
    for (const [a, b] of consistencyProofRanges(fromSize, toSize)) refs.push(...decomposeRange(a, b));
    const found = await this.repo.subtrees(refs);
    const get = (r: SubtreeRef) => lookup(found, r);
    const rootOf = (n: number) => new MerkleFrontier(n, decomposeRange(0, n).map(get)).root();
    return {
      fromSize,
      toSize,
      fromRoot: hex(rootOf(fromSize)),
      toRoot: hex(rootOf(toSize)),
      path: consistencyProof(fromSize, toSize, get).map(hex),
    };
  }
}

function lookup(found: Map<string, Uint8Array>, r: SubtreeRef): Uint8Array {
  const h = found.get(`${r.level}:${r.index}`);
  if (!h) throw new Error(`audit tree node ${r.level}:${r.index} is missing: run \`custodia verify\``);
  return h;
}
