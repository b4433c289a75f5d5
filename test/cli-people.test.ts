import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/platform/log.js';
import { dialects, runCli, makeVideo, postgresSkipNote, tempDir, tempPostgres, type CliRun } from './support/app.js';
import { listen, type Listening } from './support/http.js';

// Each CLI process compiles the sources with tsx (seconds each on a busy 2-core machine): generous timeouts.

/**
 * The interfaces other tools rely on (issue 3): `custodia unit add --code C --name N [--parent P]`,
 * `custodia user add --username U --password-stdin --role R[,R] --unit C [--badge B]` and
 * `custodia ingest <folder> --unit C`, run as real processes, non-interactively: exit 0 done,
 * 2 bad usage, `--json` on stdout; the user then signs in over HTTP with the password piped in,
 * holds both roles, and finds the import filed under the unit.
 */

type Run = CliRun;

const PASSWORD = 'cli people password 7';

postgresSkipNote();

describe.each(dialects())('custodia unit add, user add, ingest --unit (CLI, %s)', (dialect) => {
  let tmp: { dir: string; cleanup(): Promise<void> };
  let env: Record<string, string>;
  let dropDatabase: (() => Promise<void>) | undefined;
  const units: Record<string, string> = {};

  const cli = (args: string[], stdin?: string): Promise<Run> => runCli(args, { env, stdin: stdin ?? '' });
  const json = (r: Run) => JSON.parse(r.stdout) as Record<string, unknown>;

  beforeAll(async () => {
    tmp = await tempDir('custodia-cli-people-');
    env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmp.dir, LOG_LEVEL: 'silent', CUSTODIA_RUN_JOBS: 'false', CUSTODIA_DATA: path.join(tmp.dir, 'data') };
    if (dialect === 'postgres') {
      const db = await tempPostgres();
      env.DATABASE_URL = db.url;
      dropDatabase = () => db.drop();
    }
  });
  afterAll(async () => {
    await dropDatabase?.();
    await tmp?.cleanup();
  });

  it('unit add builds the tree: a station, and a team under it (--parent)', async () => {
    const station = await cli(['unit', 'add', '--code', 'C', '--name', '城关派出所', '--json']);
    expect(station.code, station.stderr).toBe(0);
    expect(json(station)).toMatchObject({ code: 'C', name: '城关派出所' });
    units.C = json(station).id as string;

    const team = await cli(['unit', 'add', '--code', 'T', '--name', '城关派出所一组', '--parent', 'C', '--json']);
    expect(team.code, team.stderr).toBe(0);
    expect(json(team)).toMatchObject({ code: 'T', name: '城关派出所一组', parent_id: units.C });
    units.T = json(team).id as string;

    // Without --json: one human line.
    const plain = await cli(['unit', 'add', '--code', 'S', '--name', 'South']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toBe('created unit S (South)\n');
  }, 120_000);

  it('unit add refuses bad usage with exit 2: missing name, unknown parent, a code already taken', async () => {
    const runs = await Promise.all([
      cli(['unit', 'add', '--code', 'X']),
      cli(['unit', 'add', '--code', 'X', '--name', 'X', '--parent', 'NOPE']),
      cli(['unit', 'add', '--code', 'C', '--name', 'again']),
    ]);
    for (const r of runs) expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(runs[1].stderr).toContain('NOPE');
  }, 120_000);

  it('user add takes the password on stdin, several roles, a unit and a badge', async () => {
    const added = await cli(['user', 'add', '--username', 'zhao', '--password-stdin', '--role', 'officer,collector', '--unit', 'T', '--badge', '123456', '--json'], `${PASSWORD}\n`);
    expect(added.code, added.stderr).toBe(0);
    expect(json(added)).toMatchObject({ username: 'zhao', roles: ['officer', 'collector'], unitId: units.T, badge: '123456' });
    // The password is never echoed.
    expect(added.stdout + added.stderr).not.toContain(PASSWORD);
  }, 120_000);

  it('user add refuses bad usage with exit 2: unknown role, missing unit, no --password-stdin, no role', async () => {
    const runs = await Promise.all([
      cli(['user', 'add', '--username', 'u1', '--password-stdin', '--role', 'officer,pilot', '--unit', 'T'], `${PASSWORD}\n`),
      cli(['user', 'add', '--username', 'u2', '--password-stdin', '--role', 'officer', '--unit', 'NOPE'], `${PASSWORD}\n`),
      cli(['user', 'add', '--username', 'u3', '--role', 'officer', '--unit', 'T']),
      cli(['user', 'add', '--username', 'u4', '--password-stdin', '--unit', 'T'], `${PASSWORD}\n`),
    ]);
    for (const r of runs) expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(runs[0].stderr).toContain('pilot');
    expect(runs[1].stderr).toContain('NOPE');
    // An unknown option is bad usage too, and nobody was created by any of these.
    const unknown = await cli(['user', 'add', '--username', 'u5', '--password-stdin', '--role', 'officer', '--colour', 'red'], `${PASSWORD}\n`);
    expect(unknown.code).toBe(2);
  }, 120_000);

  it('ingest <folder> --unit T files the recording under unit T', async () => {
    const folder = path.join(tmp.dir, 'dock', 'DCIM');
    await mkdir(folder, { recursive: true });
    await makeVideo(path.join(folder, 'clip.mp4'), { seconds: 1, size: '96x64', title: `cli-people ${dialect}` });
    const run = await cli(['ingest', folder, '--unit', 'T', '--station', 'desk-1', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = json(run) as { imported: number; files: Array<{ status: string; recordingId: string | null }> };
    expect(result.imported).toBe(1);
    units.recording = result.files[0]!.recordingId!;
    expect(units.recording).toBeTruthy();

    const unknownUnit = await cli(['ingest', folder, '--unit', 'NOPE', '--json']);
    expect(unknownUnit.code).toBe(2);
  }, 120_000);

  describe('over HTTP, afterwards', () => {
    let app: App;
    let http: Listening;

    beforeAll(async () => {
      app = await openApp(loadConfig(env), createLogger('silent'), { PATH: process.env.PATH });
      http = await listen({ app, dataDir: env.CUSTODIA_DATA!, config: app.config, close: () => app.close() });
    });
    afterAll(async () => {
      await http?.server.close();
      await app?.close();
    });

    it('the user signs in with the piped password, holds both roles in unit T, and finds the import there', async () => {
      expect(await app.db.kysely.selectFrom('users').select('username').where('username', 'in', ['u1', 'u2', 'u3', 'u4', 'u5']).execute()).toEqual([]);
      const wrong = await fetch(`${http.base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'zhao', password: `${PASSWORD}\n` }) });
      expect(wrong.status).toBe(401);
      const res = await fetch(`${http.base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'zhao', password: PASSWORD }) });
      expect(res.status, await res.clone().text()).toBe(200);
      const body = (await res.json()) as { user: { roles: string[]; unitId: string; badge: string | null } };
      expect([...body.user.roles].sort()).toEqual(['collector', 'officer']);
      expect(body.user).toMatchObject({ unitId: units.T, badge: '123456' });
      const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
      const me = (await (await fetch(`${http.base}/api/auth/me`, { headers: { cookie } })).json()) as { roles: string[] };
      expect([...me.roles].sort()).toEqual(['collector', 'officer']);

      const row = await app.recordingsRepo.byId(units.recording!);
      expect(row?.unit_id).toBe(units.T);
      // As a collector of unit T, the user finds the recording there.
      const seen = await fetch(`${http.base}/api/recordings/${units.recording}`, { headers: { cookie } });
      expect(seen.status).toBe(200);
      expect(await seen.json()).toMatchObject({ id: units.recording, unitId: units.T });
      const teamIds = (await app.db.kysely.selectFrom('units').select(['id', 'parent_id']).where('code', '=', 'T').executeTakeFirst())!;
      expect(teamIds.parent_id).toBe(units.C);
    });
  });
});
