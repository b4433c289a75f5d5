import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateOf } from '../src/access/index.js';
import { openApp, type App } from '../src/app.js';
import { verifySite } from '../src/audit/index.js';
import { loadConfig } from '../src/config.js';
import { DEMO_DEVICES, DEMO_PASSWORD, DEMO_UNITS, demoRefusal, markDemoSite, readSiteMode, SITE_MODE_KEY } from '../src/demo/index.js';
import { buildServer } from '../src/http/server.js';
import { ROLE_IDS, toActor } from '../src/identity/index.js';
import { createLogger } from '../src/platform/log.js';
import { runCli, tempDir, type CliRun } from './support/app.js';

/**
 * `custodia demo`: a real run into a temp folder (24 recordings, real ffmpeg videos, the real
 * services), then what a newcomer finds there — and what it refuses: a site that is not new, a
 * second load, a configured database. Each CLI process compiles the sources with tsx first.
 */

type Run = CliRun;

const RECORDINGS = 24;

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return runCli(args, { env });
}

const open = (dataDir: string) => openApp(loadConfig({ CUSTODIA_DATA: dataDir, LOG_LEVEL: 'silent', CUSTODIA_RUN_JOBS: 'false' }), createLogger('silent'), { PATH: process.env.PATH });

describe('custodia demo', () => {
  let tmp: { dir: string; cleanup(): Promise<void> };
  let demoDir: string;
  let report: { dataDir: string; password: string; recordings: number; bytes: number; ledgerEntries: number; adminCreated: boolean; accounts: Array<{ username: string; roles: string[] }>; ms: Record<string, number> };
  let app: App;

  beforeAll(async () => {
    tmp = await tempDir('custodia-demo-test-');
    demoDir = path.join(tmp.dir, 'data-demo');
    const run = await cli(['demo', '--data', demoDir, '--recordings', String(RECORDINGS), '--json']);
    expect(run.code, run.stderr).toBe(0);
    report = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as typeof report;
    console.warn(`demo with ${report.recordings} recordings loaded in ${report.ms.total} ms (${JSON.stringify(report.ms)})`);
    app = await open(demoDir);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await tmp?.cleanup();
  });

  it('reports what it loaded and the shared password', () => {
    expect(report).toMatchObject({ dataDir: demoDir, password: DEMO_PASSWORD, recordings: RECORDINGS, adminCreated: true });
    expect(report.bytes).toBeGreaterThan(RECORDINGS * 10_000);
    expect(report.accounts.map((a) => a.username)).toContain('admin');
  });

  it('is marked a demo, in the settings and in GET /api/health', async () => {
    expect(await readSiteMode(app.db.kysely)).toMatchObject({ demo: true });
    const mode = await readSiteMode(app.db.kysely);
    expect(mode.simulatedFrom).toBeLessThan(mode.simulatedTo!);
    expect(mode.completedAt).toBeGreaterThanOrEqual(mode.loadedAt!);
    // Marked before anything else was written, and again when the load finished.
    const marker = await app.db.kysely.selectFrom('audit_entries').select(['seq', 'action']).where('subject_id', '=', SITE_MODE_KEY).orderBy('seq').execute();
    expect(marker.map((m) => m.action)).toEqual(['settings.update', 'settings.update']);
    const firstUnit = await app.db.kysely.selectFrom('audit_entries').select('seq').where('action', '=', 'unit.create').where('seq', '>', 1).orderBy('seq').executeTakeFirstOrThrow();
    expect(marker[0]!.seq).toBeLessThan(firstUnit.seq);
    const server = await buildServer(app);
    try {
      const res = await server.inject({ method: 'GET', url: '/api/health' });
      expect(res.json()).toMatchObject({ status: 'ok', demo: true, empty: false });
    } finally {
      await server.close();
    }
  });

  it('has its units, with their own regulation profiles, and people of every role who sign in with the demo password', async () => {
    const units = await app.db.kysely.selectFrom('units').select('code').execute();
    expect(units.map((u) => u.code).sort()).toEqual(['root', ...DEMO_UNITS.map((u) => u.code)].sort());
    const tj = await app.identity.unitByCode('TJ-1');
    const sj = await app.identity.unitByCode('SJ');
    expect((await app.profiles.forUnit(tj!.id)).profileId).toBe('traffic-police');
    expect((await app.profiles.forUnit(sj!.id)).profileId).toBe('county-market-supervision');

    const users = await app.db.kysely.selectFrom('users').selectAll().execute();
    const roles = new Set(users.flatMap((u) => JSON.parse(u.roles) as string[]));
    for (const r of ROLE_IDS) expect(roles.has(r), r).toBe(true);
    expect(users.every((u) => u.must_change_password === 0)).toBe(true);
    for (const username of ['zhang.officer', 'feng.approver', 'admin']) {
      const s = await app.sessions.login(username, DEMO_PASSWORD, undefined, { ip: '127.0.0.1' });
      expect(s.actor.username).toBe(username);
    }
  });

  it('has recorders with a loan history, clock readings, one overdue and one in repair', async () => {
    const devices = await app.db.kysely.selectFrom('devices').select(['code', 'status', 'clock_offset_ms']).execute();
    expect(devices).toHaveLength(DEMO_DEVICES.length);
    expect(devices.map((d) => d.status)).toEqual(expect.arrayContaining(['in_store', 'issued', 'in_repair']));
    const loans = await app.db.kysely.selectFrom('device_loans').select(['returned_at', 'due_at']).execute();
    expect(loans.filter((l) => l.returned_at !== null).length).toBeGreaterThan(10);
    expect(await app.db.kysely.selectFrom('device_calibrations').select('id').execute()).not.toHaveLength(0);
    const custodian = toActor((await app.identity.userByUsername('qian.custodian'))!, { kind: 'cli', id: 'test' });
    expect((await app.devices.overdueDevices(custodian, {}, { ip: null })).map((d) => d.code)).toEqual(['SJ-ZF-02']);
  });

  it('has recordings imported through the pipeline: each with its ledger entry, unified code and profile version, corrected by its recorder calibration; the site verifies', async () => {
    const rows = await app.db.kysely.selectFrom('recordings').selectAll().execute();
    expect(rows).toHaveLength(RECORDINGS);
    for (const r of rows) {
      expect(r.code, r.original_name).toMatch(/^[A-Z0-9-]+-[A-Z0-9]{7}-\d{8}-\d{4}$/);
      expect(r.profile_id).not.toBeNull();
      expect(r.profile_version).not.toBeNull();
      expect(r.file_name_pattern).toBe('ga-t947');
      expect(r.officer_id).not.toBeNull();
      expect(r.playable).toBe(1);
    }
    // The recorder that runs seven minutes fast is corrected by its calibration.
    expect(rows.filter((r) => r.device_serial === 'PSB0202').every((r) => r.clock_offset_ms === 420_000 && r.device_started_at! - r.started_at === 420_000)).toBe(true);
    expect(rows.some((r) => r.late_import === 1)).toBe(true);
    const spread = Math.max(...rows.map((r) => r.started_at)) - Math.min(...rows.map((r) => r.started_at));
    expect(spread).toBeGreaterThan(100 * 86_400_000);
    const imports = await app.db.kysely.selectFrom('audit_entries').select('subject_id').where('action', '=', 'recording.import').execute();
    expect(new Set(imports.map((e) => e.subject_id))).toEqual(new Set(rows.map((r) => r.id)));
    const thumbs = await app.db.kysely.selectFrom('derivatives').select('recording_id').where('kind', '=', 'thumbnails').execute();
    expect(thumbs).toHaveLength(RECORDINGS);
    const verified = await verifySite(app.db, app.auditRepo, app.blobs);
    expect(verified.problems).toEqual([]);
  });

  it('has cases with linked recordings, access requests in several states, retention marks, a hold, a proposed deletion and work records', async () => {
    const cases = await app.db.kysely.selectFrom('cases').select(['id', 'kind']).execute();
    expect(cases).toHaveLength(3);
    expect(new Set(cases.map((c) => c.kind))).toEqual(new Set(['case', 'activity']));
    expect(await app.db.kysely.selectFrom('case_recordings').select('case_id').execute()).toHaveLength(6);

    const requests = await app.db.kysely.selectFrom('access_requests').select(['status', 'revoked_at', 'expires_at']).execute();
    const states = requests.map((r) => stateOf(r, Date.now()));
    expect(states).toEqual(expect.arrayContaining(['approved', 'expired', 'pending', 'rejected']));
    expect(await app.db.kysely.selectFrom('access_uses').select('id').execute()).not.toHaveLength(0);

    expect(await app.db.kysely.selectFrom('long_term_marks').select('id').execute()).toHaveLength(1);
    expect(await app.db.kysely.selectFrom('legal_holds').select('id').execute()).toHaveLength(1);
    const batches = await app.db.kysely.selectFrom('deletion_batches').select(['id', 'status', 'kind']).execute();
    expect(batches).toEqual([expect.objectContaining({ status: 'proposed', kind: 'expired' })]);
    expect(await app.db.kysely.selectFrom('deletion_batch_items').select('recording_id').execute()).toHaveLength(2);

    const work = await app.db.kysely.selectFrom('work_records').select(['kind', 'status']).execute();
    expect(work).toEqual(expect.arrayContaining([{ kind: 'interrupted', status: 'approved' }, { kind: 'not_recorded', status: 'pending' }]));
  });

  it('passes `custodia verify`', async () => {
    const run = await cli(['verify', '--data', demoDir]);
    expect(run.code, run.stderr + run.stdout).toBe(0);
  });

  it('leaves a loaded demo as it is; refuses a site that is not new (leaving it untouched) and a configured DATABASE_URL', async () => {
    const size = (await app.ledger.state()).size;
    const again = await cli(['demo', '--data', demoDir, '--recordings', String(RECORDINGS)]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('already loaded');
    expect((await app.ledger.state()).size).toBe(size);

    const realDir = path.join(tmp.dir, 'data-real');
    const real = await open(realDir);
    try {
      // Only the bootstrap administrator: still new.
      await real.identity.addUser({ username: 'admin', password: 'real admin password', roles: ['admin'] }, null);
      expect(await demoRefusal(real.db.kysely)).toBeNull();
      await real.identity.addUser({ username: 'li.collector', password: 'real collector password', roles: ['collector'] }, null);
      expect(await demoRefusal(real.db.kysely)).toContain('li.collector');
    } finally {
      await real.close();
    }
    const refused = await cli(['demo', '--data', realDir, '--recordings', String(RECORDINGS)]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('the demo loads only into a new site');
    expect(refused.stderr).toContain('li.collector');
    const after = await open(realDir);
    try {
      expect(await readSiteMode(after.db.kysely)).toEqual({ demo: false });
      expect(await after.db.kysely.selectFrom('units').select('id').execute()).toHaveLength(1);
      const server = await buildServer(after);
      const res = await server.inject({ method: 'GET', url: '/api/health' });
      await server.close();
      expect(res.json()).toMatchObject({ demo: false, empty: true });
    } finally {
      await after.close();
    }

    // A load that did not finish spoils its folder, and says so.
    const halfDir = path.join(tmp.dir, 'data-half');
    const half = await open(halfDir);
    try {
      await markDemoSite(half.db, half.ledger, half.clock, { loadedAt: Date.now() });
    } finally {
      await half.close();
    }
    const spoiled = await cli(['demo', '--data', halfDir]);
    expect(spoiled.code).toBe(1);
    expect(spoiled.stderr).toContain('did not finish');

    const pg = await cli(['demo', '--data', path.join(tmp.dir, 'other')], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(pg.code).toBe(2);
    expect(pg.stderr).toContain('DATABASE_URL');
  }, 90_000);

  it('the web app names the same demo password as the loader', async () => {
    const banner = await readFile(path.resolve(import.meta.dirname, '../web/src/shell/demo-banner.tsx'), 'utf8');
    expect(banner).toContain(`DEMO_PASSWORD = '${DEMO_PASSWORD}'`);
  });
});
