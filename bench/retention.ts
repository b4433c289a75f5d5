/**
 * npm run bench:retention — `custodia retention run --dry-run --json` (issue 4, Must hold: under
 * 10 s over 1,000,000 recordings), the real command as a child process, median of 3, against a
 * baseline measured in the same run: a plain `SELECT count(*), sum(size)` over the same expired
 * range on better-sqlite3 (what the report would cost if no rule had to be asked per recording).
 *
 * The site: ~30 units in 3 levels, ~300 officers, ~150 devices (bench/rows.ts), BENCH_RETENTION_N
 * recordings (default 1,000,000) over one year whose first rows are 455 days before the command
 * runs. Bureau 1 follows the traffic-police profile (3 months: all of its rows have expired),
 * bureau 2 public security (6 months) with rows that name no profile version (older rows: they
 * follow their unit's), everything else the default (1 year). Among expired recordings: long-term
 * marks, legal holds, links to open cases and to closed cases with a longer case-file retention
 * (all through the services, audited), and an open early-deletion batch of 500.
 *
 * Env: BENCH_RETENTION_N (rows), BENCH_RETENTION_DIR (data folder, default .bench/retention),
 * BENCH_RETENTION_SEED, BENCH_RETENTION_RUNS (command runs, default 3).
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { openApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { toActor, type Actor } from '../src/identity/index.js';
import { fixedClock } from '../src/platform/clock.js';
import { createLogger } from '../src/platform/log.js';
import { NO_EXPIRY, RetentionRepo, type ExpiryScan } from '../src/retention/index.js';
import { buildPeople, buildUnits, insertRecordingRows } from './rows.js';
import { median, time, timeAsync } from './support.js';

const N = Number(process.env.BENCH_RETENTION_N ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RETENTION_RUNS ?? 3);
const root = path.resolve(process.env.BENCH_RETENTION_DIR ?? '.bench/retention');
const SEED = Number(process.env.BENCH_RETENTION_SEED ?? 20261204);
const TARGET_MS = 10_000;
const DAY = 86_400_000;
const NOW = Date.now();
/** The first recordings were made 455 days before the command runs (the rows span 365 days). */
const YEAR_START = NOW - 455 * DAY;
const CLI = ['--import', 'tsx', path.resolve(import.meta.dirname, '../bin/custodia-dev.ts')];
const META = { ip: null };

interface DryRunJson {
  expired: number;
  bytes: number;
  byUnit: Array<{ unitId: string; recordings: number; bytes: number }>;
  inBatches: number;
  dryRun: boolean;
}

function cli(args: string[], dataDir: string): { ms: number; stdout: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [...CLI, ...args, '--data', dataDir], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'silent', CUSTODIA_RUN_JOBS: 'false' },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`custodia ${args.join(' ')} → ${r.status ?? r.signal}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

async function userActor(app: App, username: string): Promise<Actor> {
  const u = await app.identity.userByUsername(username);
  if (!u) throw new Error(`no user ${username}`);
  return toActor(u, { kind: 'session', id: `bench-${username}` });
}

/** The site, with protections among the expired recordings placed through the services. */
async function buildSite(dataDir: string): Promise<{ units: number; officers: number; devices: number; protectedCount: number }> {
  const app = await openApp(loadConfig({ CUSTODIA_DATA: dataDir, LOG_LEVEL: 'silent', CUSTODIA_RUN_JOBS: 'false' }), createLogger('silent'), { PATH: process.env.PATH }, fixedClock(NOW));
  try {
    if (app.db.dialect !== 'sqlite') throw new Error('bench:retention runs on the embedded SQLite shape');
    const units = await buildUnits(app);
    const site = buildPeople(units);
    const bureau = (code: string) => units.find((u) => u.code === code)!;
    await app.profiles.assign(null, bureau('bureau-1').id, 'traffic-police', undefined, 'bench', META);
    await app.profiles.assign(null, bureau('bureau-2').id, 'public-security-2016', undefined, 'bench', META);
    await app.identity.addUser({ username: 'bench-legal', password: 'bench-password-123', roles: ['supervisor'], clearance: 3 }, null);
    await app.identity.addUser({ username: 'bench-disp', password: 'bench-password-123', roles: ['dispatcher'], clearance: 3 }, null);

    // Bureau 1's rows follow traffic police; bureau 2's name no profile version (older rows follow their unit's).
    const traffic = await app.profiles.forUnit(bureau('bureau-1').id);
    const profiles = new Map<string, { id: string; version: number } | null>([
      ...bureau('bureau-1').subtree.map((u) => [u, { id: traffic.profileId, version: traffic.profileVersion }] as const),
      ...bureau('bureau-2').subtree.map((u) => [u, null] as const),
    ]);
    process.stdout.write(`  generating ${N.toLocaleString('en')} recordings…`);
    const gen = time(() => insertRecordingRows(app.db.location, site, { n: N, seed: SEED, yearStart: YEAR_START, passwordHash: 'x', profiles, onProgress: (phase) => process.stdout.write(` ${phase}…`) }));
    console.log(` ${(gen.ms / 1000).toFixed(1)} s`);
    const db = new SqliteDatabase(app.db.location);
    db.pragma('synchronous = NORMAL');
    // 600 recordings expired under every profile, spread evenly over their end times.
    const expiredEverywhere = db.prepare('SELECT id, unit_id FROM recordings WHERE ended_at < ? ORDER BY ended_at').all(NOW - 400 * DAY) as Array<{ id: string; unit_id: string }>;
    const stride = Math.max(1, Math.floor(expiredEverywhere.length / 600));
    const old = expiredEverywhere.filter((_, i) => i % stride === 0);
    db.close();

    const legal = await userActor(app, 'bench-legal');
    const disp = await userActor(app, 'bench-disp');
    const chosen = old.slice(0, 600);
    const quarter = Math.ceil(chosen.length / 4);
    const [marks, holds, openLinks, closedLinks] = [0, 1, 2, 3].map((k) => chosen.slice(k * quarter, (k + 1) * quarter));
    for (const r of marks!) await app.retention.markLongTerm(legal, r.id, 'obstruction', 'bench', META);
    for (const r of holds!) await app.retention.placeHold(legal, r.id, 'court preservation order', '(2026)bench', META);
    const rootUnit = units.find((u) => u.level === 0)!;
    for (const [k, group] of [openLinks!, closedLinks!].entries()) {
      for (let i = 0; i < group.length; i += 25) {
        const c = await app.cases.create(legal, { number: `BENCH-${k}-${i}`, kind: 'case', title: 'bench case', unitId: rootUnit.id }, META);
        await app.cases.link(legal, c.id, group.slice(i, i + 25).map((r) => r.id), null, META);
        // Closed, with a case file kept two more years: its recordings are kept until then.
        if (k === 1) await app.cases.update(legal, c.id, { status: 'closed', fileRetentionUntil: NOW + 730 * DAY }, 'bench', META);
      }
    }
    // An open early-deletion batch (500 recordings of one unit): counted as "already in a batch".
    const probe = new SqliteDatabase(app.db.location, { readonly: true });
    const busiest = (probe.prepare('SELECT unit_id FROM recordings WHERE ended_at < ? GROUP BY unit_id ORDER BY count(*) DESC LIMIT 1').get(NOW - 400 * DAY) as { unit_id: string }).unit_id;
    const taken = new Set(chosen.map((r) => r.id));
    const early = (probe.prepare('SELECT id FROM recordings WHERE unit_id = ? AND ended_at < ? ORDER BY ended_at DESC LIMIT 600').all(busiest, NOW - 400 * DAY) as Array<{ id: string }>).map((r) => r.id).filter((id) => !taken.has(id)).slice(0, 500);
    probe.close();
    await app.retention.proposeNonWork(disp, early, 'bench: recorded off duty', META);
    await app.ledger.signHead();
    return { units: units.length, officers: site.officers.length, devices: site.devices.length, protectedCount: chosen.length };
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  rmSync(root, { recursive: true, force: true });
  const dataDir = path.join(root, 'data');
  console.log(`bench:retention — custodia retention run --dry-run --json over ${N.toLocaleString('en')} recordings`);
  const site = await buildSite(dataDir);
  console.log(`  site: ${site.units} units, ${site.officers} officers, ${site.devices} devices; ${site.protectedCount} expired recordings under a mark, a hold or a case; an open batch of 500`);

  const file = path.join(dataDir, 'custodia.db');
  const direct = new SqliteDatabase(file, { readonly: true });
  const counts = () => direct.prepare('SELECT (SELECT count(*) FROM audit_entries) AS entries, (SELECT count(*) FROM tree_heads) AS heads').get() as { entries: number; heads: number };

  // The scan's plans, so a regression is visible in the output; and the dry run in-process (no
  // process start), to tell the scan's own time from the command's fixed cost.
  const app = await openApp(loadConfig({ CUSTODIA_DATA: dataDir, LOG_LEVEL: 'silent', CUSTODIA_RUN_JOBS: 'false' }), createLogger('silent'), { PATH: process.env.PATH });
  const repo = new RetentionRepo(app.db);
  const cutoff = NOW - 89 * DAY;
  const someUnits = (direct.prepare('SELECT id FROM units LIMIT 3').all() as Array<{ id: string }>).map((u) => u.id);
  const scan: ExpiryScan = {
    unitIds: null,
    recordedBy: cutoff,
    profileBounds: [{ profileId: 'default', version: 1, recordedBy: NOW - 366 * DAY }],
    unitBounds: [{ unitIds: someUnits, recordedBy: NOW - 183 * DAY }],
    otherRecordedBy: NO_EXPIRY,
    maxSensitivity: 3,
    officerId: null,
  };
  const plans: Array<[string, { sql: string; parameters: readonly unknown[] }]> = [
    ['totals', repo.expiryTotalsQuery(scan, 'dated').compile()],
    ['totals, a unit', repo.expiryTotalsQuery({ ...scan, unitIds: someUnits }, 'dated').compile()],
    ['walk, next page', repo.expiryWalkQuery(scan, { phase: 'dated', after: { endedAt: YEAR_START + 100 * DAY, id: 'x' } }, 1000).compile()],
    ['walk, undated', repo.expiryWalkQuery(scan, { phase: 'undated', afterId: '' }, 1000).compile()],
  ];
  for (const [label, c] of plans) {
    const plan = (direct.prepare(`EXPLAIN QUERY PLAN ${c.sql}`).all(...(c.parameters as unknown[])) as Array<{ detail: string }>).map((r) => r.detail).filter((d) => !d.startsWith('CORRELATED') && !/ (h|m|i|b|l) USING /.test(d)).join(' | ');
    console.log(`  plan ${label.padEnd(16)} ${plan}`);
  }
  const inProcess: number[] = [];
  for (let i = 0; i < RUNS; i++) inProcess.push((await timeAsync(() => app.retention.run({ dryRun: true }))).ms);
  await app.close();

  // Baseline: count and bytes over the same range the scan reads, one statement on better-sqlite3.
  const baseSql = 'SELECT count(*) AS n, sum(size) AS bytes FROM recordings WHERE deleted_at IS NULL AND ended_at < ?';
  const base: number[] = [];
  let baseRow = { n: 0, bytes: 0 };
  for (let i = 0; i < RUNS; i++) {
    const t = time(() => direct.prepare(baseSql).get(cutoff) as { n: number; bytes: number });
    base.push(t.ms);
    baseRow = t.value;
  }
  // The fixed cost of any command: process start, TypeScript loading, opening the site.
  const startup: number[] = [];
  for (let i = 0; i < RUNS; i++) startup.push(cli(['profile', 'list', '--json'], dataDir).ms);

  const before = counts();
  const runs: number[] = [];
  let report: DryRunJson | null = null;
  for (let i = 0; i < RUNS; i++) {
    const r = cli(['retention', 'run', '--dry-run', '--json'], dataDir);
    runs.push(r.ms);
    report = JSON.parse(r.stdout) as DryRunJson;
  }
  const after = counts();
  direct.close();
  if (!report) throw new Error('no report');
  if (after.entries !== before.entries || after.heads !== before.heads) throw new Error(`the dry run changed the ledger: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
  if (report.bytes !== report.byUnit.reduce((s, u) => s + u.bytes, 0)) throw new Error('bytes do not add up per unit');
  if (report.expired > baseRow.n - site.protectedCount) throw new Error(`more expired (${report.expired}) than recordings in range less the protected ones (${baseRow.n - site.protectedCount})`);

  const m = median(runs);
  const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(`\n  report: ${report.expired.toLocaleString('en')} expired of ${N.toLocaleString('en')}, ${(report.bytes / 1e12).toFixed(2)} TB to free, ${report.byUnit.length} units, ${report.inBatches} already in a batch; ledger unchanged (${after.entries} entries, ${after.heads} heads)`);
  console.log(`  custodia retention run --dry-run --json   median ${(m / 1000).toFixed(2)} s   (runs: ${runs.map((x) => (x / 1000).toFixed(2)).join(', ')} s)`);
  console.log(`  of which any command's start (custodia profile list --json)   median ${(median(startup) / 1000).toFixed(2)} s; the same dry run in-process   median ${(median(inProcess) / 1000).toFixed(2)} s`);
  console.log(`  baseline: SELECT count(*), sum(size) over the same ${baseRow.n.toLocaleString('en')} rows ended before the cutoff (better-sqlite3)   median ${(median(base) / 1000).toFixed(2)} s`);
  console.log(`  target < ${TARGET_MS / 1000} s: ${m < TARGET_MS ? 'MET' : 'MISSED'}   (${os.cpus().length} cores, load average ${load})`);
  if (m >= TARGET_MS) process.exitCode = 1;
}

await main();
