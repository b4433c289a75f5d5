import type SqliteDatabase from 'better-sqlite3';
import type { EntryRow, NodeRow } from './repo.js';

/** Reads of subtree hashes, prepared once on a connection (the site's, or a read-only one). */
export class SqliteSubtreeReads {
  private readonly selectNode: SqliteDatabase.Statement<[number, number], { hash: Buffer }>;
  private readonly selectLeafHashes: SqliteDatabase.Statement<[number, number], { seq: number; leaf_hash: Buffer }>;

  constructor(sqlite: SqliteDatabase.Database) {
    this.selectNode = sqlite.prepare('select hash from audit_nodes where level = ? and idx = ?');
    this.selectLeafHashes = sqlite.prepare('select seq, leaf_hash from audit_entries where seq > ? and seq <= ?');
  }

  /** Leaf hashes of leaves [start, end) (entries start < seq ≤ end). */
  leafHashes(start: number, end: number): Array<{ seq: number; leaf_hash: Uint8Array }> {
    return this.selectLeafHashes.all(start, end);
  }

  /** A stored subtree hash. */
  node(level: number, idx: number): Uint8Array | undefined {
    return this.selectNode.get(level, idx)?.hash;
  }
}

/**
 * The ledger's hot statements on SQLite, prepared once on the site's connection: an append runs
 * five statements, and building and compiling them through Kysely cost more than executing them
 * (measured in docs/benchmarks.md). Same SQL as the portable path in `AuditRepo`; PostgreSQL keeps
 * that path. Call these only inside a `Database.transact` unit: the connection is then that unit's
 * transaction.
 */
export class SqliteLedgerStatements extends SqliteSubtreeReads {
  private readonly selectState: SqliteDatabase.Statement<[], { size: number; root: Buffer }>;
  private readonly updateState: SqliteDatabase.Statement<[number, Uint8Array]>;
  private readonly insertEntry: SqliteDatabase.Statement<[number, number, string | null, string, string | null, string | null, Uint8Array, Uint8Array]>;
  private readonly insertNode: SqliteDatabase.Statement<[number, number, Uint8Array]>;

  constructor(sqlite: SqliteDatabase.Database) {
    super(sqlite);
    this.selectState = sqlite.prepare('select size, root from audit_state where id = 1');
    this.updateState = sqlite.prepare('update audit_state set size = ?, root = ? where id = 1');
    this.insertEntry = sqlite.prepare('insert into audit_entries (seq, at, actor_id, action, subject_type, subject_id, leaf, leaf_hash) values (?, ?, ?, ?, ?, ?, ?, ?)');
    this.insertNode = sqlite.prepare('insert into audit_nodes (level, idx, hash) values (?, ?, ?)');
  }

  readState(): { size: number; root: Uint8Array } | undefined {
    return this.selectState.get();
  }

  writeState(size: number, root: Uint8Array): void {
    this.updateState.run(size, root);
  }

  insertEntries(rows: readonly EntryRow[]): void {
    for (const r of rows) this.insertEntry.run(r.seq, r.at, r.actor_id, r.action, r.subject_type, r.subject_id, r.leaf, r.leaf_hash);
  }

  insertNodes(rows: readonly NodeRow[]): void {
    for (const r of rows) this.insertNode.run(r.level, r.idx, r.hash);
  }
}
