import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, cpSync, createReadStream, existsSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, closeSync, writeSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp } from '../src/app.js';
import { verifySite, type VerifyReport } from '../src/audit/index.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/platform/log.js';
import { CLI, makeVideo, tempDir } from './support/app.js';
import { mulberry32, listFiles } from './support/fixtures.js';

/**
 * DESIGN invariant 2, "Must hold": the importer is killed with SIGKILL (no cleanup, no flush, the
 * way a power cut or the OOM killer would stop it) at many points — at every named failpoint, at
 * the 1st, 2nd, 5th… time it is reached, and at random moments while it copies, renames and
 * commits. After each kill the site verifies, no recording lacks its whole blob, every leftover is
 * reported, and running the same import again completes it with nothing lost and nothing twice.
 *
 * Random kill times come from a seeded PRNG; the seed is printed. Reproduce a failure with
 * `CUSTODIA_CRASH_SEED=<seed> npx vitest run test/ingest-crash.test.ts`.
 */

const SEED = Number(process.env.CUSTODIA_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RANDOM_KILLS = 8;
const MB = 1024 * 1024;

const rng = mulberry32(SEED);
/** Drawn up front, in a fixed order, so the seed alone decides them whichever tests are run. */
const BIG_FILE_SIZES = Array.from({ length: 5 }, () => Math.floor((20 + rng() * 40) * MB));
const KILL_FRACTIONS = Array.from({ length: RANDOM_KILLS }, () => rng() * 0.95);

interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** ms from the first temp file in the store (the copy began) to the exit, when one was seen. */
  importMs: number | null;
  /** When the test killed the process: ms after the copy began. */
  killedAtMs: number | null;
}

/**
 * Runs the CLI from sources. With `killAfterCopyStartsMs`, watches the store's temp folder and
 * sends SIGKILL that many ms after the first temp file appears (the import has begun copying).
 */
function runCli(args: string[], opts: { env?: Record<string, string>; killAfterCopyStartsMs?: number; tmpDir?: string } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'silent', CUSTODIA_RUN_JOBS: 'false', ...opts.env };
    const child = spawn(process.execPath, [...CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    let copyStarted: number | null = null;
    let killedAt: number | null = null;
    let killTimer: NodeJS.Timeout | undefined;
    const watch = opts.tmpDir
      ? setInterval(() => {
          if (copyStarted !== null) return;
          let names: string[] = [];
          try {
            names = readdirSync(opts.tmpDir!);
          } catch {
            return;
          }
          if (names.length === 0) return;
          copyStarted = performance.now();
          if (opts.killAfterCopyStartsMs !== undefined) {
            killTimer = setTimeout(() => {
              killedAt = performance.now() - copyStarted!;
              child.kill('SIGKILL');
            }, opts.killAfterCopyStartsMs);
          }
        }, 2)
      : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (watch) clearInterval(watch);
      if (killTimer) clearTimeout(killTimer);
      resolve({ code, signal, stdout, stderr, importMs: copyStarted === null ? null : performance.now() - copyStarted, killedAtMs: killedAt });
    });
  });
}

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 4 * MB })) h.update(chunk as Buffer);
  return h.digest('hex');
}

interface VerifyJson {
  ok: boolean;
  problems: Array<{ kind: string; location: string; message: string }>;
  notices: Array<{ kind: string; location: string; message: string }>;
  blobs: { checked: number; bytes: number };
}

interface BatchJson {
  imported: number;
  duplicates: number;
  failed: number;
  wiped: boolean;
  files: Array<{ path: string; status: string; sha256: string | null }>;
}

interface SiteState {
  recordings: number;
  blobRows: number;
  blobFiles: number;
  unreferenced: number;
  temps: number;
  runningBatches: number;
  wipeEntries: number;
}

/** Everything that must hold after a crash (before any recovery). */
async function checkAfterCrash(dataDir: string): Promise<SiteState> {
  const v = await runCli(['verify', '--data', dataDir, '--json']);
  expect(v.code, `verify after crash: ${v.stderr}\n${v.stdout}`).toBe(0);
  const report = JSON.parse(v.stdout) as VerifyJson;
  expect(report.ok, JSON.stringify(report.problems)).toBe(true);
  expect(report.problems).toEqual([]);

  const blobRoot = path.join(dataDir, 'blobs');
  const db = new SqliteDatabase(path.join(dataDir, 'custodia.db'), { readonly: true, fileMustExist: true });
  try {
    const recordings = db.prepare('select id, blob_sha256, size from recordings').all() as Array<{ id: string; blob_sha256: string; size: number }>;
    const blobRows = new Set((db.prepare('select sha256 from blobs').all() as Array<{ sha256: string }>).map((r) => r.sha256));
    // No recording without its whole blob: the file is there, complete, and hashes to its name.
    for (const r of recordings) {
      const file = path.join(blobRoot, 'sha256', r.blob_sha256.slice(0, 2), r.blob_sha256.slice(2, 4), r.blob_sha256);
      expect(existsSync(file), `recording ${r.id} has no blob file ${file}`).toBe(true);
      expect(lstatSync(file).size).toBe(r.size);
      expect(await sha256File(file), `blob of recording ${r.id}`).toBe(r.blob_sha256);
      expect(blobRows.has(r.blob_sha256)).toBe(true);
    }
    const dupes = db.prepare('select blob_sha256, count(*) as n from recordings group by blob_sha256 having count(*) > 1').all();
    expect(dupes).toEqual([]);

    // Every file at a final blob path is whole (a blob is renamed into place only when complete)
    // and read-only; those the catalogue doesn't know are reported, as are temp leftovers.
    const files = listFiles(path.join(blobRoot, 'sha256'));
    const unreferenced: string[] = [];
    for (const f of files) {
      const name = path.basename(f);
      expect(name).toMatch(/^[0-9a-f]{64}$/);
      expect(f).toBe(path.join(blobRoot, 'sha256', name.slice(0, 2), name.slice(2, 4), name));
      expect(lstatSync(f).mode & 0o777, `${f} is read-only`).toBe(0o444);
      if (!blobRows.has(name)) {
        expect(await sha256File(f), `unreferenced blob ${f} is whole`).toBe(name);
        unreferenced.push(f);
      }
    }
    const noticed = (kind: string) => report.notices.filter((n) => n.kind === kind).map((n) => n.location).sort();
    expect(noticed('blob_unreferenced')).toEqual(unreferenced.sort());
    const temps = listFiles(path.join(blobRoot, 'tmp'));
    expect(noticed('temp_leftover')).toEqual(temps);
    expect(report.notices.every((n) => n.kind === 'blob_unreferenced' || n.kind === 'temp_leftover'), JSON.stringify(report.notices)).toBe(true);

    const running = (db.prepare("select count(*) as n from import_batches where status = 'running'").get() as { n: number }).n;
    const wipeEntries = (db.prepare("select count(*) as n from audit_entries where action = 'ingest.source_wipe'").get() as { n: number }).n;
    return { recordings: recordings.length, blobRows: blobRows.size, blobFiles: files.length, unreferenced: unreferenced.length, temps: temps.length, runningBatches: running, wipeEntries };
  } finally {
    db.close();
  }
}

/** After the re-run: every distinct content exactly once, each with its recording, and verify is clean. */
async function checkComplete(dataDir: string, expected: ReadonlySet<string>): Promise<void> {
  // In-process this time (the CLI verify after each kill already covers the command itself).
  const app = await openApp(loadConfig({ CUSTODIA_DATA: dataDir, LOG_LEVEL: 'silent', CUSTODIA_RUN_JOBS: 'false' }), createLogger('silent'), { PATH: process.env.PATH });
  let report: VerifyReport;
  try {
    report = await verifySite(app.db, app.auditRepo, app.blobs);
  } finally {
    await app.close();
  }
  expect(report.ok, JSON.stringify(report.problems)).toBe(true);
  expect(report.notices.filter((n) => n.kind !== 'temp_leftover')).toEqual([]);
  expect(report.blobs.checked).toBe(expected.size);

  const db = new SqliteDatabase(path.join(dataDir, 'custodia.db'), { readonly: true, fileMustExist: true });
  try {
    const recs = (db.prepare('select blob_sha256 from recordings').all() as Array<{ blob_sha256: string }>).map((r) => r.blob_sha256);
    expect(recs.length).toBe(expected.size);
    expect(new Set(recs)).toEqual(expected);
    const blobs = (db.prepare('select sha256 from blobs').all() as Array<{ sha256: string }>).map((r) => r.sha256);
    expect(blobs.length).toBe(expected.size);
    expect(new Set(blobs)).toEqual(expected);
    const entries = (db.prepare("select count(*) as n from audit_entries where action = 'recording.import'").get() as { n: number }).n;
    expect(entries).toBe(expected.size);
  } finally {
    db.close();
  }
  const onDisk = listFiles(path.join(dataDir, 'blobs', 'sha256')).map((f) => path.basename(f));
  expect(onDisk.length).toBe(expected.size);
  expect(new Set(onDisk)).toEqual(expected);
}

function batchesOf(stdout: string): BatchJson[] {
  const parsed = JSON.parse(stdout) as BatchJson | BatchJson[];
  return Array.isArray(parsed) ? parsed : [parsed];
}

/** A copy of the source made of hard links: wiping it unlinks only the copy's names. */
function linkCopy(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const e of readdirSync(from, { withFileTypes: true })) {
    if (e.isDirectory()) linkCopy(path.join(from, e.name), path.join(to, e.name));
    else linkSync(path.join(from, e.name), path.join(to, e.name));
  }
}

interface Outcome {
  label: string;
  after: SiteState;
  recovered: { imported: number; duplicates: number };
}

describe('import survives SIGKILL at any point (invariant 2)', () => {
  let work: { dir: string; cleanup(): Promise<void> };
  let source: string;
  let template: string;
  let fileCount = 0;
  const distinct = new Set<string>();
  let importMs = 0;
  let baselineDir = '';
  let baseline: CliRun;
  let n = 0;
  const outcomes: Outcome[] = [];

  beforeAll(async () => {
    console.warn(`ingest-crash: seed ${SEED} (reproduce with CUSTODIA_CRASH_SEED=${SEED})`);
    work = await tempDir('custodia-crash-');
    source = path.join(work.dir, 'source');
    mkdirSync(path.join(source, 'DCIM'), { recursive: true });
    // Two small real videos with recorder names, one of them again under another name (same bytes).
    const v1 = path.join(source, 'A123456_012345_20260115083000_0001.MP4');
    const v2 = path.join(source, 'A123456_012345_20260115084500_0002.MP4');
    await Promise.all([makeVideo(v1, { seconds: 2 }), makeVideo(v2, { seconds: 3 })]);
    copyFileSync(v1, path.join(source, 'DCIM', 'copy-of-0001.MP4'));
    // Five larger files of random bytes, 20–60 MB (sizes from the seed).
    for (const [i, size] of BIG_FILE_SIZES.entries()) {
      const fd = openSync(path.join(source, `big-${i + 1}.bin`), 'w');
      for (let left = size; left > 0; left -= 8 * MB) writeSync(fd, randomBytes(Math.min(8 * MB, left)));
      closeSync(fd);
    }
    const all = listFiles(source);
    fileCount = all.length;
    for (const f of all) distinct.add(await sha256File(f));
    expect(fileCount).toBe(8);
    expect(distinct.size).toBe(7);

    // An initialised site (database migrated, site key made): the data folder every kill starts from.
    template = path.join(work.dir, 'template');
    const init = await runCli(['verify', '--data', template, '--json']);
    expect(init.code, init.stderr).toBe(0);

    // A whole import, timed from its first temp file to its exit: the span the random kills fall in.
    baselineDir = freshDataDir();
    baseline = await runCli(['ingest', source, '--data', baselineDir, '--json'], { tmpDir: path.join(baselineDir, 'blobs', 'tmp') });
    importMs = baseline.importMs ?? 0;
  }, 120_000);

  afterAll(async () => {
    const lines = outcomes.map(
      (o) => `  ${o.label.padEnd(34)} after kill: ${o.after.recordings} recordings, ${o.after.unreferenced} unreferenced blobs, ${o.after.temps} temp leftovers, ${o.after.runningBatches} unfinished batches → re-run: ${o.recovered.imported} imported, ${o.recovered.duplicates} duplicates`,
    );
    console.warn(`ingest-crash: ${outcomes.length} kill points (seed ${SEED})\n${lines.join('\n')}`);
    await work?.cleanup();
  });

  function freshDataDir(): string {
    const dir = path.join(work.dir, `data-${++n}`);
    cpSync(template, dir, { recursive: true });
    return dir;
  }

  /** Runs the ingest to its kill, checks the wreck, runs it again, checks the whole. */
  async function crashAndRecover(
    label: string,
    opts: { failpoint?: string; killAfterMs?: number; wipe?: boolean; sources?: (dataDir: string) => string[], },
    expectAfterCrash?: (s: SiteState, dataDir: string, sources: string[]) => void,
  ): Promise<{ state: SiteState; sources: string[]; dataDir: string; killed: boolean }> {
    const dataDir = freshDataDir();
    const sources = opts.sources ? opts.sources(dataDir) : [source];
    const args = ['ingest', ...sources, '--data', dataDir, '--json', ...(opts.wipe ? ['--wipe-source'] : [])];
    const crashed = await runCli(args, {
      env: opts.failpoint ? { CUSTODIA_FAILPOINT: opts.failpoint } : {},
      tmpDir: path.join(dataDir, 'blobs', 'tmp'),
      killAfterCopyStartsMs: opts.killAfterMs,
    });
    if (opts.killAfterMs !== undefined && crashed.signal === null) {
      // The import finished before the timer: not a kill point (the caller retries earlier).
      expect(crashed.code, crashed.stderr).toBe(0);
      return { state: await checkAfterCrash(dataDir), sources, dataDir, killed: false };
    }
    expect(crashed.signal, `${label}: the process was to die by SIGKILL; exit ${crashed.code}\n${crashed.stderr}`).toBe('SIGKILL');
    const state = await checkAfterCrash(dataDir);
    expectAfterCrash?.(state, dataDir, sources);

    const again = await runCli(args);
    expect(again.code, `${label}: re-run\n${again.stderr}\n${again.stdout}`).toBe(0);
    const batches = batchesOf(again.stdout);
    const imported = batches.reduce((s, b) => s + b.imported, 0);
    const duplicates = batches.reduce((s, b) => s + b.duplicates, 0);
    expect(batches.reduce((s, b) => s + b.failed, 0)).toBe(0);
    // The re-run imports exactly what the crash left out, and links the rest.
    expect(imported).toBe(distinct.size - state.recordings);
    await checkComplete(dataDir, distinct);
    outcomes.push({ label: `${label}${crashed.killedAtMs !== null ? ` @${Math.round(crashed.killedAtMs)}ms` : ''}`, after: state, recovered: { imported, duplicates } });
    return { state, sources, dataDir, killed: true };
  }

  it('imports the source whole without a crash (the baseline the random kills are timed on)', async () => {
    expect(baseline.code, baseline.stderr).toBe(0);
    const [b] = batchesOf(baseline.stdout);
    expect(b!.imported).toBe(7);
    expect(b!.duplicates).toBe(1);
    expect(b!.failed).toBe(0);
    expect(importMs).toBeGreaterThan(0);
    await checkComplete(baselineDir, distinct);
    const st = await checkAfterCrash(baselineDir);
    expect(st).toMatchObject({ recordings: 7, unreferenced: 0, temps: 0, runningBatches: 0 });
  });

  describe('named failpoints', () => {
    it.each([1, 2, 5])('blob.before-fsync at its %i. time: the copy is a temp file, never catalogued', async (k) => {
      await crashAndRecover(`blob.before-fsync:${k}`, { failpoint: `blob.before-fsync:${k}` }, (s) => {
        expect(s.temps).toBeGreaterThanOrEqual(1);
        expect(s.blobFiles).toBeLessThanOrEqual(k - 1);
      });
    });

    it.each([1, 3])('blob.before-rename at its %i. time: a whole, read-only temp file is left over', async (k) => {
      await crashAndRecover(`blob.before-rename:${k}`, { failpoint: `blob.before-rename:${k}` }, (s, dataDir) => {
        expect(s.temps).toBeGreaterThanOrEqual(1);
        expect(s.blobFiles).toBeLessThanOrEqual(k - 1);
        // The temp that was about to be renamed is already complete and read-only.
        const readOnly = listFiles(path.join(dataDir, 'blobs', 'tmp')).filter((f) => (lstatSync(f).mode & 0o777) === 0o444);
        expect(readOnly.length).toBeGreaterThanOrEqual(1);
      });
    });

    it.each([1, 2, 5])('blob.after-rename at its %i. time: the blob is in place but not catalogued', async (k) => {
      await crashAndRecover(`blob.after-rename:${k}`, { failpoint: `blob.after-rename:${k}` }, (s) => {
        // k placements, k distinct files: a twin racing to the same path never replaces a stored blob.
        expect(s.blobFiles).toBeGreaterThanOrEqual(k);
        expect(s.unreferenced).toBeGreaterThanOrEqual(1);
      });
    });

    it.each([1, 4])('ingest.before-probe at its %i. time', async (k) => {
      await crashAndRecover(`ingest.before-probe:${k}`, { failpoint: `ingest.before-probe:${k}` }, (s) => {
        expect(s.blobFiles).toBeGreaterThanOrEqual(1);
        if (k === 1) {
          expect(s.recordings).toBe(0);
          expect(s.unreferenced).toBeGreaterThanOrEqual(1);
        }
      });
    });

    it.each([1, 2, 5])('ingest.before-commit at its %i. time: only earlier files are catalogued, each whole', async (k) => {
      await crashAndRecover(`ingest.before-commit:${k}`, { failpoint: `ingest.before-commit:${k}` }, (s) => {
        expect(s.recordings).toBeLessThanOrEqual(k - 1);
        expect(s.runningBatches).toBe(1);
        // The first file to reach the commit has its blob in place and no row yet.
        if (k === 1) expect(s.unreferenced).toBeGreaterThanOrEqual(1);
      });
    });

    it.each([1, 3, 8])('ingest.after-commit at its %i. time: committed recordings stay, whole', async (k) => {
      await crashAndRecover(`ingest.after-commit:${k}`, { failpoint: `ingest.after-commit:${k}` }, (s) => {
        // Each arrival follows a commit; one file of the source is a duplicate and adds no row.
        expect(s.recordings).toBeGreaterThanOrEqual(k - 1);
        expect(s.runningBatches).toBe(1);
        if (k === fileCount) expect(s).toMatchObject({ recordings: 7, unreferenced: 0 });
      });
    });

    it('ingest.before-wipe: the wipe is in the ledger, the source is untouched; the re-run wipes it', async () => {
      const { dataDir, sources } = await crashAndRecover(
        'ingest.before-wipe:1 (--wipe-source)',
        { failpoint: 'ingest.before-wipe:1', wipe: true, sources: (d) => {
            linkCopy(source, `${d}-src`);
            return [`${d}-src`];
          },
        },
        (s, _d, srcs) => {
          expect(s).toMatchObject({ recordings: 7, unreferenced: 0, wipeEntries: 1, runningBatches: 1 });
          expect(listFiles(srcs[0]!).length).toBe(fileCount);
        },
      );
      expect(listFiles(sources[0]!)).toEqual([]);
      const db = new SqliteDatabase(path.join(dataDir, 'custodia.db'), { readonly: true });
      expect((db.prepare("select count(*) as n from audit_entries where action = 'ingest.source_wipe'").get() as { n: number }).n).toBe(2);
      db.close();
      expect(listFiles(source).length).toBe(fileCount);
    });

    it('ingest.before-wipe at its 2. time (second of two sources)', async () => {
      const { sources } = await crashAndRecover(
        'ingest.before-wipe:2 (two sources)',
        {
          failpoint: 'ingest.before-wipe:2',
          wipe: true,
          sources: (d) => {
            linkCopy(source, `${d}-a`);
            linkCopy(source, `${d}-b`);
            return [`${d}-a`, `${d}-b`];
          },
        },
        (s, _d, srcs) => {
          expect(s).toMatchObject({ recordings: 7, unreferenced: 0, wipeEntries: 2, runningBatches: 1 });
          expect(listFiles(srcs[0]!)).toEqual([]);
          expect(listFiles(srcs[1]!).length).toBe(fileCount);
        },
      );
      for (const s of sources) expect(listFiles(s)).toEqual([]);
    });
  });

  describe('random-time kills (seeded)', () => {
    it.each(Array.from({ length: RANDOM_KILLS }, (_, i) => i + 1))('random kill %i', async (i) => {
      expect(importMs).toBeGreaterThan(0);
      let delay = Math.floor(KILL_FRACTIONS[i - 1]! * importMs);
      for (let attempt = 0; attempt < 4; attempt++) {
        const r = await crashAndRecover(`random #${i} (delay ${delay}ms)`, { killAfterMs: delay });
        if (r.killed) return;
        delay = Math.floor(delay / 2);
      }
      throw new Error(`random kill ${i}: the import always finished before the kill`);
    });
  });

  it('exercised at least 20 kill points', () => {
    expect(outcomes.length).toBeGreaterThanOrEqual(20);
  });
});
