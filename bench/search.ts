/**
 * npm run bench:search — filtered, sorted, paged catalogue searches through the real HTTP API
 * (Fastify + zod validation + unit-subtree scoping + response serialization) on a catalogue of
 * SEARCH_BENCH_N recordings (default 1,000,000), against a baseline measured in the same run: the
 * very same SQL executed directly on better-sqlite3 (no HTTP, no validation, no serialization).
 *
 * Rows are generated straight into SQLite with prepared statements (bench/rows.ts, not through
 * the import pipeline): ~30 units in a 3-level tree, ~300 officers and ~150 devices belonging to
 * units, start times over one year with a day/night rhythm, unified codes. The searching user is a supervisor of the
 * root unit with an API token. Target: p95 ≤ 20 ms per query kind through HTTP.
 *
 * Env: SEARCH_BENCH_N (rows), SEARCH_BENCH_QUERIES (HTTP searches, ≥ 2000 by default),
 * SEARCH_BENCH_DIR (data folder, default .bench/search), SEARCH_BENCH_SEED.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { openApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { buildServer } from '../src/http/server.js';
import { hashPassword } from '../src/identity/passwords.js';
import { createLogger } from '../src/platform/log.js';
import { encodeCursor } from '../src/recordings/service.js';
import type { RecordingQuery } from '../src/recordings/repo.js';
import { buildPeople, buildUnits, insertRecordingRows, type Catalogue as Site, type CatalogueUnit as Unit } from './rows.js';
import { percentile, time } from './support.js';
import { mulberry32 } from '../test/support/fixtures.js';

const N = Number(process.env.SEARCH_BENCH_N ?? 1_000_000);
const QUERIES = Number(process.env.SEARCH_BENCH_QUERIES ?? 2250);
const root = path.resolve(process.env.SEARCH_BENCH_DIR ?? '.bench/search');
const SEED = Number(process.env.SEARCH_BENCH_SEED ?? 20240601);
const TARGET_P95_MS = 20;
const LIMIT = 50;
const YEAR_START = Date.UTC(2025, 0, 1);
const YEAR_MS = 365 * 86_400_000;

const rand = mulberry32(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

type Kind = 'everything' | 'unit' | 'officer' | 'device' | 'time' | 'unit+time' | 'officer+time' | 'unit+device' | 'page2';
const KINDS: Kind[] = ['everything', 'unit', 'officer', 'device', 'time', 'unit+time', 'officer+time', 'unit+device', 'page2'];

interface Search {
  kind: Kind;
  /** The HTTP query string parameters. */
  params: Record<string, string>;
  /** The repository query the service builds for them (for the baseline). */
  query: RecordingQuery;
}

function timeWindow(): { from: number; to: number } {
  const days = pick([1, 1, 3, 7, 7, 30]);
  const from = YEAR_START + Math.floor(rand() * (365 - days)) * 86_400_000;
  return { from, to: from + days * 86_400_000 };
}

function makeSearch(kind: Exclude<Kind, 'page2'>, site: Site, me: Unit): Search {
  const order = rand() < 0.8 ? 'desc' : 'asc';
  const params: Record<string, string> = { order, limit: String(LIMIT) };
  const query: RecordingQuery = { order, limit: LIMIT + 1, unitIds: me.subtree };
  const below = site.units.filter((u) => u.level > 0);
  if (kind === 'unit' || kind === 'unit+time' || kind === 'unit+device') {
    const u = pick(below);
    params.unit = u.id;
    query.unitIds = u.subtree;
    if (kind === 'unit+device') {
      const officer = pick(site.officers.filter((o) => u.subtree.includes(o.unit.id)));
      params.device = query.deviceSerial = pick(officer.devices);
    }
  }
  if (kind === 'officer' || kind === 'officer+time') params.officer = query.officerBadge = pick(site.officers).badge;
  if (kind === 'device') params.device = query.deviceSerial = pick(site.devices);
  if (kind === 'time' || kind === 'unit+time' || kind === 'officer+time') {
    const w = timeWindow();
    query.from = w.from;
    query.to = w.to;
    params.from = String(w.from);
    params.to = String(w.to);
  }
  return { kind, params, query };
}

function summarize(xs: number[]): { n: number; p50: number; p95: number; p99: number; cols: string } {
  const p50 = percentile(xs, 50);
  const p95 = percentile(xs, 95);
  const p99 = percentile(xs, 99);
  return { n: xs.length, p50, p95, p99, cols: [p50, p95, p99].map((v) => v.toFixed(2).padStart(7)).join(' ') };
}

async function main(): Promise<void> {
  rmSync(root, { recursive: true, force: true });
  const dataDir = path.join(root, 'data');
  const app = await openApp(loadConfig({ CUSTODIA_DATA: dataDir, LOG_LEVEL: 'silent', CUSTODIA_RUN_JOBS: 'false' }), createLogger('silent'), { PATH: process.env.PATH });
  if (app.db.dialect !== 'sqlite') throw new Error('bench:search runs on the embedded SQLite shape');
  const units = await buildUnits(app);
  const site = buildPeople(units);
  const me = units.find((u) => u.level === 0)!;
  await app.identity.addUser({ username: 'bench', password: 'bench-password-123', roles: ['supervisor'] }, null);
  const { secret } = await app.sessions.createToken('bench', 'bench', null);

  console.log(`bench:search — ${N.toLocaleString('en')} recordings, ${units.length} units (3 levels), ${site.officers.length} officers, ${site.devices.length} devices, one year`);
  const passwordHash = await hashPassword('bench-officer-password');
  const gen = time(() =>
    insertRecordingRows(app.db.location, site, {
      n: N,
      seed: SEED,
      yearStart: YEAR_START,
      passwordHash,
      onProgress: (phase) => process.stdout.write(`  ${phase}…`),
    }),
  );
  console.log(`\n  generated ${gen.value.toLocaleString('en')} rows in ${(gen.ms / 1000).toFixed(1)} s (drawn and written by SQLite in start-time order)`);

  const server = await buildServer(app);
  await server.listen({ host: '127.0.0.1', port: 0 });
  const addr = server.server.address();
  if (!addr || typeof addr === 'string') throw new Error('no address');
  const base = `http://127.0.0.1:${addr.port}`;
  const headers = { authorization: `Bearer ${secret}` };

  // The baseline: the same SQL the repository builds, on its own better-sqlite3 connection.
  const direct = new SqliteDatabase(app.db.location, { readonly: true });
  direct.pragma('cache_size = -65536');
  const stmts = new Map<string, SqliteDatabase.Statement>();
  const runDirect = (q: RecordingQuery) => {
    const c = app.recordingsRepo.searchQuery(q).selectAll().limit(q.limit).compile();
    let st = stmts.get(c.sql);
    if (!st) stmts.set(c.sql, (st = direct.prepare(c.sql)));
    return st.all(...(c.parameters as unknown[])) as Array<{ id: string; started_at: number }>;
  };
  const runHttp = async (params: Record<string, string>) => {
    const res = await fetch(`${base}/api/recordings?${new URLSearchParams(params).toString()}`, { headers });
    if (res.status !== 200) throw new Error(`search ${JSON.stringify(params)} → ${res.status} ${await res.text()}`);
    return (await res.json()) as { items: Array<{ id: string; startedAt: number }>; nextCursor: string | null };
  };

  // The plan, so a regression is visible in the output.
  for (const kind of ['everything', 'unit', 'officer', 'unit+time'] as const) {
    const q = makeSearch(kind, site, me).query;
    const c = app.recordingsRepo.searchQuery({ ...q, after: { startedAt: YEAR_START + YEAR_MS / 2, id: 'x' } }).selectAll().limit(q.limit).compile();
    const plan = (direct.prepare(`EXPLAIN QUERY PLAN ${c.sql}`).all(...(c.parameters as unknown[])) as Array<{ detail: string }>).map((r) => r.detail).join(' | ');
    console.log(`  plan ${kind.padEnd(10)} ${plan}`);
  }

  // Build the workload: first pages of every kind, then second pages through their cursors.
  const firstKinds = KINDS.filter((k): k is Exclude<Kind, 'page2'> => k !== 'page2');
  const perKind = Math.ceil(QUERIES / KINDS.length);
  const searches: Search[] = [];
  for (let i = 0; i < perKind; i++) for (const k of firstKinds) searches.push(makeSearch(k, site, me));

  // Warm-up (not measured): page cache, statement caches, JIT.
  for (let i = 0; i < 200; i++) {
    const s = searches[i % searches.length]!;
    runDirect(s.query);
    await runHttp(s.params);
  }

  const http = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));
  const sqlMs = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));
  const seconds: Search[] = [];
  let checked = 0;
  for (const s of searches) {
    const d = time(() => runDirect(s.query));
    sqlMs.get(s.kind)!.push(d.ms);
    const t0 = process.hrtime.bigint();
    const page = await runHttp(s.params);
    http.get(s.kind)!.push(Number(process.hrtime.bigint() - t0) / 1e6);
    // Same rows as the baseline: the API adds nothing and loses nothing.
    const want = d.value.slice(0, LIMIT).map((r) => r.id);
    if (page.items.map((r) => r.id).join() !== want.join()) throw new Error(`HTTP and direct SQL disagree for ${JSON.stringify(s.params)}`);
    checked += 1;
    if (page.nextCursor && seconds.length < perKind && rand() < 0.5) {
      const last = d.value[LIMIT - 1]!;
      if (encodeCursor(last) !== page.nextCursor) throw new Error('cursor mismatch');
      seconds.push({ kind: 'page2', params: { ...s.params, cursor: page.nextCursor }, query: { ...s.query, after: { startedAt: last.started_at, id: last.id } } });
    }
  }
  for (const s of seconds) {
    const d = time(() => runDirect(s.query));
    sqlMs.get('page2')!.push(d.ms);
    const t0 = process.hrtime.bigint();
    const page = await runHttp(s.params);
    http.get('page2')!.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (page.items.map((r) => r.id).join() !== d.value.slice(0, LIMIT).map((r) => r.id).join()) throw new Error('page 2 differs');
    checked += 1;
  }
  await server.close();
  direct.close();
  await app.close();

  const total = [...http.values()].reduce((a, xs) => a + xs.length, 0);
  console.log(`\n  ${total} HTTP searches (limit ${LIMIT}, sequential, keep-alive), each checked row-for-row against the direct SQL (${checked} checks)`);
  console.log(`  latency ms       ${'HTTP API'.padEnd(31)}   baseline: same SQL on better-sqlite3`);
  console.log(`  ${'kind'.padEnd(14)} ${'n'.padStart(5)}  ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'p99'.padStart(7)}     ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'p99'.padStart(7)}   p95 target`);
  let worst = 0;
  const row = (label: string, hx: number[], sx: number[]) => {
    const h = summarize(hx);
    const q = summarize(sx);
    console.log(`  ${label.padEnd(14)} ${String(h.n).padStart(5)}  ${h.cols}     ${q.cols}   ${h.p95 <= TARGET_P95_MS ? 'ok' : 'MISSED'}`);
    return { h, q };
  };
  for (const k of KINDS) worst = Math.max(worst, row(k, http.get(k)!, sqlMs.get(k)!).h.p95);
  const { h, q } = row('overall', [...http.values()].flat(), [...sqlMs.values()].flat());
  console.log(`\n  overall p95: HTTP ${h.p95.toFixed(2)} ms vs direct SQL ${q.p95.toFixed(2)} ms; HTTP + validation + scoping + serialization adds ${(h.p50 - q.p50).toFixed(2)} ms at p50`);
  console.log(`  target p95 ≤ ${TARGET_P95_MS} ms through HTTP: ${worst <= TARGET_P95_MS ? 'MET for every kind' : `MISSED (worst kind p95 ${worst.toFixed(2)} ms)`}`);
  if (worst > TARGET_P95_MS) process.exitCode = 1;
}

await main();
