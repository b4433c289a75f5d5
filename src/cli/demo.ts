import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openApp } from '../app.js';
import { loadConfig, ConfigError } from '../config.js';
import { DEFAULT_DEMO_RECORDINGS, DEMO_PASSWORD, DEMO_SITE_NAME, DemoLoader, demoRefusal, HistoryClock, MIN_DEMO_RECORDINGS, readSiteMode, type DemoReport } from '../demo/index.js';
import { createLogger } from '../platform/log.js';
import type { GlobalFlags } from './context.js';
import { countProgress, EXIT_FAILED, EXIT_OK, EXIT_USAGE, humanBytes, UsageError } from './output.js';

export interface DemoFlags extends GlobalFlags {
  recordings?: string | undefined;
  thumbnails: boolean;
}

/** Columns padded by terminal width: Chinese characters take two cells. */
function wideTable(rows: string[][]): string {
  const width = (s: string) => [...s].reduce((w, c) => w + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(c) ? 2 : 1), 0);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => width(r[i] ?? ''))));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i]! - width(c)))).join('  ')).join('\n');
}

/** Where a demo goes unless told otherwise: its own folder, never the `./data` that `npm start` uses. */
export const DEMO_DATA_DIR = './data-demo';

/**
 * `custodia demo [--data DIR] [--recordings N]`: loads the demo site into a new data folder
 * (default ./data-demo, whatever CUSTODIA_DATA says) and prints its accounts. A folder that holds
 * the demo already is left as it is (exit 0). Refuses a site that is not new (exit 1), and a
 * configured DATABASE_URL (exit 2): a demo never goes into a real site's database.
 */
export async function demoCommand(env: NodeJS.ProcessEnv, flags: DemoFlags): Promise<number> {
  let recordings = DEFAULT_DEMO_RECORDINGS;
  try {
    if (flags.recordings !== undefined) {
      if (!/^\d+$/.test(flags.recordings) || Number(flags.recordings) < MIN_DEMO_RECORDINGS) throw new UsageError(`--recordings must be a number ≥ ${MIN_DEMO_RECORDINGS}`);
      recordings = Number(flags.recordings);
    }
    if (env.DATABASE_URL) throw new UsageError('the demo loads into the SQLite database of its own data folder: unset DATABASE_URL (a demo never goes into a configured database)');
  } catch (e) {
    process.stderr.write(`custodia: ${(e as Error).message}\n`);
    return EXIT_USAGE;
  }
  const dataDir = path.resolve(flags.data ?? DEMO_DATA_DIR);
  // A new folder gets the demo's site name (shown in the header) before the site is created.
  if (!existsSync(path.join(dataDir, 'custodia.db')) && !existsSync(path.join(dataDir, 'settings.json'))) {
    await mkdir(dataDir, { recursive: true });
    await writeFile(path.join(dataDir, 'settings.json'), `${JSON.stringify({ siteName: DEMO_SITE_NAME }, null, 2)}\n`);
  }
  const { DATABASE_URL: _ignored, ...rest } = env;
  let config;
  try {
    config = loadConfig(rest, { dataDir });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`custodia: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
  const log = createLogger(env.LOG_LEVEL ?? 'warn', 'stderr');
  const clock = new HistoryClock();
  const app = await openApp(config, log, { PATH: env.PATH }, clock);
  try {
    const serve = flags.data === undefined ? `npx custodia serve --data ${DEMO_DATA_DIR}` : `npx custodia serve --data ${JSON.stringify(flags.data)}`;
    const mode = await readSiteMode(app.db.kysely);
    if (mode.demo && mode.completedAt === undefined) {
      process.stderr.write(`custodia: ${dataDir} holds a demo site whose load did not finish: delete the folder and run the demo again.\n`);
      return EXIT_FAILED;
    }
    if (mode.demo) {
      // Loaded before (e.g. a second `npm run demo`): nothing to do, and nothing is changed.
      const at = ` on ${new Date(mode.completedAt!).toISOString()}`;
      process.stdout.write(flags.json ? `${JSON.stringify({ dataDir, alreadyLoaded: true, completedAt: mode.completedAt })}\n` : `The demo site is already loaded in ${dataDir}${at}. Start it:  ${serve}\n  (password of the demo accounts: ${DEMO_PASSWORD})\n`);
      return EXIT_OK;
    }
    const refusal = await demoRefusal(app.db.kysely);
    if (refusal) {
      process.stderr.write(`custodia: refused: the demo loads only into a new site, and ${refusal} (data: ${dataDir}).\n  Load it into its own folder instead: npx custodia demo --data ./data-demo\n`);
      return EXIT_FAILED;
    }
    if (!flags.json) process.stdout.write(`Loading the demo site into ${dataDir} (${recordings} recordings; every name and record is fictitious)…\n`);
    const bar = countProgress(!flags.json);
    const labels = { videos: 'videos', history: 'history', thumbnails: 'thumbs' } as const;
    let report: DemoReport;
    try {
      report = await new DemoLoader(app, clock).load({ recordings, thumbnails: flags.thumbnails, onProgress: (p) => bar.update(labels[p.phase], p.done, p.total) });
    } catch (e) {
      bar.stop();
      app.log.error({ err: e }, 'demo load failed');
      process.stderr.write(`custodia: the demo did not load: ${(e as Error).message}\n  The folder ${dataDir} is marked a demo site: delete it before trying again.\n`);
      return EXIT_FAILED;
    }
    bar.stop();
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ dataDir, password: DEMO_PASSWORD, ...report })}\n`);
      return EXIT_OK;
    }
    const rows = [['USERNAME', 'NAME', 'ROLES', 'UNIT'], ...report.accounts.map((a) => [a.username, a.displayName, a.roles.join(','), a.unit || '(top unit)'])];
    process.stdout.write(
      [
        '',
        `Demo site ready in ${(report.ms.total / 1000).toFixed(1)} s: ${report.recordings} recordings (${humanBytes(report.bytes)}) over the last 30 days and four months ago, ${report.ledgerEntries} ledger entries.`,
        '',
        wideTable(rows),
        '',
        `  Password of every demo account: ${DEMO_PASSWORD}${report.adminCreated ? '' : '   (admin keeps the password it was given when the site was created)'}`,
        '  This is a demo site: every page says so, and it stays one. A real site starts from a new data folder.',
        '',
        `  Start it:  ${serve}    → http://127.0.0.1:8080`,
        '',
      ].join('\n') + '\n',
    );
    return EXIT_OK;
  } finally {
    await app.close();
  }
}
