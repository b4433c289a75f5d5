import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { openApp, type App } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { fixedClock, systemClock, type Clock } from '../../src/platform/clock.js';
import { createLogger } from '../../src/platform/log.js';
import { resolveMediaBinaries } from '../../src/platform/media/binaries.js';

export { fixedClock, systemClock };

const run = promisify(execFile);

/** A fresh temp folder, removed by the returned cleanup. */
export async function tempDir(prefix = 'custodia-test-'): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export type TestDialect = 'sqlite' | 'postgres';

/** The dialects this run can test: SQLite always, PostgreSQL when TEST_DATABASE_URL is set. */
export function dialects(): TestDialect[] {
  return process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
}

export function postgresSkipNote(): void {
  if (!process.env.TEST_DATABASE_URL) console.warn('TEST_DATABASE_URL is not set: PostgreSQL variants of these tests are skipped');
}

/** Creates a throw-away PostgreSQL database and returns its URL and a dropper. */
export async function tempPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('TEST_DATABASE_URL is not set');
  const name = `custodia_t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(base);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface TestApp {
  app: App;
  dataDir: string;
  config: Config;
  close(): Promise<void>;
}

/** Opens a complete site on a temp data folder (and a temp PostgreSQL database for 'postgres'). */
export async function openTestApp(opts: { dialect?: TestDialect; clock?: Clock; env?: Record<string, string> } = {}): Promise<TestApp> {
  const tmp = await tempDir();
  let drop: (() => Promise<void>) | undefined;
  const env: NodeJS.ProcessEnv = { CUSTODIA_DATA: tmp.dir, LOG_LEVEL: 'silent', CUSTODIA_RUN_JOBS: 'false', ...opts.env };
  if (opts.dialect === 'postgres') {
    const db = await tempPostgres();
    env.DATABASE_URL = db.url;
    drop = () => db.drop();
  }
  const config = loadConfig(env);
  const app = await openApp(config, createLogger('silent'), { PATH: process.env.PATH }, opts.clock ?? systemClock);
  return {
    app,
    dataDir: tmp.dir,
    config,
    close: async () => {
      await app.close();
      await drop?.();
      await tmp.cleanup();
    },
  };
}

const media = resolveMediaBinaries({ ffmpegPath: process.env.FFMPEG_PATH, ffprobePath: process.env.FFPROBE_PATH, envPath: process.env.PATH });
export const FFMPEG = media.ffmpeg;

/** Makes a real, small video with ffmpeg (H.264/AAC MP4 by default). */
export async function makeVideo(file: string, opts: { seconds?: number; codec?: 'h264' | 'mpeg4'; size?: string; location?: string; creationTime?: string; fps?: number; audio?: boolean; title?: string } = {}): Promise<void> {
  const audio = opts.audio ?? true;
  const args = ['-y', '-v', 'error', '-f', 'lavfi', '-i', `testsrc=size=${opts.size ?? '160x120'}:rate=${opts.fps ?? 15}`];
  if (audio) args.push('-f', 'lavfi', '-i', 'sine=frequency=440');
  args.push('-t', String(opts.seconds ?? 2), '-c:v', opts.codec === 'mpeg4' ? 'mpeg4' : 'libx264');
  if (audio) args.push('-c:a', 'aac', '-shortest');
  if (opts.location) args.push('-metadata', `location=${opts.location}`);
  if (opts.creationTime) args.push('-metadata', `creation_time=${opts.creationTime}`);
  if (opts.title) args.push('-metadata', `title=${opts.title}`);
  args.push(file);
  await run(FFMPEG, args);
}

/**
 * The CLI from the current sources, as a child process (for crash and exit-code tests): the run's
 * compiled copy made by test/support/cli-build.ts, or the sources through tsx when a file runs
 * without that setup.
 */
export const CLI = process.env.CUSTODIA_TEST_CLI ? [process.env.CUSTODIA_TEST_CLI] : ['--import', 'tsx', path.resolve(import.meta.dirname, '../../bin/custodia-dev.ts')];

/** What a CLI run printed and how it ended. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `custodia ARGS` as a child process, with a quiet, job-less environment (plus `env`) and
 * `stdin` piped in when given; resolves when it exits.
 */
export function runCli(args: readonly string[], opts: { env?: Record<string, string | undefined>; stdin?: string } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'silent', CUSTODIA_RUN_JOBS: 'false', ...opts.env },
      stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
  });
}
