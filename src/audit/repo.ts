import { sql, type Kysely } from 'kysely';
import type { Database, Executor, Trx } from '../platform/db/database.js';
import type { DB } from '../platform/db/schema.js';
import { leafRangesFor, STORED_MIN_LEVEL, subtreeFromLeaves, type SubtreeRef } from './merkle.js';
import { SqliteLedgerStatements, SqliteSubtreeReads } from './sqlite-ledger.js';

export interface EntryRow {
  seq: number;
  at: number;
  actor_id: string | null;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  leaf: Uint8Array;
  leaf_hash: Uint8Array;
}

/** What the ledger browser narrows entries by (each optional; all given must hold). */
export interface EntryFilter {
  action?: string | undefined;
  actorId?: string | undefined;
  subjectType?: string | undefined;
  subjectId?: string | undefined;
  /** `at` ≥ from (UTC epoch ms). */
  from?: number | undefined;
  /** `at` < to. */
  to?: number | undefined;
}

/** A page of filtered entries: ascending after `after`, or newest first before `before`. */
export type EntryPage = EntryFilter & { after?: number | undefined; before?: number | undefined; order: 'asc' | 'desc'; limit: number };

/**
 * The entries matching every given filter (unordered, unlimited: callers add their own conditions,
 * order and page). `action` is exact, or a prefix when it ends in `*` (`recording.*`).
 */
export function filteredEntries(kysely: Kysely<DB>, q: EntryPage) {
  let query = kysely.selectFrom('audit_entries').selectAll('audit_entries');
  if (q.action !== undefined) {
    if (q.action.endsWith('*')) {
      // A LIKE pattern with its own wildcards escaped: only the trailing * widens the match.
      const prefix = q.action.slice(0, -1).replace(/[\\%_]/g, (c) => `\\${c}`);
      query = query.where(sql<boolean>`action like ${`${prefix}%`} escape '\\'`);
    } else query = query.where('action', '=', q.action);
  }
  if (q.actorId !== undefined) query = query.where('actor_id', '=', q.actorId);
  if (q.subjectType !== undefined) query = query.where('subject_type', '=', q.subjectType);
  if (q.subjectId !== undefined) query = query.where('subject_id', '=', q.subjectId);
  if (q.from !== undefined) query = query.where('at', '>=', q.from);
  if (q.to !== undefined) query = query.where('at', '<', q.to);
  if (q.after !== undefined) query = query.where('seq', '>', q.after);
  if (q.before !== undefined) query = query.where('seq', '<', q.before);
  return query;
}

export interface NodeRow {
  level: number;
  idx: number;
  hash: Uint8Array;
}

export interface HeadRow {
  size: number;
  root: Uint8Array;
  signed_at: number;
  signature: Uint8Array;
  key_id: string;
}

/**
 * SQL of the ledger. Portable: the only dialect difference is row locking of the tree state. On
 * SQLite the statements of an append (inside a transaction) run as prepared statements
 * (`SqliteLedgerStatements`): same SQL, without building it per call.
 */
export class AuditRepo {
  #sqliteStatements: SqliteLedgerStatements | undefined;
  #sqliteReads: SqliteSubtreeReads | undefined;

  constructor(private readonly db: Database) {}

  /** The prepared append statements, on SQLite (prepared on first use: the tables exist by then). */
  private get fast(): SqliteLedgerStatements | undefined {
    if (!this.db.sqlite) return undefined;
    this.#sqliteStatements ??= new SqliteLedgerStatements(this.db.sqlite);
    return this.#sqliteStatements;
  }

  /** Subtree reads prepared on the site's read-only SQLite connection, for proofs outside a unit of work. */
  private get reads(): SqliteSubtreeReads | undefined {
    if (this.#sqliteReads) return this.#sqliteReads;
    const reader = this.db.sqliteReader();
    if (reader) this.#sqliteReads = new SqliteSubtreeReads(reader);
    return this.#sqliteReads;
  }

  /** The current tree size and root, locked for the rest of the transaction on PostgreSQL. */
  async lockState(trx: Trx): Promise<{ size: number; root: Uint8Array } | undefined> {
    const fast = this.fast;
    if (fast) return fast.readState();
    return trx
      .selectFrom('audit_state')
      .select(['size', 'root'])
      .where('id', '=', 1)
      .$if(this.db.dialect === 'postgres', (q) => q.forUpdate())
      .executeTakeFirst();
  }

  async readState(ex: Executor = this.db.kysely): Promise<{ size: number; root: Uint8Array } | undefined> {
    return ex.selectFrom('audit_state').select(['size', 'root']).where('id', '=', 1).executeTakeFirst();
  }

  async initState(trx: Trx, emptyRoot: Uint8Array): Promise<void> {
    await trx.insertInto('audit_state').values({ id: 1, size: 0, root: emptyRoot }).onConflict((oc) => oc.column('id').doNothing()).execute();
  }

  async writeState(trx: Trx, size: number, root: Uint8Array): Promise<void> {
    const fast = this.fast;
    if (fast) return fast.writeState(size, root);
    await trx.updateTable('audit_state').set({ size, root }).where('id', '=', 1).execute();
  }

  async insertEntries(trx: Trx, rows: EntryRow[]): Promise<void> {
    const fast = this.fast;
    if (fast) return fast.insertEntries(rows);
    for (let i = 0; i < rows.length; i += 500) await trx.insertInto('audit_entries').values(rows.slice(i, i + 500)).execute();
  }

  /** Complete subtrees of level ≥ STORED_MIN_LEVEL (lower ones are recomputed from the entries' leaf hashes). */
  async insertNodes(trx: Trx, rows: NodeRow[]): Promise<void> {
    const fast = this.fast;
    if (fast) return fast.insertNodes(rows);
    for (let i = 0; i < rows.length; i += 2000) await trx.insertInto('audit_nodes').values(rows.slice(i, i + 2000)).execute();
  }

  /**
   * Hashes of the given complete subtrees, keyed `level:index`. Those of level ≥ STORED_MIN_LEVEL
   * are stored rows; lower ones (level 0 is a single leaf) are recomputed from the entries' own
   * leaf hashes, at most 16 read per range. Sites written before that also hold lower rows in
   * `audit_nodes`, which `custodia verify` still checks but nothing reads.
   */
  async subtrees(refs: readonly SubtreeRef[], ex: Executor = this.db.kysely): Promise<Map<string, Uint8Array>> {
    // Inside a unit of work: its own connection (it may read what the unit wrote). Outside one:
    // the read-only connection, which never waits for a unit and reads only committed rows — all
    // a proof needs, since stored subtrees and entries never change once committed.
    const fast = ex.isTransaction ? this.fast : ex === this.db.kysely ? this.reads : undefined;
    const out = new Map<string, Uint8Array>();
    const leaves = new Map<number, Uint8Array>();
    for (const [start, end] of leafRangesFor(refs)) {
      const rows = fast
        ? fast.leafHashes(start, end)
        : await ex.selectFrom('audit_entries').select(['seq', 'leaf_hash']).where('seq', '>', start).where('seq', '<=', end).execute();
      for (const r of rows) leaves.set(r.seq - 1, r.leaf_hash);
    }
    const stored: SubtreeRef[] = [];
    for (const r of refs) {
      if (r.level >= STORED_MIN_LEVEL) stored.push(r);
      else {
        const h = subtreeFromLeaves(r, (i) => leaves.get(i));
        if (h) out.set(`${r.level}:${r.index}`, h);
      }
    }
    if (stored.length === 0) return out;
    if (fast) {
      for (const r of stored) {
        const h = fast.node(r.level, r.index);
        if (h) out.set(`${r.level}:${r.index}`, h);
      }
      return out;
    }
    const byLevel = new Map<number, number[]>();
    for (const r of stored) byLevel.set(r.level, [...(byLevel.get(r.level) ?? []), r.index]);
    const rows = await ex
      .selectFrom('audit_nodes')
      .select(['level', 'idx', 'hash'])
      .where((eb) => eb.or([...byLevel].map(([level, idxs]) => eb.and([eb('level', '=', level), eb('idx', 'in', idxs)]))))
      .execute();
    for (const r of rows) out.set(`${r.level}:${r.idx}`, r.hash);
    return out;
  }

  async entry(seq: number): Promise<EntryRow | undefined> {
    return this.db.kysely.selectFrom('audit_entries').selectAll().where('seq', '=', seq).executeTakeFirst();
  }

  /** Entries in sequence order, in pages, from `afterSeq` (exclusive). */
  async entriesPage(afterSeq: number, limit: number): Promise<EntryRow[]> {
    return this.db.kysely.selectFrom('audit_entries').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
  }

  /** For verify: entries with afterSeq < seq ≤ upToSeq, in sequence order, at most `limit`. */
  async entriesBetween(afterSeq: number, upToSeq: number, limit: number): Promise<EntryRow[]> {
    return this.db.kysely.selectFrom('audit_entries').selectAll().where('seq', '>', afterSeq).where('seq', '<=', upToSeq).orderBy('seq').limit(limit).execute();
  }

  /** For verify: the stored subtree hashes of one level with fromIdx ≤ idx < toIdx. */
  async nodesBetween(level: number, fromIdx: number, toIdx: number): Promise<NodeRow[]> {
    return this.db.kysely.selectFrom('audit_nodes').select(['level', 'idx', 'hash']).where('level', '=', level).where('idx', '>=', fromIdx).where('idx', '<', toIdx).execute();
  }

  /** For verify: every stored subtree hash above `level`. */
  async nodesAbove(level: number): Promise<NodeRow[]> {
    return this.db.kysely.selectFrom('audit_nodes').select(['level', 'idx', 'hash']).where('level', '>', level).execute();
  }

  /**
   * For verify: stored nodes that are no complete subtree of a tree of `treeSize` leaves (beyond its
   * right edge): one index range per level, each read on its own (an OR of them all made SQLite
   * scan the whole table), so this reads only them.
   */
  async nodesOutside(treeSize: number): Promise<Array<{ level: number; idx: number }>> {
    const LIMIT = 10_000;
    const q = () => this.db.kysely.selectFrom('audit_nodes').select(['level', 'idx']).orderBy('level').orderBy('idx').limit(LIMIT);
    const out = await q()
      .where((eb) => eb.or([eb('level', '<', 0), eb('level', '>', 62)]))
      .execute();
    for (let level = 0; level <= 62 && out.length < LIMIT; level++) {
      out.push(...(await q().where('level', '=', level).where('idx', '>=', Math.floor(treeSize / 2 ** level)).execute()));
    }
    return out.sort((a, b) => a.level - b.level || a.idx - b.idx).slice(0, LIMIT);
  }

  /** The SQLite file, when the site is one verify's worker threads can open (not PostgreSQL, not in memory). */
  sqliteFile(): string | undefined {
    return this.db.dialect === 'sqlite' && this.db.location !== ':memory:' ? this.db.location : undefined;
  }

  /**
   * Entries matching every given filter, in pages: ascending after `after`, or newest first before
   * `before`. `action` is exact, or a prefix when it ends in `*` (`recording.*`).
   */
  async entriesFiltered(q: EntryPage): Promise<EntryRow[]> {
    return filteredEntries(this.db.kysely, q).orderBy('seq', q.order).limit(q.limit).execute();
  }

  /** Signed tree heads, newest first, before `beforeSize` (exclusive) when given. */
  async heads(q: { beforeSize?: number | undefined; limit: number }): Promise<HeadRow[]> {
    let query = this.db.kysely.selectFrom('tree_heads').selectAll();
    if (q.beforeSize !== undefined) query = query.where('size', '<', q.beforeSize);
    return query.orderBy('size', 'desc').limit(q.limit).execute();
  }

  async insertHead(trx: Trx, head: HeadRow): Promise<void> {
    await trx.insertInto('tree_heads').values(head).onConflict((oc) => oc.column('size').doNothing()).execute();
  }

  async latestHead(): Promise<HeadRow | undefined> {
    return this.db.kysely.selectFrom('tree_heads').selectAll().orderBy('size', 'desc').limit(1).executeTakeFirst();
  }

  async headAt(size: number): Promise<HeadRow | undefined> {
    return this.db.kysely.selectFrom('tree_heads').selectAll().where('size', '=', size).executeTakeFirst();
  }

  async allHeads(): Promise<HeadRow[]> {
    return this.db.kysely.selectFrom('tree_heads').selectAll().orderBy('size').execute();
  }

  async siteKeys(): Promise<Array<{ key_id: string; public_key: string }>> {
    return this.db.kysely.selectFrom('site_keys').select(['key_id', 'public_key']).execute();
  }

  async registerSiteKey(keyId: string, publicKey: string, at: number): Promise<void> {
    await this.db.kysely
      .insertInto('site_keys')
      .values({ key_id: keyId, public_key: publicKey, created_at: at })
      .onConflict((oc) => oc.column('key_id').doNothing())
      .execute();
  }

  async entriesForSubject(type: string, id: string, limit: number): Promise<EntryRow[]> {
    return this.db.kysely
      .selectFrom('audit_entries')
      .selectAll()
      .where('subject_type', '=', type)
      .where('subject_id', '=', id)
      .orderBy('seq')
      .limit(limit)
      .execute();
  }
}
