import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/platform/log.js';
import { SHIPPED_PROFILES } from '../src/retention/shipped-profiles.js';
import { dialects, postgresSkipNote, runCli, tempDir, tempPostgres, type CliRun } from './support/app.js';

/**
 * `npx custodia profile list --json` (issue 4, "Interfaces"): an array of {"id", "name",
 * "version", …} — one entry per profile at its latest version, `name` a string in zh-CN (the
 * default locale) beside `names: {zh, en}`; `--all` lists every version; `profile --help`
 * documents the shapes. Run as a child process, on each dialect.
 */

postgresSkipNote();

interface Entry {
  id: string;
  name: string;
  names: { zh: string; en: string };
  version: number;
  latest: boolean;
  kind: string;
  origin: string;
  basedOn: string | null;
  hash: string;
  createdAt: number;
  minimumRetention: { months: number } | { days: number } | null;
}

describe.each(dialects())('custodia profile list (%s)', (dialect) => {
  let tmp: { dir: string; cleanup(): Promise<void> };
  let pgDb: { url: string; drop(): Promise<void> } | undefined;
  const env: Record<string, string> = {};

  function cli(args: string[]): Promise<CliRun> {
    return runCli(args, { env: { CUSTODIA_DATA: tmp.dir, ...env } });
  }

  const list = async (...extra: string[]): Promise<Entry[]> => {
    const r = await cli(['profile', 'list', '--json', ...extra]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Entry[];
  };

  beforeAll(async () => {
    tmp = await tempDir('custodia-profiles-cli-');
    if (dialect === 'postgres') {
      pgDb = await tempPostgres();
      env.DATABASE_URL = pgDb.url;
    }
  });

  afterAll(async () => {
    await pgDb?.drop();
    await tmp?.cleanup();
  });

  it('one entry per shipped profile, at its latest version, name a zh-CN string beside names {zh, en}', async () => {
    const entries = await list();
    expect(entries.map((e) => e.id)).toEqual(SHIPPED_PROFILES.map((p) => p.id).sort());
    for (const e of entries) {
      const shipped = SHIPPED_PROFILES.find((p) => p.id === e.id)!;
      const { hash, createdAt, ...rest } = e;
      expect(hash, e.id).toMatch(/^[0-9a-f]{64}$/);
      expect(typeof createdAt, e.id).toBe('number');
      expect(rest, e.id).toEqual({
        id: shipped.id,
        name: shipped.name.zh,
        names: { zh: shipped.name.zh, en: shipped.name.en },
        version: shipped.version,
        latest: true,
        kind: shipped.kind,
        origin: 'shipped',
        basedOn: null,
        minimumRetention: shipped.retention.minimum.period,
      });
    }
    expect(entries.find((e) => e.id === 'traffic-police')!.minimumRetention).toEqual({ months: 3 });
    expect(entries.find((e) => e.id === 'zibo-tobacco')!.minimumRetention).toEqual({ months: 12 });
  }, 60_000);

  it('an edited profile with two versions: listed once at version 2 by default, every version with --all', async () => {
    const app = await openApp(loadConfig({ CUSTODIA_DATA: tmp.dir, LOG_LEVEL: 'silent', CUSTODIA_RUN_JOBS: 'false', ...env }), createLogger('silent'), { PATH: process.env.PATH });
    try {
      const base = await app.profiles.profile('traffic-police');
      const copy = { ...base, id: 'city-traffic', version: 1, name: { zh: '市交警支队（本局修订）', en: 'City traffic police (local edit)' } };
      await app.profiles.saveEdited(null, copy, 'traffic-police@1', 'test', { ip: null });
      await app.profiles.saveEdited(null, { ...copy, version: 2, retention: { ...copy.retention, minimum: { ...copy.retention.minimum, period: { months: 12 } } } }, 'city-traffic@1', 'test', { ip: null });
      await app.ledger.signHead();
    } finally {
      await app.close();
    }

    const latest = await list();
    expect(latest.filter((e) => e.id === 'city-traffic')).toEqual([
      expect.objectContaining({ id: 'city-traffic', name: '市交警支队（本局修订）', names: { zh: '市交警支队（本局修订）', en: 'City traffic police (local edit)' }, version: 2, latest: true, origin: 'custom', basedOn: 'city-traffic@1', minimumRetention: { months: 12 } }),
    ]);
    expect(new Set(latest.map((e) => e.id)).size).toBe(latest.length);
    expect(latest.every((e) => e.latest)).toBe(true);

    const all = await list('--all');
    expect(all.filter((e) => e.id === 'city-traffic').map((e) => ({ version: e.version, latest: e.latest, name: e.name, basedOn: e.basedOn, minimumRetention: e.minimumRetention }))).toEqual([
      { version: 1, latest: false, name: '市交警支队（本局修订）', basedOn: 'traffic-police@1', minimumRetention: { months: 3 } },
      { version: 2, latest: true, name: '市交警支队（本局修订）', basedOn: 'city-traffic@1', minimumRetention: { months: 12 } },
    ]);
    expect(all.length).toBe(latest.length + 1);
    expect(all.every((e) => typeof e.name === 'string' && typeof e.names.en === 'string')).toBe(true);

    // The table for people: one line per profile by default, one per version with --all.
    const table = await cli(['profile', 'list']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.split('\n').filter((l) => l.startsWith('city-traffic '))).toHaveLength(1);
    const tableAll = await cli(['profile', 'list', '--all']);
    expect(tableAll.stdout.split('\n').filter((l) => l.startsWith('city-traffic '))).toHaveLength(2);
  }, 60_000);

  it('profile --help documents the JSON shapes; the main help points to it', async () => {
    for (const args of [['profile', '--help'], ['profile', 'list', '--help'], ['profile', '-h']]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(0);
      for (const word of ['list [--all] [--json]', '"id"', '"name"', '"names"', '"version"', '"latest"', 'zh-CN', '"profileVersion"']) expect(r.stdout, word).toContain(word);
    }
    const main = await cli(['--help']);
    expect(main.code).toBe(0);
    expect(main.stdout).toContain('profile list [--all]');
    expect(main.stdout).toContain('custodia profile --help');
  }, 60_000);
});
