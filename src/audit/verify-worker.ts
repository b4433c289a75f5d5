/**
 * A worker thread of `verifyLedger` on SQLite: opens the site's database read-only on its own
 * connection and checks the ranges it is sent (`verifyChunk`), so ranges are read, hashed and
 * compared on every core. Entries and nodes are append-only, so what a range holds up to the tree
 * size verify started from is the same whichever connection reads it, whenever.
 */
import { parentPort, workerData } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import { LEAF_VERSION } from './leaf.js';
import { HASH_SIZE } from './merkle.js';
import { verifyChunk, type CheckedScanRow, type ChunkTask, type EntryScanRow, type StoredNode } from './verify-chunk.js';

const port = parentPort;
if (!port) throw new Error('verify-worker runs as a worker thread');
const { file } = workerData as { file: string };
const db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 10000');
const entries = db.prepare<[number, number, number], EntryScanRow>(
  'select seq, at, actor_id, action, subject_type, subject_id, leaf, leaf_hash from audit_entries where seq > ? and seq <= ? order by seq limit ?',
);
const nodes = db.prepare<[number, number, number], StoredNode>('select level, idx, hash from audit_nodes where level = ? and idx >= ? and idx < ?');
/**
 * The same rows, with SQLite comparing each leaf's version, seq and indexed fields with the row's
 * columns (in C: no JSON.parse of every leaf here). Equal JSON texts mean equal values, so a 1 is
 * a match; escapes the two renderings write differently only give a 0, and a 0 is checked again
 * field by field in JavaScript, which decides and says what differs. Where a column is null the
 * leaf's object must be null too (not an object lacking the field). A leaf that is not JSON fails
 * the statement: that page is checked in JavaScript. (On a key written twice SQLite reads the
 * first and JSON.parse the last; the ledger writes every key once, and leaf bytes are
 * authenticated by their hash and the signed heads, not by this comparison.) The stored hash and
 * the leaf come as one value, leaf_hash ‖ 0x00 ‖ leaf: one buffer per row, and the leaf hash is
 * taken of its tail as it is.
 */
const checked = db
  .prepare<[number, number, number], [number, Buffer, number | null]>(
    `select seq, cast(leaf_hash || x'00' || leaf as blob),
       length(leaf_hash) = ${HASH_SIZE}
       and json_extract(cast(leaf as text), '$.v', '$.seq', '$.at', '$.action', '$.actor.id', '$.subject.type', '$.subject.id')
         = json_array(${LEAF_VERSION}, seq, at, action, actor_id, subject_type, subject_id)
       and (actor_id is not null or json_type(cast(leaf as text), '$.actor') = 'null')
       and ((subject_type is not null and subject_id is not null) or json_type(cast(leaf as text), '$.subject') = 'null')
     from audit_entries where seq > ? and seq <= ? order by seq limit ?`,
  )
  .raw(true);

function checkedPage(after: number, upTo: number, limit: number): CheckedScanRow[] | undefined {
  try {
    return checked.all(after, upTo, limit);
  } catch (e) {
    if (e instanceof Error && /malformed JSON/i.test(e.message)) return undefined;
    throw e;
  }
}

port.on('message', (task: ChunkTask) => {
  verifyChunk(task, { entries: (a, b, n) => entries.all(a, b, n), checked: checkedPage, nodes: (l, a, b) => nodes.all(l, a, b) }).then(
    (result) => port.postMessage({ result }),
    (e: unknown) => port.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
});
