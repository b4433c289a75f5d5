import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLeaf, type Leaf } from '../src/audit/leaf.js';
import type { DeviceView } from '../src/devices/index.js';
import { openApp } from '../src/app.js';
import { DEFAULT_AUTHORITY_SETTINGS, totpCode, type RoleId } from '../src/identity/index.js';
import { createLogger } from '../src/platform/log.js';
import { dialects, fixedClock, openTestApp, postgresSkipNote, type TestApp } from './support/app.js';
import { actorOf } from './support/grants.js';
import { listen, type Listening } from './support/http.js';

/**
 * The device desk over real HTTP on both dialects (issue 3, "Issue/return is a ledger too"): a
 * device can't be issued twice at once, returned twice, or issued while faulty or in repair; every
 * transition needs the right role, asks for a dynamic password when the settings say so, and
 * leaves exactly one ledger entry with the state before and after.
 */

const PASSWORD = 'devices test password';
const T0 = Date.UTC(2024, 2, 1, 0, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

postgresSkipNote();

describe.each(dialects())('device desk over HTTP (%s)', (dialect) => {
  let t: TestApp;
  let http: Listening;
  const clock = fixedClock(T0);
  const token: Record<string, string> = {};
  const userId: Record<string, string> = {};
  const unitId: Record<string, string> = {};

  const api = async (as: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
    const h: Record<string, string> = { authorization: `Bearer ${token[as]}`, ...headers };
    if (body !== undefined) h['content-type'] = 'application/json';
    const res = await fetch(`${http.base}${url}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> };
  };
  const leaves = async (): Promise<Leaf[]> => (await t.app.auditRepo.entriesPage(0, 1_000_000)).map((r) => decodeLeaf(r.leaf));
  const register = async (code: string, extra: Record<string, unknown> = {}, as = 'cust') => {
    const r = await api(as, 'POST', '/api/devices', { code, kind: 'body_worn', unitId: unitId.north, ...extra });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as unknown as DeviceView;
  };
  const issue = (id: string, officer = 'off1', extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    api('cust', 'POST', `/api/devices/${id}/issue`, { officerId: userId[officer], dueAt: clock.now() + 8 * HOUR, ...extra }, headers);
  const giveBack = (id: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) => api('cust', 'POST', `/api/devices/${id}/return`, { batteryPercent: 40, storageState: 'ok', ...extra }, headers);

  beforeAll(async () => {
    t = await openTestApp({ dialect, clock });
    unitId.root = (await t.app.identity.resolveUnit(undefined)).id;
    unitId.north = (await t.app.identity.addUnit({ code: 'north', name: 'North station' }, null)).id;
    unitId.north1 = (await t.app.identity.addUnit({ code: 'north-1', name: 'North team 1', parentCode: 'north' }, null)).id;
    unitId.south = (await t.app.identity.addUnit({ code: 'south', name: 'South station' }, null)).id;
    const people: Array<{ username: string; roles: RoleId[]; unitCode?: string; badge?: string }> = [
      { username: 'cust', roles: ['custodian'], unitCode: 'north' },
      { username: 'scust', roles: ['custodian'], unitCode: 'south' },
      { username: 'off1', roles: ['officer'], unitCode: 'north-1', badge: '200001' },
      { username: 'off2', roles: ['officer'], unitCode: 'north', badge: '200002' },
      { username: 'soff', roles: ['officer'], unitCode: 'south', badge: '300001' },
      { username: 'col', roles: ['collector'], unitCode: 'north' },
      { username: 'sup', roles: ['supervisor'] },
      { username: 'admin1', roles: ['admin'] },
    ];
    for (const p of people) {
      userId[p.username] = (await t.app.identity.addUser({ ...p, password: PASSWORD }, null)).id;
      token[p.username] = (await t.app.sessions.createToken(p.username, 'devices', null)).secret;
    }
    http = await listen(t);
  });

  afterAll(async () => {
    await http?.server.close();
    await t?.close();
  });

  it('registers a device (custodian) with one ledger entry; refuses a taken number, a wrong role (403, audited) and a unit outside the subtree', async () => {
    const before = (await leaves()).length;
    const d = await register('N-001', { serial: 'a123456', model: 'DSJ-A5S', assetNumber: 'GZ-2024-001', keeperId: userId.cust });
    expect(d).toMatchObject({ code: 'N-001', serial: 'A123456', status: 'in_store', unitId: unitId.north, keeperId: userId.cust, maintenanceIntervalDays: 90, loan: null });
    const added = (await leaves()).slice(before);
    expect(added.map((l) => l.action)).toEqual(['device.register']);
    expect(added[0]!.details).toMatchObject({ before: null, after: { code: 'N-001', status: 'in_store' } });

    expect((await api('cust', 'POST', '/api/devices', { code: 'N-001', kind: 'camera', unitId: unitId.north })).body).toMatchObject({ error: 'device_code_taken' });
    expect((await api('cust', 'POST', '/api/devices', { code: 'N-XXX', serial: 'A123456', kind: 'camera', unitId: unitId.north })).body).toMatchObject({ error: 'device_serial_taken' });

    const denied = await api('off2', 'POST', '/api/devices', { code: 'N-999', kind: 'camera', unitId: unitId.north });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ error: 'role_not_permitted' });
    const audit = (await leaves()).filter((l) => l.action === 'access.denied' && l.actor?.name === 'off2');
    expect(audit.at(-1)!.details).toMatchObject({ attempted: 'device.register', reason: 'role_not_permitted' });

    expect((await api('cust', 'POST', '/api/devices', { code: 'S-999', kind: 'camera', unitId: unitId.south })).status).toBe(403);
  });

  it('issue, issue again → 409, return, return again → 409; the open loan is shown and closed', async () => {
    const d = await register('N-002');
    const issued = await issue(d.id, 'off1', { check: { batteryPercent: 100, freeBytes: 30e9, clock: { clockOffsetMs: 2000 } } });
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    expect(issued.body).toMatchObject({ status: 'issued', clockOffsetMs: 2000, loan: { officerId: userId.off1, officer: { badge: '200001' }, dueAt: T0 + 8 * HOUR, overdue: false } });
    const again = await issue(d.id, 'off2');
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: 'device_already_issued' });

    clock.advance(HOUR);
    const back = await giveBack(d.id, { damage: 'scratched lens', clock: { deviceTime: clock.now() + 5000 } });
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    expect(back.body).toMatchObject({ status: 'in_store', loan: null, clockOffsetMs: 5000, clockCalibratedAt: clock.now() });
    const twice = await giveBack(d.id);
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ error: 'device_not_issued' });

    const h = await api('sup', 'GET', `/api/devices/${d.id}/history`);
    expect(h.status).toBe(200);
    const history = h.body as { loans: Array<Record<string, unknown>>; calibrations: Array<Record<string, unknown>>; checks: Array<Record<string, unknown>>; events: Array<Record<string, unknown>> };
    expect(history.loans).toHaveLength(1);
    expect(history.loans[0]).toMatchObject({ officerId: userId.off1, returnedAt: clock.now(), receivedBy: userId.cust });
    expect(history.calibrations.map((c) => [c.source, c.clockOffsetMs, c.deviceTime])).toEqual([
      ['return', 5000, clock.now() + 5000],
      ['pre_use', 2000, null],
    ]);
    expect(history.checks.map((c) => c.kind)).toEqual(['return', 'pre_use']);
    expect(history.checks[0]).toMatchObject({ batteryPercent: 40, storageState: 'ok', damage: 'scratched lens', passed: true });
    expect(history.events.map((e) => e.event)).toEqual(['return', 'issue', 'register']);
  });

  it('issues only to an active officer in the desk’s subtree', async () => {
    const d = await register('N-003');
    expect((await issue(d.id, 'col')).body).toMatchObject({ error: 'not_an_officer' });
    expect((await issue(d.id, 'soff')).status).toBe(404);
    expect((await api('cust', 'POST', `/api/devices/${d.id}/issue`, { officerBadge: '200002', dueAt: clock.now() - 1 })).body).toMatchObject({ error: 'due_at_invalid' });
    expect((await api('cust', 'POST', `/api/devices/${d.id}/issue`, { officerBadge: '200002', dueAt: clock.now() + HOUR })).status).toBe(201);
  });

  it('faulty and in repair: issue → 409 until it is back from repair; the holder may report a fault from the field', async () => {
    const d = await register('N-004');
    expect((await issue(d.id, 'off1')).status).toBe(201);
    // off1 sits in a team below the device's station: the open loan puts the device in reach.
    const fault = await api('off1', 'POST', `/api/devices/${d.id}/faults`, { cause: 'weather', description: 'heavy rain, lens fogged' });
    expect(fault.status, JSON.stringify(fault.body)).toBe(201);
    expect(fault.body).toMatchObject({ status: 'faulty', loan: { officerId: userId.off1 } });
    // Not another officer's device.
    expect((await api('off2', 'POST', `/api/devices/${d.id}/faults`, { cause: 'fault' })).status).toBe(409);
    expect((await api('soff', 'POST', `/api/devices/${d.id}/faults`, { cause: 'fault' })).status).toBe(404);
    expect((await api('cust', 'POST', `/api/devices/${d.id}/repair`, {})).body).toMatchObject({ error: 'device_on_loan' });
    expect((await giveBack(d.id)).body).toMatchObject({ status: 'faulty', loan: null });
    expect((await issue(d.id)).body).toMatchObject({ error: 'device_faulty' });

    const sent = await api('cust', 'POST', `/api/devices/${d.id}/repair`, { repairer: 'Vendor service centre', reference: 'RMA-17' });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ status: 'in_repair' });
    const inRepair = await issue(d.id);
    expect(inRepair.status).toBe(409);
    expect(inRepair.body).toMatchObject({ error: 'device_in_repair' });
    expect((await api('cust', 'POST', `/api/devices/${d.id}/retire`, { reason: 'old' })).body).toMatchObject({ error: 'device_in_repair' });

    const done = await api('cust', 'POST', `/api/devices/${d.id}/repair/done`, { outcome: 'repaired', notes: 'new seal' });
    expect(done.body).toMatchObject({ status: 'in_store', lastInspectedAt: clock.now() });
    expect((await api('cust', 'POST', `/api/devices/${d.id}/repair/done`, { outcome: 'repaired' })).body).toMatchObject({ error: 'device_not_in_repair' });
    const h = (await api('cust', 'GET', `/api/devices/${d.id}/history`)).body as { faults: Array<Record<string, unknown>>; repairs: Array<Record<string, unknown>> };
    expect(h.faults).toMatchObject([{ cause: 'weather', resolution: 'repaired', resolvedAt: clock.now() }]);
    expect(h.repairs).toMatchObject([{ repairer: 'Vendor service centre', outcome: 'repaired', receivedBy: userId.cust }]);

    // Retired is final.
    expect((await api('cust', 'POST', `/api/devices/${d.id}/retire`, { reason: 'replaced by a newer model' })).body).toMatchObject({ status: 'retired' });
    expect((await issue(d.id)).body).toMatchObject({ error: 'device_retired' });
  });

  it('two simultaneous issues of one device: exactly one 201', async () => {
    const d = await register('N-005');
    const results = await Promise.all(['off1', 'off2', 'off1', 'off2', 'off1', 'off2'].map((o) => issue(d.id, o)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 201)) expect(r).toMatchObject({ status: 409, body: { error: 'device_already_issued' } });
    const open = await t.app.db.kysely.selectFrom('device_loans').selectAll().where('device_id', '=', d.id).where('returned_at', 'is', null).execute();
    expect(open).toHaveLength(1);
    expect((await leaves()).filter((l) => l.action === 'device.issue' && l.subject?.id === d.id)).toHaveLength(1);
  });

  it.skipIf(dialect !== 'postgres')('two servers on one PostgreSQL database issuing the same devices at once: exactly one 201 per device', async () => {
    // A second process of a scaled site: its own pool, its own transactions, the same database.
    const other = await openApp(t.config, createLogger('silent'), { PATH: process.env.PATH }, clock);
    const otherHttp = await listen({ ...t, app: other });
    try {
      const devices = await Promise.all(['R-1', 'R-2', 'R-3', 'R-4', 'R-5'].map((c) => register(c)));
      const attempts = devices.flatMap((d) =>
        [http.base, otherHttp.base, http.base, otherHttp.base].map(async (base, i) => {
          const res = await fetch(`${base}/api/devices/${d.id}/issue`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token.cust}`, 'content-type': 'application/json' },
            body: JSON.stringify({ officerId: userId[i % 2 === 0 ? 'off1' : 'off2'], dueAt: clock.now() + HOUR }),
          });
          return { device: d.id, status: res.status, body: (await res.json()) as Record<string, unknown> };
        }),
      );
      const results = await Promise.all(attempts);
      for (const d of devices) {
        const mine = results.filter((r) => r.device === d.id);
        expect(mine.filter((r) => r.status === 201), JSON.stringify(mine)).toHaveLength(1);
        for (const r of mine.filter((x) => x.status !== 201)) expect(r).toMatchObject({ status: 409, body: { error: 'device_already_issued' } });
        const open = await t.app.db.kysely.selectFrom('device_loans').select('id').where('device_id', '=', d.id).where('returned_at', 'is', null).execute();
        expect(open).toHaveLength(1);
      }
    } finally {
      await otherHttp.server.close();
      await other.close();
    }
  });

  it('the database itself refuses a second open loan (unique partial index)', async () => {
    const d = await register('N-006');
    expect((await issue(d.id)).status).toBe(201);
    const row = { id: crypto.randomUUID(), device_id: d.id, officer_id: userId.off2!, issued_by: null, issued_at: clock.now(), due_at: clock.now() + HOUR, issue_notes: null, returned_at: null, received_by: null, return_notes: null };
    await expect(t.app.db.transact((trx) => trx.insertInto('device_loans').values(row).execute())).rejects.toThrow(/unique|UNIQUE/);
    expect((await giveBack(d.id)).status).toBe(200);
  });

  it('wrong role → 403 with the reason, audited; a device outside the subtree → 404', async () => {
    const d = await register('N-007');
    const byOfficer = await api('off2', 'POST', `/api/devices/${d.id}/issue`, { officerId: userId.off2, dueAt: clock.now() + HOUR });
    expect(byOfficer.status).toBe(403);
    expect(byOfficer.body).toMatchObject({ error: 'role_not_permitted' });
    const byAdmin = await api('admin1', 'GET', `/api/devices/${d.id}`);
    expect(byAdmin.status).toBe(403);
    const denials = (await leaves()).filter((l) => l.action === 'access.denied' && l.subject?.id === d.id);
    expect(denials.map((l) => [l.actor?.name, l.details.attempted, l.details.reason])).toEqual([
      ['off2', 'device.issue', 'role_not_permitted'],
      ['admin1', 'device.read', 'role_not_permitted'],
    ]);

    for (const [method, suffix, body] of [
      ['GET', '', undefined],
      ['GET', '/history', undefined],
      ['POST', '/issue', { officerId: userId.soff, dueAt: clock.now() + HOUR }],
      ['POST', '/return', {}],
      ['PATCH', '', { model: 'x' }],
    ] as const) {
      const r = await api('scust', method, `/api/devices/${d.id}${suffix}`, body);
      expect(r.status, `${method} ${suffix}`).toBe(404);
      expect(r.body).toMatchObject({ error: 'device_not_found' });
    }
    expect((await api('scust', 'GET', `/api/devices/${crypto.randomUUID()}`)).status).toBe(404);
    const southList = (await api('scust', 'GET', '/api/devices')).body.items as DeviceView[];
    expect(southList.map((x) => x.code)).not.toContain('N-007');
    const supList = (await api('sup', 'GET', '/api/devices')).body.items as DeviceView[];
    expect(supList.map((x) => x.code)).toContain('N-007');
  });

  it('every transition leaves exactly one ledger entry and one history row, with the state before and after', async () => {
    const d = await register('N-008', { serial: 'B765432' });
    const steps: Array<{ action: string; run: () => Promise<{ status: number; body: Record<string, unknown> }>; before: string; after: string }> = [
      { action: 'device.update', run: () => api('cust', 'PATCH', `/api/devices/${d.id}`, { model: 'DSJ-V2', maintenanceIntervalDays: 30, reason: 'label fixed' }), before: 'in_store', after: 'in_store' },
      { action: 'device.move', run: () => api('cust', 'POST', `/api/devices/${d.id}/move`, { unitId: unitId.north1 }), before: 'in_store', after: 'in_store' },
      { action: 'device.issue', run: () => issue(d.id, 'off1'), before: 'in_store', after: 'issued' },
      { action: 'device.check', run: () => api('cust', 'POST', `/api/devices/${d.id}/checks`, { kind: 'pre_use', batteryPercent: 90, clock: { clockOffsetMs: -1500 } }), before: 'issued', after: 'issued' },
      { action: 'device.report_fault', run: () => api('cust', 'POST', `/api/devices/${d.id}/faults`, { cause: 'battery' }), before: 'issued', after: 'faulty' },
      { action: 'device.return', run: () => giveBack(d.id), before: 'faulty', after: 'faulty' },
      { action: 'device.send_to_repair', run: () => api('cust', 'POST', `/api/devices/${d.id}/repair`, {}), before: 'faulty', after: 'in_repair' },
      { action: 'device.repair_done', run: () => api('cust', 'POST', `/api/devices/${d.id}/repair/done`, { outcome: 'not_repaired' }), before: 'in_repair', after: 'faulty' },
      { action: 'device.inspect', run: () => api('cust', 'POST', `/api/devices/${d.id}/checks`, { kind: 'inspection', passed: false, notes: 'battery swollen' }), before: 'faulty', after: 'faulty' },
      { action: 'device.retire', run: () => api('cust', 'POST', `/api/devices/${d.id}/retire`, { reason: 'battery cannot be replaced' }), before: 'faulty', after: 'retired' },
    ];
    for (const s of steps) {
      const n = (await leaves()).length;
      const events = await t.app.db.kysely.selectFrom('device_events').select('id').where('device_id', '=', d.id).execute();
      clock.advance(60_000);
      const r = await s.run();
      expect(r.status, `${s.action}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
      const added = (await leaves()).slice(n);
      expect(added.map((l) => l.action), s.action).toEqual([s.action]);
      expect(added[0]!.subject).toEqual({ type: 'device', id: d.id });
      expect(added[0]!.details, s.action).toMatchObject({ before: { status: s.before }, after: { status: s.after } });
      const eventsAfter = await t.app.db.kysely.selectFrom('device_events').selectAll().where('device_id', '=', d.id).orderBy('at', 'desc').execute();
      expect(eventsAfter).toHaveLength(events.length + 1);
      expect(eventsAfter[0]).toMatchObject({ status_before: s.before, status_after: s.after, ledger_seq: added[0]!.seq });
    }
    const update = (await leaves()).find((l) => l.action === 'device.update' && l.subject?.id === d.id)!;
    expect(update.details).toMatchObject({ before: { model: null, maintenance_interval_days: 90 }, after: { model: 'DSJ-V2', maintenance_interval_days: 30 } });
    expect(update.reason).toBe('label fixed');
    // A change that changes nothing is not a transition: no entry.
    const n = (await leaves()).length;
    expect((await api('cust', 'PATCH', `/api/devices/${d.id}`, { model: 'DSJ-V2' })).body).toMatchObject({ error: 'device_retired' });
    const d2 = await register('N-009');
    const m = (await leaves()).length;
    expect((await api('cust', 'PATCH', `/api/devices/${d2.id}`, { notes: null })).status).toBe(200);
    expect((await leaves()).length).toBe(m);
    expect(n).toBeLessThan(m);
  });

  it('overdue and maintenance-due lists, scoped to the unit subtree', async () => {
    const late = await register('N-010', { maintenanceIntervalDays: null });
    const fresh = await register('N-011', { maintenanceIntervalDays: 1 });
    const s = await api('scust', 'POST', '/api/devices', { code: 'S-001', kind: 'body_worn', unitId: unitId.south, maintenanceIntervalDays: 1 });
    expect(s.status).toBe(201);
    expect((await issue(late.id, 'off1', { dueAt: clock.now() + HOUR })).status).toBe(201);
    expect((await api('scust', 'POST', `/api/devices/${(s.body as unknown as DeviceView).id}/issue`, { officerId: userId.soff, dueAt: clock.now() + HOUR })).status).toBe(201);
    expect(((await api('cust', 'GET', '/api/devices/overdue')).body.items as DeviceView[]).map((x) => x.code)).not.toContain('N-010');

    clock.advance(2 * DAY);
    const overdueNorth = (await api('cust', 'GET', '/api/devices/overdue')).body.items as DeviceView[];
    expect(overdueNorth.map((x) => x.code)).toContain('N-010');
    expect(overdueNorth.map((x) => x.code)).not.toContain('S-001');
    expect(overdueNorth.find((x) => x.code === 'N-010')!.loan).toMatchObject({ overdue: true, officer: { username: 'off1' } });
    const overdueAll = (await api('sup', 'GET', '/api/devices/overdue')).body.items as DeviceView[];
    expect(overdueAll.map((x) => x.code)).toEqual(expect.arrayContaining(['N-010', 'S-001']));
    expect(((await api('sup', 'GET', `/api/devices/overdue?unit=${unitId.south}`)).body.items as DeviceView[]).map((x) => x.code)).not.toContain('N-010');

    const due = ((await api('cust', 'GET', '/api/devices/maintenance-due')).body.items as DeviceView[]).map((x) => x.code);
    expect(due).toContain('N-011');
    expect(due).not.toContain('N-010');
    expect(due).not.toContain('S-001');
    expect((await api('cust', 'POST', `/api/devices/${fresh.id}/checks`, { kind: 'inspection', batteryPercent: 100 })).status).toBe(201);
    expect(((await api('cust', 'GET', '/api/devices/maintenance-due')).body.items as DeviceView[]).map((x) => x.code)).not.toContain('N-011');
    // Faulty devices are always due.
    expect((await api('cust', 'POST', `/api/devices/${fresh.id}/faults`, { cause: 'storage', description: 'card unreadable' })).status).toBe(201);
    expect(((await api('cust', 'GET', '/api/devices/maintenance-due')).body.items as DeviceView[]).map((x) => x.code)).toContain('N-011');
  });

  it('allocation per unit in scope (class B by default)', async () => {
    const r = await api('cust', 'GET', '/api/devices/allocation');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ allocationClass: 'B', teamMinimum: 2 });
    const items = r.body.items as Array<Record<string, unknown>>;
    expect(items.map((i) => i.code)).toEqual(['north', 'north-1']);
    const north1 = items.find((i) => i.code === 'north-1')!;
    expect(north1).toMatchObject({ isTeam: true, officers: 1, teamRequired: 2 });
    const all = (await api('sup', 'GET', '/api/devices/allocation?class=A&teamMinimum=1')).body;
    expect(all).toMatchObject({ allocationClass: 'A', teamMinimum: 1 });
    expect((all.items as Array<Record<string, unknown>>).map((i) => i.code)).toEqual(['root', 'north', 'south', 'north-1']);
    expect((all.items as Array<Record<string, unknown>>)[0]).toMatchObject({ officers: 3, classRequired: 2 });
  });

  it('asks for a dynamic password at issue and return when the settings include issue_return; a code is spent once', async () => {
    await t.app.settings.setAuthority({ ...DEFAULT_AUTHORITY_SETTINGS, stepUpStages: ['issue_return'] }, null, null, null);
    try {
      const d = await register('N-012');
      const required = await issue(d.id);
      expect(required.status).toBe(403);
      expect(required.body).toMatchObject({ error: 'step_up_enrolment_required' });

      const actor = await actorOf(t.app, 'cust');
      const enrolment = await t.app.sessions.beginTotpEnrolment(actor, { ip: null });
      await t.app.sessions.confirmTotpEnrolment(actor, totpCode(enrolment.secret, clock.now()), { ip: null });
      clock.advance(30_000);
      expect((await issue(d.id)).body).toMatchObject({ error: 'step_up_required' });
      expect((await issue(d.id, 'off1', {}, { 'x-custodia-otp': '000000' })).body).toMatchObject({ error: 'step_up_invalid' });
      const code = totpCode(enrolment.secret, clock.now());
      const ok = await issue(d.id, 'off1', {}, { 'x-custodia-otp': code });
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);
      // The same code again: refused (no replay), nothing returned.
      const replay = await giveBack(d.id, {}, { 'x-custodia-otp': code });
      expect(replay.status).toBe(403);
      expect(replay.body).toMatchObject({ error: 'step_up_invalid' });
      clock.advance(30_000);
      const back = await giveBack(d.id, {}, { 'x-custodia-otp': totpCode(enrolment.secret, clock.now()) });
      expect(back.status, JSON.stringify(back.body)).toBe(200);
      // Other stages of the desk don't ask.
      expect((await api('cust', 'POST', `/api/devices/${d.id}/checks`, { kind: 'inspection' })).status).toBe(201);
      expect((await leaves()).filter((l) => l.action === 'auth.step_up_failed').length).toBeGreaterThanOrEqual(4);
    } finally {
      await t.app.settings.setAuthority(DEFAULT_AUTHORITY_SETTINGS, null, null, null);
    }
  });

  it('validates input at the edge', async () => {
    const d = await register('N-013');
    expect((await api('cust', 'POST', `/api/devices/${d.id}/issue`, { dueAt: clock.now() + HOUR })).status).toBe(400);
    expect((await api('cust', 'POST', '/api/devices', { code: 'bad code!', kind: 'body_worn', unitId: unitId.north })).body).toMatchObject({ error: 'device_code_invalid' });
    expect((await api('cust', 'POST', '/api/devices', { code: 'N-X', kind: 'toaster', unitId: unitId.north })).status).toBe(400);
    expect((await issue(d.id, 'off1', { check: { batteryPercent: 101 } })).status).toBe(400);
    expect((await issue(d.id, 'off1', { check: { clock: { clockOffsetMs: 1, deviceTime: 2 } } })).status).toBe(400);
    expect((await api('cust', 'GET', '/api/devices/not-a-uuid')).status).toBe(400);
  });
});
