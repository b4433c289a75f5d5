import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  sql,
  type DatabaseConnection,
  type Driver,
  type SqliteDialectConfig,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import { WalCheckpointer } from './checkpointer.js';
import type { DB } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';
export type Trx = Transaction<DB>;
export type Executor = Kysely<DB> | Trx;

/**
 * One database handle for the whole process. `transact` runs a unit of work in a transaction;
 * units submitted while another commit is in flight share the next commit (group commit), each
 * inside its own savepoint so one failing unit rolls back alone.
 */
export class Database {
  private queue: Array<{ work: (trx: Trx) => Promise<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void }> = [];
  private flushing = false;
  private afterCommitHooks = new WeakMap<Trx, Array<() => void>>();
  #reader: SqliteDatabase.Database | undefined;
  #checkpointer: WalCheckpointer | undefined;

  constructor(
    readonly kysely: Kysely<DB>,
    readonly dialect: Dialect,
    readonly location: string,
    /**
     * The one SQLite connection under `kysely` (undefined on PostgreSQL), for a capability's hot
     * statements prepared once. Use it only inside a `transact` unit (the connection is then this
     * unit's transaction); outside one it would read or write in the middle of another unit.
     */
    readonly sqlite?: SqliteDatabase.Database,
  ) {}

  /**
   * A second, read-only connection to the SQLite file (undefined in memory and on PostgreSQL),
   * opened on first use, for statements prepared once that read outside a unit of work: it sees
   * the last commit, never a unit's writes in progress, and does not wait for the unit to end.
   * For rows that never change once committed (the ledger's), whatever it reads is current.
   */
  sqliteReader(): SqliteDatabase.Database | undefined {
    if (!this.sqlite || this.location === ':memory:') return undefined;
    if (!this.#reader) {
      this.#reader = new SqliteDatabase(this.location, { readonly: true, fileMustExist: true });
      this.#reader.pragma('busy_timeout = 10000');
    }
    return this.#reader;
  }

  /**
   * Runs SQLite's WAL checkpoints on a worker thread instead of in the commits (`WalCheckpointer`):
   * for the long-running server. No-op in memory, on PostgreSQL, or when already running.
   */
  startBackgroundCheckpoints(onError: (message: string) => void, intervalMs?: number): void {
    if (!this.sqlite || this.location === ':memory:' || this.#checkpointer) return;
    this.#checkpointer = WalCheckpointer.start(this.location, this.sqlite, onError, intervalMs);
  }

  /** Runs `work` atomically. Resolves after the commit is durable. */
  transact<T>(work: (trx: Trx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.flushing) void this.flush();
    });
  }

  /** Registers a callback to run once the transaction `trx` has committed (e.g. enqueue jobs, notify). */
  afterCommit(trx: Trx, hook: () => void): void {
    const hooks = this.afterCommitHooks.get(trx);
    if (hooks) hooks.push(hook);
    else this.afterCommitHooks.set(trx, [hook]);
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, 1000);
        const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
        let hooks: Array<() => void> = [];
        try {
          await this.kysely.transaction().execute(async (trx) => {
            if (batch.length === 1) {
              const only = batch[0]!;
              try {
                outcomes.push({ ok: true, value: await only.work(trx) });
              } catch (error) {
                outcomes.push({ ok: false, error });
                throw error;
              }
            } else {
              for (const [i, unit] of batch.entries()) {
                const name = sql.raw(`unit_${i}`);
                await sql`savepoint ${name}`.execute(trx);
                try {
                  const value = await unit.work(trx);
                  await sql`release savepoint ${name}`.execute(trx);
                  outcomes.push({ ok: true, value });
                } catch (error) {
                  await sql`rollback to savepoint ${name}`.execute(trx);
                  await sql`release savepoint ${name}`.execute(trx);
                  outcomes.push({ ok: false, error });
                }
              }
            }
            hooks = this.afterCommitHooks.get(trx) ?? [];
            this.afterCommitHooks.delete(trx);
          });
        } catch (error) {
          // The commit itself failed (or the single unit threw): every unit fails with it.
          for (const [i, unit] of batch.entries()) {
            const o = outcomes[i];
            unit.reject(o && !o.ok ? o.error : error);
          }
          continue;
        }
        for (const [i, unit] of batch.entries()) {
          const o = outcomes[i]!;
          if (o.ok) unit.resolve(o.value);
          else unit.reject(o.error);
        }
        for (const hook of hooks) hook();
      }
    } finally {
      this.flushing = false;
    }
  }

  async close(): Promise<void> {
    await this.#checkpointer?.stop();
    this.#checkpointer = undefined;
    this.#reader?.close();
    this.#reader = undefined;
    await this.kysely.destroy();
  }
}

/**
 * SQLite transactions that begin IMMEDIATE: a transaction that reads and then writes takes the
 * write lock up front, so when another process (a collection station's CLI beside the server)
 * writes at the same moment it waits (busy_timeout) instead of failing with SQLITE_BUSY.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.settings);
  }
}

/**
 * Opens the database named by `url`: `sqlite://<path>` (embedded default) or `postgres://…`.
 * SQLite runs in WAL mode with synchronous=FULL: a commit survives power loss.
 */
export function openDatabase(url: string): Database {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    // int8 (bigint) columns hold epoch milliseconds and sizes: well inside 2^53.
    pg.types.setTypeParser(20, (v) => Number(v));
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    // An idle client whose server went away (a restart, a dropped database) emits 'error'; without a
    // listener that would crash the process. The pool discards the client; the next query reconnects.
    pool.on('error', (err) => process.emitWarning(`PostgreSQL idle client error: ${err.message}`));
    return new Database(new Kysely<DB>({ dialect: new PostgresDialect({ pool }) }), 'postgres', url.replace(/:[^:@/]*@/, ':***@'));
  }
  const file = url.startsWith('sqlite://') ? url.slice('sqlite://'.length) : url;
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new SqliteDatabase(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 10000');
  db.pragma('cache_size = -65536');
  db.defaultSafeIntegers(false);
  // The absolute path: second connections (the read-only one, verify's workers) open the same file whatever the working folder is by then.
  return new Database(new Kysely<DB>({ dialect: new ImmediateSqliteDialect({ database: db }) }), 'sqlite', file === ':memory:' ? file : path.resolve(file), db);
}
