/**
 * npm run bench:ledger — the audit ledger on a fresh embedded site (SQLite, WAL, synchronous=FULL):
 *
 *   1. appends N entries (default 1,000,000) through concurrent `record()` calls (group commit);
 *   2. durable one-by-one appends: `await db.transact(trx => ledger.append(trx, e))`, each its own commit;
 *   3. the root at N (signHead), a full `verifyLedger`, and 1,000 inclusion proofs at N.
 *
 * Targets (the issue): ≥ 50,000 appends/s with group commit; ≥ 2,000 durable appends/s one by one;
 * p99 append ≤ 5 ms; full verify ≥ 200,000 entries/s; inclusion proof at 1M ≤ 5 ms.
 * The site runs as `custodia serve` runs it, with WAL checkpoints on a worker thread.
 * Baselines measured in the same run, on the same disk: raw better-sqlite3 inserts of the same leaf
 * rows in one transaction, raw one-row-per-commit inserts with synchronous=FULL (the fsync floor),
 * and the pure CPU cost of encoding + hashing the leaves (no database).
 *
 * LEDGER_BENCH_N=100000 runs smaller; LEDGER_BENCH_DURABLE sets the one-by-one count (default 5,000);
 * LEDGER_BENCH_DIR sets the parent folder (default the OS temp folder). The data folder is removed at the end.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { AuditLedger } from '../src/audit/ledger.js';
import { encodeLeaf, type AuditEvent } from '../src/audit/leaf.js';
import { leafHash, MerkleFrontier, verifyInclusion } from '../src/audit/merkle.js';
import { AuditRepo } from '../src/audit/repo.js';
import { sha256Backend } from '../src/audit/sha256.js';
import { loadOrCreateSiteKey, verifyTreeHead } from '../src/audit/signing.js';
import { verifyLedger } from '../src/audit/verify-ledger.js';
import { systemClock } from '../src/platform/clock.js';
import { openDatabase } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrate.js';
import { median, percentile } from './support.js';

const N = Number(process.env.LEDGER_BENCH_N ?? 1_000_000);
const DURABLE = Number(process.env.LEDGER_BENCH_DURABLE ?? 5_000);
const IN_FLIGHT = 50_000; // concurrent record() calls per wave
const PROOFS = 1_000;
if (!Number.isSafeInteger(N) || N < DURABLE + 1 || !Number.isSafeInteger(DURABLE) || DURABLE < 100) {
  throw new Error(`LEDGER_BENCH_N (${N}) must be an integer > LEDGER_BENCH_DURABLE (${DURABLE}) ≥ 100`);
}

const now = () => Number(process.hrtime.bigint()) / 1e6;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const actors = Array.from({ length: 50 }, (_, i) => ({ id: randomUUID(), name: `officer ${i}` }));
const subjects = Array.from({ length: 2000 }, () => randomUUID());

/** A realistic entry: a playback or download of a recording by an officer, ~300 bytes of leaf. */
function event(i: number): AuditEvent {
  return {
    actor: actors[i % actors.length]!,
    action: i % 5 === 0 ? 'recording.download' : 'recording.playback',
    subject: { type: 'recording', id: subjects[i % subjects.length]! },
    ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    details: { grant: subjects[(i * 7) % subjects.length]!, range: { start: i % 1000, end: (i % 1000) + 65536 }, userAgent: 'Mozilla/5.0' },
  };
}

interface Row {
  figure: string;
  value: string;
  target: string;
  verdict: string;
  baseline: string;
}
const rows: Row[] = [];
const verdict = (ok: boolean | undefined) => (ok === undefined ? '' : ok ? 'MET' : 'MISSED');

async function main(): Promise<void> {
  const parent = process.env.LEDGER_BENCH_DIR ?? tmpdir();
  const root = mkdtempSync(path.join(parent, 'custodia-bench-ledger-'));
  const log = (s: string) => process.stderr.write(`${s}\n`);
  try {
    // --- Baselines first (same disk, same pragmas as the site) -------------------------------------
    const cpu = cpuFloor(Math.min(N, 200_000));
    log(`baseline: encode + hash + frontier (CPU only): ${fmt(cpu)} entries/s`);
    const rawBulk = rawOneTransaction(path.join(root, 'raw-bulk.db'), N);
    log(`baseline: raw better-sqlite3, ${fmt(N)} leaf rows in one transaction: ${fmt(rawBulk.rate)} rows/s`);
    const rawDurable = rawOneByOne(path.join(root, 'raw-durable.db'), DURABLE);
    log(`baseline: raw one-row-per-commit (synchronous=FULL): ${fmt(rawDurable.rate)} rows/s, p50 ${rawDurable.p50.toFixed(2)} ms, p99 ${rawDurable.p99.toFixed(2)} ms`);

    // --- The ledger ---------------------------------------------------------------------------------
    const dataDir = path.join(root, 'data');
    const db = openDatabase(`sqlite://${path.join(dataDir, 'custodia.db')}`);
    await migrateToLatest(db);
    // As `custodia serve` runs it: WAL checkpoints on a worker thread, not inside the commits.
    db.startBackgroundCheckpoints((message) => log(`WAL checkpoint failed: ${message}`));
    const { key } = await loadOrCreateSiteKey(dataDir);
    const repo = new AuditRepo(db);
    const ledger = new AuditLedger(db, repo, systemClock, key);
    await ledger.init();

    // 1. Group commit: N - DURABLE entries through concurrent record() calls.
    const bulk = N - DURABLE;
    let i = 0;
    const t0 = now();
    let lastReport = t0;
    while (i < bulk) {
      const wave = Math.min(IN_FLIGHT, bulk - i);
      const pending = new Array<Promise<number>>(wave);
      for (let k = 0; k < wave; k++) pending[k] = ledger.record(event(i++));
      await Promise.all(pending);
      if (now() - lastReport > 5000) {
        lastReport = now();
        log(`  … ${fmt(i)} entries, ${fmt(i / ((lastReport - t0) / 1000))}/s`);
      }
    }
    const groupMs = now() - t0;
    const groupRate = bulk / (groupMs / 1000);
    rows.push({ figure: `group-commit appends (record(), ${fmt(IN_FLIGHT)} in flight), ${fmt(bulk)} entries`, value: `${fmt(groupRate)} /s`, target: '≥ 50,000 /s', verdict: verdict(groupRate >= 50_000), baseline: `raw one-transaction insert ${fmt(rawBulk.rate)} rows/s (ledger = ${(groupRate / rawBulk.rate).toFixed(2)}×); CPU floor ${fmt(cpu)} /s` });

    // 2. Durable one by one, on the big tree.
    const lat: number[] = [];
    const d0 = now();
    for (let k = 0; k < DURABLE; k++) {
      const e = event(i++);
      const s = now();
      await db.transact((trx) => ledger.append(trx, e));
      lat.push(now() - s);
    }
    const durableRate = DURABLE / ((now() - d0) / 1000);
    const p50 = median(lat);
    const p99 = percentile(lat, 99);
    rows.push({ figure: `durable one-by-one appends (${fmt(DURABLE)}, each awaited)`, value: `${fmt(durableRate)} /s`, target: '≥ 2,000 /s', verdict: verdict(durableRate >= 2000), baseline: `raw one-row-per-commit ${fmt(rawDurable.rate)} rows/s (ledger = ${(durableRate / rawDurable.rate).toFixed(2)}×)` });
    rows.push({ figure: '  append latency p50 / p99', value: `${p50.toFixed(2)} / ${p99.toFixed(2)} ms`, target: 'p99 ≤ 5 ms', verdict: verdict(p99 <= 5), baseline: `raw commit p50 ${rawDurable.p50.toFixed(2)} / p99 ${rawDurable.p99.toFixed(2)} ms` });
    const size = (await ledger.state()).size;
    if (size !== N) throw new Error(`ledger holds ${size} entries, expected ${N}`);

    // 3. Root and signed head at N (the frontier cache is dropped to measure the cold path too).
    const h0 = now();
    const head = await ledger.signHead();
    const headMs = now() - h0;
    if (!verifyTreeHead(head.publicKey, head.size, head.timestamp, head.root, Buffer.from(head.signature, 'base64'))) throw new Error('head does not verify');
    const coldLedger = new AuditLedger(db, repo, systemClock, key);
    const c0 = now();
    await db.transact((trx) => coldLedger.append(trx, event(i++)));
    const coldMs = now() - c0;
    rows.push({ figure: `signed head at ${fmt(head.size)} (root + Ed25519)`, value: `${headMs.toFixed(2)} ms`, target: '—', verdict: '', baseline: `first append after restart (frontier from ${popcount(size)} stored subtrees): ${coldMs.toFixed(2)} ms` });

    // 4. Full verify.
    const v0 = now();
    const report = await verifyLedger(repo);
    const verifyMs = now() - v0;
    if (report.problems.length > 0) throw new Error(`verify found problems: ${JSON.stringify(report.problems.slice(0, 3))}`);
    const verifyRate = report.entries / (verifyMs / 1000);
    rows.push({ figure: `full verify (verifyLedger, ${fmt(report.entries)} entries)`, value: `${fmt(verifyRate)} entries/s`, target: '≥ 200,000 /s', verdict: verdict(verifyRate >= 200_000), baseline: `raw scan of the leaf rows + leafHash: ${fmt(rawScan(path.join(dataDir, 'custodia.db')))} rows/s` });

    // 5. Inclusion proofs at N.
    const proofMs: number[] = [];
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const headRoot = Buffer.from(head.root, 'hex');
    for (let k = 0; k < PROOFS; k++) {
      const seq = 1 + Math.floor(rnd() * head.size);
      const s = now();
      const p = await ledger.inclusionProof(seq, head.size);
      proofMs.push(now() - s);
      if (!p || !verifyInclusion(p.leafIndex, p.treeSize, Buffer.from(p.leafHash, 'hex'), p.path.map((x) => Buffer.from(x, 'hex')), headRoot)) throw new Error(`proof for ${seq} does not verify`);
    }
    const avg = proofMs.reduce((a, b) => a + b, 0) / proofMs.length;
    const pp99 = percentile(proofMs, 99);
    const rawProof = rawNodeLookups(path.join(dataDir, 'custodia.db'), head.size, PROOFS);
    rows.push({ figure: `inclusion proof at ${fmt(head.size)} (${fmt(PROOFS)} random seqs)`, value: `avg ${avg.toFixed(3)} / p99 ${pp99.toFixed(3)} ms`, target: '≤ 5 ms', verdict: verdict(pp99 <= 5), baseline: `raw better-sqlite3 point lookups of the same ~${rawProof.perProof} nodes: avg ${rawProof.avg.toFixed(3)} ms` });

    await db.close();
    print();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function popcount(n: number): number {
  let c = 0;
  for (let s = n; s > 0; s = Math.floor(s / 2)) c += s % 2;
  return c;
}

function print(): void {
  const head = { figure: 'figure', value: 'measured', target: 'target', verdict: '', baseline: 'baseline (same run)' };
  const all = [head, ...rows];
  const w = (k: keyof Row) => Math.max(...all.map((r) => r[k].length));
  const line = (r: Row) => `${r.figure.padEnd(w('figure'))}  ${r.value.padStart(w('value'))}  ${r.target.padEnd(w('target'))}  ${r.verdict.padEnd(w('verdict'))}  ${r.baseline}`;
  process.stdout.write(`\nCustodia audit ledger — SQLite (WAL, synchronous=FULL), N = ${fmt(N)}, node ${process.version}, ledger SHA-256: ${sha256Backend}\n\n`);
  process.stdout.write(`${line(head)}\n${'-'.repeat(line(head).length + 20)}\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
}

function openRaw(file: string): SqliteDatabase.Database {
  const db = new SqliteDatabase(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('cache_size = -65536');
  db.exec(`CREATE TABLE audit_entries (seq bigint PRIMARY KEY, at bigint NOT NULL, actor_id text, action text NOT NULL, subject_type text, subject_id text, leaf blob NOT NULL, leaf_hash blob NOT NULL);
           CREATE INDEX audit_subject ON audit_entries (subject_type, subject_id, seq);
           CREATE INDEX audit_actor ON audit_entries (actor_id, seq);`);
  return db;
}

function leafRow(seq: number, at: number) {
  const e = event(seq - 1);
  const leaf = encodeLeaf(seq, at, e);
  return [seq, at, e.actor?.id ?? null, e.action, e.subject?.type ?? null, e.subject?.id ?? null, leaf, leafHash(leaf)] as const;
}

/** The same leaf rows (entries table and its indexes), one prepared statement, one transaction; row building is not timed. */
function rawOneTransaction(file: string, n: number): { rate: number } {
  const db = openRaw(file);
  const ins = db.prepare('INSERT INTO audit_entries VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const at = Date.now();
  let ms = 0;
  let t = now();
  db.exec('BEGIN');
  ms += now() - t;
  for (let seq = 1; seq <= n; ) {
    const chunk = [];
    for (let k = 0; k < 10_000 && seq <= n; k++) chunk.push(leafRow(seq++, at));
    t = now();
    for (const r of chunk) ins.run(...r);
    ms += now() - t;
  }
  t = now();
  db.exec('COMMIT');
  ms += now() - t;
  db.close();
  return { rate: n / (ms / 1000) };
}

/** One row per commit with synchronous=FULL: what the disk's fsync allows. */
function rawOneByOne(file: string, n: number): { rate: number; p50: number; p99: number } {
  const db = openRaw(file);
  const ins = db.prepare('INSERT INTO audit_entries VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const lat: number[] = [];
  const t0 = now();
  for (let seq = 1; seq <= n; seq++) {
    const r = leafRow(seq, Date.now());
    const s = now();
    ins.run(...r);
    lat.push(now() - s);
  }
  const rate = n / ((now() - t0) / 1000);
  db.close();
  return { rate, p50: median(lat), p99: percentile(lat, 99) };
}

/** Encoding, hashing and the frontier alone (no database): the CPU floor of an append. */
function cpuFloor(n: number): number {
  const f = MerkleFrontier.empty();
  const at = Date.now();
  const t0 = now();
  for (let seq = 1; seq <= n; seq++) f.append(leafHash(encodeLeaf(seq, at, event(seq - 1))));
  f.root();
  return n / ((now() - t0) / 1000);
}

/** Reading every leaf row back with better-sqlite3 and hashing it (what any verify must at least do). */
function rawScan(file: string): number {
  const db = new SqliteDatabase(file, { readonly: true });
  const t0 = now();
  let n = 0;
  for (const r of db.prepare('SELECT seq, leaf, leaf_hash FROM audit_entries ORDER BY seq').iterate() as IterableIterator<{ leaf: Buffer }>) {
    leafHash(r.leaf);
    n++;
  }
  const rate = n / ((now() - t0) / 1000);
  db.close();
  return rate;
}

/** The node reads an inclusion proof needs (~2 log n), as raw prepared point lookups. */
function rawNodeLookups(file: string, size: number, proofs: number): { avg: number; perProof: number } {
  const db = new SqliteDatabase(file, { readonly: true });
  const get = db.prepare('SELECT hash FROM audit_nodes WHERE level = ? AND idx = ?');
  const levels = Math.ceil(Math.log2(size));
  const perProof = 2 * levels;
  const t0 = now();
  for (let p = 0; p < proofs; p++) {
    const leaf = Math.floor(Math.random() * size);
    for (let l = 0; l < perProof; l++) get.get(l % levels, Math.floor(leaf / 2 ** (l % levels)) ^ 1);
  }
  const avg = (now() - t0) / proofs;
  db.close();
  return { avg, perProof };
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
