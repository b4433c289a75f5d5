import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLeaf } from '../src/audit/index.js';
import type { DeviceView } from '../src/devices/index.js';
import type { RoleId } from '../src/identity/index.js';
import { DockWatcher, MassStorageDriver, type DockEvent } from '../src/ingest/index.js';
import type { RecordingView } from '../src/recordings/index.js';
import { dialects, fixedClock, makeVideo, openTestApp, postgresSkipNote, tempDir, type TestApp } from './support/app.js';
import { actorOf } from './support/grants.js';
import { listen, type Listening } from './support/http.js';

/**
 * Clock correction (issue 3, Must hold): a recorder whose clock ran 7 minutes fast is returned and
 * calibrated; its files, named by the recorder with its own (fast) time, are imported through the
 * real pipeline. Each recording keeps the device times and gets corrected times exactly 7 minutes
 * earlier, belongs to the officer who held the device then (when the name carries no badge), and
 * a search by time finds it by the corrected time, not the device time.
 */

const PASSWORD = 'devices clock password';
const MIN = 60_000;
const HOUR = 60 * MIN;
/** 2024-03-01 08:00 in Asia/Shanghai (the default zone of names), 00:00 UTC. */
const T0 = Date.UTC(2024, 2, 1, 0, 0, 0);
/** Local wall time on 2024-03-01 as a UTC instant. */
const local = (hh: number, mm: number, ss = 0) => T0 + (hh - 8) * HOUR + mm * MIN + ss * 1000;

postgresSkipNote();

/** A mass-storage recorder that also tells its clock when docked (vendor drivers can). */
class ClockReadingDriver extends MassStorageDriver {
  constructor(private readonly deviceNow: () => number) {
    super();
  }
  override readClock(): Promise<number | undefined> {
    return Promise.resolve(this.deviceNow());
  }
}

describe.each(dialects())('device clock calibration corrects imports (%s)', (dialect) => {
  let t: TestApp;
  let http: Listening;
  let media: { dir: string; cleanup(): Promise<void> };
  const clock = fixedClock(T0);
  const token: Record<string, string> = {};
  const userId: Record<string, string> = {};
  let north = '';

  const api = async <T = Record<string, unknown>>(as: string, method: string, url: string, body?: unknown) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token[as]}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${http.base}${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as T };
  };
  const search = async (as: string, from: number, to: number) => ((await api<{ items: RecordingView[] }>(as, 'GET', `/api/recordings?from=${from}&to=${to}&order=asc`)).body.items ?? []).map((r) => r.originalName);

  beforeAll(async () => {
    t = await openTestApp({ dialect, clock });
    media = await tempDir('custodia-clock-media-');
    north = (await t.app.identity.addUnit({ code: 'north', name: 'North station' }, null)).id;
    const people: Array<{ username: string; roles: RoleId[]; badge?: string }> = [
      { username: 'cust', roles: ['custodian'] },
      { username: 'wang', roles: ['officer'], badge: '012345' },
      { username: 'li', roles: ['officer'], badge: '054321' },
      { username: 'col', roles: ['collector'] },
      { username: 'sup', roles: ['supervisor'] },
    ];
    for (const p of people) {
      userId[p.username] = (await t.app.identity.addUser({ ...p, unitCode: 'north', password: PASSWORD }, null)).id;
      token[p.username] = (await t.app.sessions.createToken(p.username, 'clock', null)).secret;
    }
    http = await listen(t);
  });

  afterAll(async () => {
    await http?.server.close();
    await t?.close();
    await media?.cleanup();
  });

  it('a device 7 minutes fast: corrected times are exactly 7 minutes earlier, the holder is the officer, search uses corrected time', async () => {
    const reg = await api<DeviceView>('cust', 'POST', '/api/devices', { code: 'N-100', serial: 'A7F0001', kind: 'body_worn', unitId: north, model: 'DSJ-A7' });
    expect(reg.status).toBe(201);
    const id = reg.body.id;

    // 08:00 — issued to Wang with the clock set right (the pre-use check reads it: offset 0).
    const issued = await api<DeviceView>('cust', 'POST', `/api/devices/${id}/issue`, { officerBadge: '012345', dueAt: local(18, 0), check: { batteryPercent: 100, clock: { deviceTime: clock.now() } } });
    expect(issued.status).toBe(201);
    expect(issued.body.clockOffsetMs).toBe(0);

    // 12:00 — back at the desk; the screen shows 12:07: the clock ran 7 minutes fast.
    clock.set(local(12, 0));
    const returned = await api<DeviceView>('cust', 'POST', `/api/devices/${id}/return`, { batteryPercent: 35, storageState: 'ok', clock: { deviceTime: local(12, 7) } });
    expect(returned.status).toBe(200);
    expect(returned.body).toMatchObject({ status: 'in_store', clockOffsetMs: 7 * MIN, clockCalibratedAt: local(12, 0) });

    // 12:30 — the collection station imports what the recorder wrote, named with its own clock.
    clock.set(local(12, 30));
    const folder = path.join(media.dir, 'A7F0001');
    await mkdir(folder, { recursive: true });
    const names = {
      // device 09:07 = true 09:00, during Wang's loan; the name has no badge (plain stamp)
      morning: '20240301_090700_0001.MP4',
      // device 10:37 = true 10:30, GA/T 947 name with the serial and Li's badge (he borrowed it for a moment)
      withBadge: 'A7F0001_054321_20240301103700_0002.MP4',
      // device 11:52:30 = true 11:45:30: still out with Wang
      late: '20240301_115230_0003.MP4',
      // device 07:50 = true 07:50 (before the 08:00 calibration set the clock): nobody held it
      beforeIssue: '20240301_075000_0004.MP4',
    };
    let n = 0;
    for (const name of Object.values(names)) {
      // Distinct bytes per file (the same bytes would be one blob, imported once).
      await makeVideo(path.join(folder, name), { seconds: 2, size: `${160 + 16 * n++}x120` });
    }
    const collector = await actorOf(t.app, 'col');
    const result = await t.app.ingest.importSource(folder, { sourceKind: 'folder', unitId: north, deviceSerial: 'A7F0001', station: 'desk-1', actor: collector, meta: { ip: '127.0.0.1' } });
    expect(result.files.map((f) => [path.basename(f.path), f.status])).toEqual(Object.values(names).map((nm) => [nm, 'imported']).sort());

    const rec = async (name: string) => {
      const item = result.files.find((f) => path.basename(f.path) === name)!;
      return (await t.app.recordingsRepo.byId(item.recordingId!))!;
    };
    const expectations: Array<[string, number, number, string | null, string | null]> = [
      [names.morning, local(9, 7), 7 * MIN, 'wang', '012345'],
      [names.withBadge, local(10, 37), 7 * MIN, 'li', '054321'],
      [names.late, local(11, 52, 30), 7 * MIN, 'wang', '012345'],
      [names.beforeIssue, local(7, 50), 0, null, null],
    ];
    for (const [name, deviceStart, offset, officer, badge] of expectations) {
      const r = await rec(name);
      expect(r, name).toMatchObject({ device_serial: 'A7F0001', time_source: 'file_name', device_started_at: deviceStart, clock_offset_ms: offset, started_at: deviceStart - offset, officer_badge: badge, officer_id: officer ? userId[officer] : null });
      expect(r.device_ended_at, name).not.toBeNull();
      expect(r.ended_at, name).toBe(r.device_ended_at! - offset);
      expect(r.device_ended_at! - r.device_started_at!).toBe(r.duration_ms);
    }
    // A badge in the name that is not the holder's is kept, and flagged.
    expect(result.files.find((f) => path.basename(f.path) === names.withBadge)!.flags).toContain('holder_mismatch:name=054321,holder=012345');

    // Search by time uses the corrected time: 09:00–09:01 finds the morning file, 09:07–09:08 (its device time) does not.
    expect(await search('sup', local(9, 0), local(9, 1))).toEqual([names.morning]);
    expect(await search('sup', local(9, 7), local(9, 8))).toEqual([]);
    expect(await search('sup', local(10, 30), local(10, 31))).toEqual([names.withBadge]);
    expect(await search('sup', local(10, 37), local(10, 38))).toEqual([]);
    expect(await search('sup', local(11, 45), local(11, 46))).toEqual([names.late]);
    expect(await search('sup', local(9, 0), local(12, 0))).toEqual([names.morning, names.withBadge, names.late]);
    // The recording view shows both times side by side.
    const view = (await api<{ items: RecordingView[] }>('sup', 'GET', `/api/recordings?from=${local(9, 0)}&to=${local(9, 1)}`)).body.items[0]!;
    expect(view).toMatchObject({ deviceStartedAt: local(9, 7), startedAt: local(9, 0), clockOffsetMs: 7 * MIN, officerId: userId.wang });
    // Wang, an officer, sees the recordings made while he held the device — and not Li's.
    expect(await search('wang', local(7, 0), local(13, 0))).toEqual([names.morning, names.late]);

    // The ledger entry of each import carries the device time, the offset and the corrected time.
    const leaves = (await t.app.auditRepo.entriesPage(0, 1_000_000)).filter((l) => l.action === 'recording.import').map((l) => decodeLeaf(l.leaf));
    const morning = leaves.find((l) => l.details.name === names.morning)!;
    expect(morning.details).toMatchObject({ device: 'A7F0001', deviceStartedAt: local(9, 7), clockOffsetMs: 7 * MIN, startedAt: local(9, 0), officerId: userId.wang });
  });

  it('at the dock: a clock read from the docked recorder wins over the desk’s calibration; without one the calibration applies', async () => {
    const reg = await api<DeviceView>('cust', 'POST', '/api/devices', { code: 'N-101', serial: 'B7F0002', kind: 'body_worn', unitId: north });
    const id = reg.body.id;
    clock.set(local(13, 0));
    expect((await api('cust', 'POST', `/api/devices/${id}/issue`, { officerBadge: '054321', dueAt: local(20, 0) })).status).toBe(201);
    clock.set(local(16, 0));
    expect((await api('cust', 'POST', `/api/devices/${id}/return`, { clock: { clockOffsetMs: 7 * MIN } })).status).toBe(200);

    const events: DockEvent[] = [];
    const dockOnce = async (driver: MassStorageDriver, dock: string) => {
      const watcher = new DockWatcher(dock, driver, t.app.ingest, t.app.clock, t.app.log, {
        unitId: north,
        station: 'station-1',
        actor: null,
        meta: { ip: null },
        wipeSource: false,
        pollMs: 100_000,
        onEvent: (e) => events.push(e),
      });
      await watcher.poll();
      await watcher.poll();
      const imported = events.filter((e) => e.kind === 'imported');
      const last = imported[imported.length - 1];
      if (last?.kind !== 'imported') throw new Error(`nothing imported: ${JSON.stringify(events)}`);
      return last.result;
    };

    // A plain mass-storage recorder can't tell its clock: the desk's calibration (7 min) applies.
    const dockA = path.join(media.dir, 'dock-a');
    await mkdir(path.join(dockA, 'B7F0002', 'DCIM'), { recursive: true });
    await makeVideo(path.join(dockA, 'B7F0002', 'DCIM', '20240301_140700_0001.MP4'), { seconds: 1 });
    const a = await dockOnce(new MassStorageDriver(), dockA);
    const ra = (await t.app.recordingsRepo.byId(a.files[0]!.recordingId!))!;
    expect(ra).toMatchObject({ source_kind: 'dock', device_serial: 'B7F0002', device_started_at: local(14, 7), clock_offset_ms: 7 * MIN, started_at: local(14, 0), officer_id: userId.li, officer_badge: '054321' });

    // A driver that reads the device clock at docking: 3 minutes fast now, and that reading wins.
    const dockB = path.join(media.dir, 'dock-b');
    await mkdir(path.join(dockB, 'B7F0002', 'DCIM'), { recursive: true });
    await makeVideo(path.join(dockB, 'B7F0002', 'DCIM', '20240301_150300_0002.MP4'), { seconds: 1, size: '96x64' });
    const b = await dockOnce(new ClockReadingDriver(() => t.app.clock.now() + 3 * MIN), dockB);
    const docked = events.filter((e) => e.kind === 'docked').at(-1);
    expect(docked?.kind === 'docked' && docked.clockOffsetMs).toBe(3 * MIN);
    const rb = (await t.app.recordingsRepo.byId(b.files[0]!.recordingId!))!;
    expect(rb).toMatchObject({ device_started_at: local(15, 3), clock_offset_ms: 3 * MIN, started_at: local(15, 0), officer_id: userId.li });
  });

  it('files of an unregistered recorder keep the offset given with the import (none: 0) and a badge still names its officer', async () => {
    const folder = path.join(media.dir, 'unregistered');
    await mkdir(folder, { recursive: true });
    await makeVideo(path.join(folder, 'Z9Z9Z99_012345_20240301170000_0001.MP4'), { seconds: 1, size: '128x96' });
    const r = await t.app.ingest.importSource(folder, { sourceKind: 'folder', unitId: north, station: 't', actor: null, meta: { ip: null } });
    const row = (await t.app.recordingsRepo.byId(r.files[0]!.recordingId!))!;
    expect(row).toMatchObject({ device_serial: 'Z9Z9Z99', clock_offset_ms: 0, started_at: local(17, 0), officer_id: userId.wang, officer_badge: '012345' });
    expect(r.files[0]!.flags).toEqual([]);
  });
});
