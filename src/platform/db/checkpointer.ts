import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SqliteDatabase from 'better-sqlite3';

/**
 * Moves SQLite's WAL checkpoints off the commit path. By default the connection that commits
 * past 1,000 WAL pages copies the WAL back into the database file and fsyncs it before its commit
 * returns: under a stream of large group commits that doubles what each commit writes (measured:
 * 59k ledger appends/s with no checkpoint in the commit path against 52k, docs/benchmarks.md).
 * Here a worker thread with a connection of its own runs passive checkpoints every `intervalMs`,
 * which wait for no reader or writer; the site's connection keeps a far higher automatic
 * threshold only as a safety net, should the worker fall behind or stop.
 *
 * Durability is unchanged: commits still fsync the WAL (synchronous=FULL on the site's
 * connection), and the checkpointing connection is FULL too, so the database file is synced
 * before the WAL may be reused.
 */
export class WalCheckpointer {
  private stopped: Promise<void> | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly site: SqliteDatabase.Database,
  ) {}

  /** WAL pages at which the site's connection still checkpoints on its own (4 KiB pages: 128 MiB). */
  static readonly SAFETY_NET_PAGES = 32_768;

  /**
   * Starts checkpointing `file` in the background; `site` is the site's own connection, whose
   * automatic threshold is raised for as long as this runs.
   */
  static start(file: string, site: SqliteDatabase.Database, onError: (message: string) => void, intervalMs = 100): WalCheckpointer {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file, intervalMs } });
    worker.on('message', (m: { error?: string }) => {
      if (m.error !== undefined) onError(m.error);
    });
    worker.on('error', (e) => onError(e.message));
    // A background checkpointer never keeps a command alive on its own.
    worker.unref();
    site.pragma(`wal_autocheckpoint = ${WalCheckpointer.SAFETY_NET_PAGES}`);
    return new WalCheckpointer(worker, site);
  }

  /** Stops the worker after a last checkpoint; the site's connection checkpoints on its own again. */
  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      this.worker.once('exit', () => resolve());
      // Unreferenced while it runs; while it stops, it keeps the process alive until it has exited.
      this.worker.ref();
      this.worker.postMessage('stop');
    }).then(() => {
      if (this.site.open) this.site.pragma('wal_autocheckpoint = 1000');
    });
    return this.stopped;
  }
}

/**
 * The worker: CommonJS source evaluated as it is (the same from the TypeScript sources and the
 * build), loading better-sqlite3 from the path the site resolved.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
db.pragma('synchronous = FULL');
const checkpoint = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (e) { parentPort.postMessage({ error: String((e && e.message) || e) }); }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;
