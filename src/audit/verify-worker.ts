/**
 * A worker thread of `verifyLedger` on SQLite: opens the site's database read-only on its own
 * connection and checks the ranges it is sent (`verifyChunk`), so ranges are read, hashed and
 * compared on every core. Entries and nodes are append-only, so what a range holds up to the tree
 * size verify started from is the same whichever connection reads it, whenever.
 */
import { parentPort, workerData } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import { verifyChunk, type ChunkTask, type EntryScanRow, type StoredNode } from './verify-chunk.js';

const port = parentPort;
if (!port) throw new Error('verify-worker runs as a worker thread');
const { file } = workerData as { file: string };
const db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 10000');
const entries = db.prepare<[number, number, number], EntryScanRow>(
  'select seq, at, actor_id, action, subject_type, subject_id, leaf, leaf_hash from audit_entries where seq > ? and seq <= ? order by seq limit ?',
);
const nodes = db.prepare<[number, number, number], StoredNode>('select level, idx, hash from audit_nodes where level = ? and idx >= ? and idx < ?');

port.on('message', (task: ChunkTask) => {
  verifyChunk(task, { entries: (a, b, n) => entries.all(a, b, n), nodes: (l, a, b) => nodes.all(l, a, b) }).then(
    (result) => port.postMessage({ result }),
    (e: unknown) => port.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
});
