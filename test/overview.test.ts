import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLeaf } from '../src/audit/leaf.js';
import type { RoleId } from '../src/identity/index.js';
import type { Overview } from '../src/supervision/index.js';
import { dialects, fixedClock, makeVideo, openTestApp, postgresSkipNote, tempDir, type TestApp } from './support/app.js';
import { actorOf } from './support/grants.js';
import { listen, type Listening } from './support/http.js';

/**
 * The overview (issue 5 dashboard, R-STATS) over real HTTP on both dialects: recordings and hours
 * per local day of the site's zone, on-time imports, devices issued/overdue/in repair, pending
 * approvals, storage kept and what the retention dry run would free — per unit subtree, within
 * the actor's clearance, each section only for the roles that reach it.
 */

const PASSWORD = 'overview-test-password';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** 2026-04-10 12:00 in Beijing (the site's zone). */
const NOW = Date.parse('2026-04-10T04:00:00Z');

postgresSkipNote();

/** DSJ recorder file name with its local (Beijing) start time. */
function dsjName(device: string, badge: string, at: number): string {
  const l = new Date(at + 8 * HOUR);
  const p = (n: number) => String(n).padStart(2, '0');
  return `DSJ_${device}_${badge}_${l.getUTCFullYear()}${p(l.getUTCMonth() + 1)}${p(l.getUTCDate())}_${p(l.getUTCHours())}${p(l.getUTCMinutes())}${p(l.getUTCSeconds())}.mp4`;
}

describe.each(dialects())('overview of a unit subtree (%s)', (dialect) => {
  let t: TestApp;
  let http: Listening;
  let media: { dir: string; cleanup(): Promise<void> };
  const clock = fixedClock(NOW - 800 * DAY);
  const token: Record<string, string> = {};
  const unit: Record<string, string> = {};
  const user: Record<string, string> = {};
  const rec: Record<string, string> = {};
  let n = 0;

  /** Imports one small real video stamped `at`, into `unitId`, while the clock says `importedAt`. */
  const importAt = async (key: string, unitId: string, device: string, badge: string, at: number, importedAt: number, seconds = 2) => {
    clock.set(importedAt);
    const dir = path.join(media.dir, `batch-${n++}`);
    await mkdir(dir, { recursive: true });
    await makeVideo(path.join(dir, dsjName(device, badge, at)), { seconds, size: '32x24', fps: 1, audio: false, title: key });
    const r = await t.app.ingest.importSource(dir, { sourceKind: 'folder', unitId, station: 't', actor: null, meta: { ip: null } });
    expect(r.files[0]?.status, r.files[0]?.error ?? '').toBe('imported');
    rec[key] = r.files[0]!.recordingId!;
  };
  const get = async (as: string, url: string): Promise<Response> => fetch(`${http.base}${url}`, { headers: { authorization: `Bearer ${token[as]}` } });
  const overview = async (as: string, query = ''): Promise<Overview> => {
    const res = await get(as, `/api/overview${query}`);
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as Overview;
  };

  beforeAll(async () => {
    t = await openTestApp({ dialect, clock });
    media = await tempDir('custodia-overview-');
    unit.root = (await t.app.identity.resolveUnit(undefined)).id;
    unit.north = (await t.app.identity.addUnit({ code: 'north', name: 'North' }, null)).id;
    unit.south = (await t.app.identity.addUnit({ code: 'south', name: 'South' }, null)).id;
    const people: Array<{ username: string; roles: RoleId[]; unitCode?: string; badge?: string; clearance?: 0 | 1 | 2 | 3 }> = [
      { username: 'chief', roles: ['supervisor', 'approver'], clearance: 3 },
      { username: 'legal', roles: ['supervisor'], unitCode: 'north' },
      { username: 'keeper', roles: ['custodian'], unitCode: 'north' },
      { username: 'admin', roles: ['admin'] },
      { username: 'wang', roles: ['officer'], unitCode: 'north', badge: '600001' },
      { username: 'disp', roles: ['dispatcher'], unitCode: 'north' },
    ];
    for (const p of people) {
      user[p.username] = (await t.app.identity.addUser({ ...p, password: PASSWORD }, null)).id;
      token[p.username] = (await t.app.sessions.createToken(p.username, 'test', null)).secret;
    }

    // Two years ago: two recordings of north, long expired by now (default profile: 12 months).
    await importAt('old1', unit.north, 'DEVA', '600001', NOW - 800 * DAY, NOW - 800 * DAY + HOUR);
    await importAt('old2', unit.north, 'DEVA', '600001', NOW - 799 * DAY, NOW - 799 * DAY + HOUR);
    // Three days ago (07 April, Beijing): two of north on time, one of south.
    await importAt('n1', unit.north, 'DEVA', '600001', NOW - 3 * DAY, NOW - 3 * DAY + HOUR, 3);
    await importAt('n2', unit.north, 'DEVB', '600002', NOW - 3 * DAY + 10 * 60_000, NOW - 3 * DAY + HOUR, 4);
    await importAt('s1', unit.south, 'DEVS', '600009', NOW - 3 * DAY, NOW - 3 * DAY + HOUR);
    // 06 April 23:50 Beijing (15:50 UTC): a north recording collected three days later, past its 24 hours.
    await importAt('late', unit.north, 'DEVB', '600002', Date.parse('2026-04-06T15:50:00Z'), NOW - HOUR, 5);
    // A privacy-sensitive recording of north: hidden from clearance 0.
    await importAt('secret', unit.north, 'DEVA', '600001', NOW - 2 * DAY, NOW - 2 * DAY + HOUR);
    clock.set(NOW - 2 * DAY + 2 * HOUR);
    await t.app.recordings.setSensitivity(await actorOf(t.app, 'chief'), rec.secret!, 1, 'a minor is seen', { ip: null });

    // Devices of north: one issued and due back yesterday (overdue), one in repair, one in store.
    const keeper = await actorOf(t.app, 'keeper');
    const meta = { ip: null };
    const d1 = await t.app.devices.registerDevice(keeper, { code: 'N-001', kind: 'body_worn', unitId: unit.north }, meta);
    const d2 = await t.app.devices.registerDevice(keeper, { code: 'N-002', kind: 'body_worn', unitId: unit.north }, meta);
    await t.app.devices.registerDevice(keeper, { code: 'N-003', kind: 'body_worn', unitId: unit.north }, meta);
    await t.app.devices.issueDevice(keeper, d1.id, { officerId: user.wang, dueAt: NOW - DAY }, meta);
    await t.app.devices.reportFault(keeper, d2.id, { cause: 'battery' }, meta);
    await t.app.devices.sendToRepair(keeper, d2.id, { repairer: 'vendor' }, meta);

    // Waiting for a decision: an access request and a work record of north.
    clock.set(NOW - HOUR);
    await t.app.access.request(await actorOf(t.app, 'legal'), { recordingIds: [rec.n1!], action: 'view', reason: 'complaint' }, meta);
    await t.app.cases.fileWorkRecord(await actorOf(t.app, 'wang'), { kind: 'interrupted', reason: 'battery_or_storage', statedOnRestart: true, occurredAt: NOW - 3 * DAY }, meta);
    clock.set(NOW);
    http = await listen(t);
  }, 180_000);

  afterAll(async () => {
    await http?.server.close();
    await t?.close();
    await media?.cleanup();
  });

  it('counts recordings and hours per local day, within the subtree and the clearance', async () => {
    const o = await overview('chief');
    expect(o).toMatchObject({ unitId: unit.root, timeZone: 'Asia/Shanghai', days: 30 });
    expect(o.recordings!.perDay).toHaveLength(30);
    expect(o.recordings!.perDay.at(-1)).toMatchObject({ date: '2026-04-10', from: Date.parse('2026-04-09T16:00:00Z') });
    const byDate = new Map(o.recordings!.perDay.map((d) => [d.date, d.recordings]));
    // 06 April 23:50 Beijing: the late one (a day boundary in UTC+8). 07 April: n1, n2 and s1. 08 April: the sensitive one (chief has clearance 3).
    expect(byDate.get('2026-04-06')).toBe(1);
    expect(byDate.get('2026-04-07')).toBe(3);
    expect(byDate.get('2026-04-08')).toBe(1);
    expect(byDate.get('2026-04-09')).toBe(0);
    expect(o.recordings!.total).toBe(5);
    const seconds = 3 + 4 + 2 + 5 + 2;
    expect(o.recordings!.hours).toBeCloseTo(seconds / 3600, 2);

    // North only, seen by its legal officer (clearance 0): the sensitive one is not counted.
    const north = await overview('legal');
    expect(north.unitId).toBe(unit.north);
    expect(north.recordings!.total).toBe(3);
    expect(new Map(north.recordings!.perDay.map((d) => [d.date, d.recordings])).get('2026-04-07')).toBe(2);
    // The chief narrows to south; a week's window leaves out nothing of it.
    const south = await overview('chief', `?unit=${unit.south}&days=7`);
    expect(south.recordings!.perDay).toHaveLength(7);
    expect(south.recordings!.total).toBe(1);
  });

  it('reports on-time imports against each recording’s deadline, within the clearance', async () => {
    const o = await overview('legal');
    // n1 and n2 on time, the late one late; the sensitive one (on time) is above legal's clearance.
    expect(o.timeliness).toEqual({ late: 1, onTime: 2, unknown: 0, onTimeRate: 2 / 3 });
    expect((await overview('chief')).timeliness).toMatchObject({ late: 1, onTime: 4 });
  });

  it('devices issued, overdue and in repair; pending approvals; storage and what expiry would free', async () => {
    const o = await overview('chief');
    expect(o.devices).toMatchObject({ issued: 1, overdue: 1, inRepair: 1, inStore: 1, total: 3 });
    expect(o.approvals).toEqual({ accessRequests: 1, workRecords: 1, deletionBatches: 0 });
    // Work records of the period: wang's interruption, waiting for the head.
    expect(o.workRecords).toEqual({
      total: 1,
      byKind: { interrupted: 1, notRecorded: 0 },
      byStatus: { pending: 1, approved: 0, rejected: 0 },
      byReason: [{ kind: 'interrupted', reason: 'battery_or_storage', count: 1 }],
      byOfficer: [{ officerId: user.wang, count: 1 }],
    });
    const sizes = await t.app.db.kysely.selectFrom('recordings').select(['id', 'size']).execute();
    const total = sizes.reduce((s, r) => s + Number(r.size), 0);
    const old = sizes.filter((r) => r.id === rec.old1 || r.id === rec.old2).reduce((s, r) => s + Number(r.size), 0);
    expect(o.storage).toEqual({ recordings: 7, bytes: total, expiredRecordings: 2, bytesToFree: old });

    await t.app.retention.proposeExpired(await actorOf(t.app, 'disp'), { ip: null });
    const after = await overview('chief');
    expect(after.approvals!.deletionBatches).toBe(1);
  });

  it('each role sees the sections it reaches; the request is in the rule’s trace and a refusal is audited', async () => {
    const keeper = await overview('keeper');
    expect(keeper.devices).toMatchObject({ overdue: 1 });
    expect(keeper.recordings).toBeNull();
    expect(keeper.timeliness).toBeNull();
    expect(keeper.storage).toBeNull();
    expect(keeper.approvals).toBeNull();
    expect(keeper.workRecords).toBeNull();

    const admin = await overview('admin');
    expect(admin.recordings).toBeNull();
    expect(admin.devices).toBeNull();
    expect(admin.storage).not.toBeNull();

    // An officer: their own recordings only (n1, old ones out of the window, the sensitive one hidden).
    const wang = await overview('wang');
    expect(wang.recordings!.total).toBe(1);

    // A unit outside one's subtree: refused, and the refusal is in the ledger.
    const res = await get('legal', `/api/overview?unit=${unit.south}`);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: 'outside_unit_scope' });
    const denied = (await t.app.auditRepo.entriesPage(0, 1_000_000)).map((e) => decodeLeaf(e.leaf)).filter((l) => l.action === 'access.denied' && l.actor?.name === 'legal');
    expect(denied.at(-1)?.details).toMatchObject({ attempted: 'recording.search', reason: 'outside_unit_scope' });
  });
});
