import { mkdir, utimes } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLeaf, type Leaf } from '../src/audit/leaf.js';
import { CasesRepo, CasesService } from '../src/cases/index.js';
import type { RoleId } from '../src/identity/index.js';
import { dialects, makeVideo, openTestApp, postgresSkipNote, tempDir, type TestApp } from './support/app.js';
import { actorOf } from './support/grants.js';
import { listen, type Listening, okJson, tokenApi } from './support/http.js';

/**
 * Cases and work records (issue 4 items 4–5, R-CASE, R-INTERRUPT) over real HTTP: a case with the
 * interval its documents record, recordings of two devices linked and unlinked with ledger
 * entries, the time-consistency check by corrected time, scoping, and work records the head
 * decides (never their own).
 */

const PASSWORD = 'cases-test-password';
const T0 = Date.parse('2026-04-02T02:00:00Z');
const MIN = 60_000;

postgresSkipNote();

describe.each(dialects())('cases and work records (%s)', (dialect) => {
  let t: TestApp;
  let http: Listening;
  let media: { dir: string; cleanup(): Promise<void> };
  const token: Record<string, string> = {};
  const user: Record<string, string> = {};
  const unit: Record<string, string> = {};
  const rec: Record<string, string> = {};

  const api = tokenApi(() => http.base, token);
  const ok = okJson;
  const ledger = async (action: string): Promise<Leaf[]> => (await t.app.auditRepo.entriesPage(0, 1_000_000)).map((r) => decodeLeaf(r.leaf)).filter((l) => l.action === action);

  beforeAll(async () => {
    t = await openTestApp({ dialect });
    media = await tempDir('custodia-cases-');
    unit.north = (await t.app.identity.addUnit({ code: 'north', name: 'North' }, null)).id;
    unit.south = (await t.app.identity.addUnit({ code: 'south', name: 'South' }, null)).id;
    const people: Array<{ username: string; roles: RoleId[]; unitCode?: string; badge?: string }> = [
      { username: 'wang', roles: ['officer'], unitCode: 'north', badge: '500001' },
      { username: 'li', roles: ['officer'], unitCode: 'north', badge: '500002' },
      { username: 'zhou', roles: ['officer'], unitCode: 'south', badge: '500003' },
      { username: 'legal', roles: ['supervisor'], unitCode: 'north' },
      { username: 'head', roles: ['approver'], unitCode: 'north' },
      // A head who also goes out on duty: files work records, decides others', never their own.
      { username: 'duty-head', roles: ['officer', 'approver'], unitCode: 'north', badge: '500004' },
    ];
    for (const p of people) {
      user[p.username] = (await t.app.identity.addUser({ ...p, password: PASSWORD }, null)).id;
      token[p.username] = (await t.app.sessions.createToken(p.username, 'test', null)).secret;
    }
    // Two officers' recorders at one scene: wang's 02:00–02:10 and 02:12–02:20, li's 02:05–02:25 (device time = true time here).
    const plan = [
      { name: 'w1.mp4', device: 'DEV-W', badge: '500001', start: T0, seconds: 600 },
      { name: 'w2.mp4', device: 'DEV-W', badge: '500001', start: T0 + 12 * MIN, seconds: 480 },
      { name: 'l1.mp4', device: 'DEV-L', badge: '500002', start: T0 + 5 * MIN, seconds: 1200 },
    ];
    for (const p of plan) {
      const dir = path.join(media.dir, p.name);
      await mkdir(dir, { recursive: true });
      const file = path.join(dir, p.name);
      // A real video as long as the plan says (one frame a second keeps it quick to make), stamped with its start.
      await makeVideo(file, { seconds: p.seconds, size: '32x24', fps: 1, audio: false, creationTime: new Date(p.start).toISOString() });
      await utimes(file, new Date(p.start), new Date(p.start));
      const r = await t.app.ingest.importSource(dir, { sourceKind: 'folder', unitId: unit.north, station: 't', deviceSerial: p.device, officerBadge: p.badge, actor: null, meta: { ip: null } });
      rec[p.name] = r.files[0]!.recordingId!;
    }
    http = await listen(t);
  }, 120_000);

  afterAll(async () => {
    await http?.server.close();
    await t?.close();
    await media?.cleanup();
  });

  let caseId = '';

  it('opens a case, links recordings of two devices and checks them against the documents’ times', async () => {
    const created = await ok<{ id: string; status: string; consistency: { findings: Array<{ code: string }> } }>(
      await api('legal', 'POST', '/api/cases', {
        number: '北市监罚〔2026〕12号',
        title: 'Inspection of a restaurant',
        unitId: unit.north,
        supervisedParty: '某某餐饮有限公司',
        officerIds: [user.wang, user.li],
        documentsStartedAt: T0,
        documentsEndedAt: T0 + 20 * MIN,
      }),
      201,
    );
    caseId = created.id;
    expect(created.status).toBe('open');
    expect(created.consistency.findings).toEqual([{ code: 'no_recordings' }]);
    expect((await api('legal', 'POST', '/api/cases', { number: '北市监罚〔2026〕12号', title: 'dup', unitId: unit.north })).status).toBe(409);

    const linked = await ok<{ recordings: Array<{ id: string }>; consistency: { consistent: boolean; coverage: number; overlaps: unknown[]; gaps: unknown[]; findings: Array<{ code: string }> } }>(
      await api('wang', 'POST', `/api/cases/${caseId}/recordings`, { recordingIds: [rec['w1.mp4'], rec['w2.mp4']], note: 'my recorder' }),
    );
    expect(linked.recordings.map((r) => r.id)).toEqual([rec['w1.mp4'], rec['w2.mp4']]);
    // 02:10–02:12 is not covered by wang's recorder alone: a gap.
    expect(linked.consistency.findings.map((f) => f.code)).toContain('gap');

    const both = await ok<{ recordings: Array<{ id: string; deviceSerial: string }>; consistency: { consistent: boolean; coverage: number; overlaps: unknown[]; findings: Array<{ code: string }> } }>(
      await api('legal', 'POST', `/api/cases/${caseId}/recordings`, { recordingIds: [rec['l1.mp4'], rec['w1.mp4']] }),
    );
    expect(new Set(both.recordings.map((r) => r.deviceSerial))).toEqual(new Set(['DEV-W', 'DEV-L']));
    expect(both.consistency.coverage).toBe(1);
    expect(both.consistency.overlaps.length).toBeGreaterThan(0);
    // li's recording runs 5 minutes past the documents' end: outside the interval.
    expect(both.consistency.findings).toEqual([expect.objectContaining({ code: 'outside', recordingId: rec['l1.mp4'], afterMs: 5 * MIN })]);
    const links = (await ledger('case.link')).filter((l) => l.subject?.id === caseId);
    expect(links.map((l) => l.details.recordings)).toEqual([[rec['w1.mp4'], rec['w2.mp4']], [rec['l1.mp4']]]);

    const unlinked = await ok<{ recordings: Array<{ id: string }> }>(await api('legal', 'DELETE', `/api/cases/${caseId}/recordings/${rec['l1.mp4']}`, { reason: 'belongs to case 13' }));
    expect(unlinked.recordings.map((r) => r.id)).not.toContain(rec['l1.mp4']);
    expect((await ledger('case.unlink')).at(-1)).toMatchObject({ reason: 'belongs to case 13', details: { recording: rec['l1.mp4'] } });
    expect((await api('legal', 'DELETE', `/api/cases/${caseId}/recordings/${rec['l1.mp4']}`, { reason: 'again' })).status).toBe(404);
  });

  it('a case outside your subtree is not found; an officer links only recordings they may know', async () => {
    expect((await api('zhou', 'GET', `/api/cases/${caseId}`)).status).toBe(404);
    expect((await api('zhou', 'POST', `/api/cases/${caseId}/recordings`, { recordingIds: [rec['l1.mp4']] })).status).toBe(404);
    // wang may not know li's recording: linking it is "not found", not a hint that it exists.
    expect((await api('wang', 'POST', `/api/cases/${caseId}/recordings`, { recordingIds: [rec['l1.mp4']] })).status).toBe(404);
    const list = await ok<{ items: Array<{ id: string }> }>(await api('zhou', 'GET', '/api/cases'));
    expect(list.items).toEqual([]);
    const found = await ok<{ items: Array<{ id: string }> }>(await api('head', 'GET', '/api/cases?party=%E9%A4%90%E9%A5%AE'));
    expect(found.items.map((c) => c.id)).toEqual([caseId]);
  });

  it('closing a case is audited and stops new links until it is reopened', async () => {
    const closed = await ok<{ status: string; closedAt: number }>(await api('legal', 'PATCH', `/api/cases/${caseId}`, { status: 'closed', reason: 'penalty decided' }));
    expect(closed.status).toBe('closed');
    expect((await api('legal', 'POST', `/api/cases/${caseId}/recordings`, { recordingIds: [rec['l1.mp4']] })).status).toBe(409);
    expect((await ledger('case.close')).at(-1)).toMatchObject({ reason: 'penalty decided', details: { after: { status: 'closed' } } });
    await ok(await api('legal', 'PATCH', `/api/cases/${caseId}`, { status: 'open', reason: 'reconsideration' }));
    expect((await api('legal', 'PATCH', `/api/cases/${caseId}`, { documentsStartedAt: T0, documentsEndedAt: T0 - 1 })).status).toBe(400);
  });

  it('work records: an officer explains an interruption, the head decides, never their own', async () => {
    const filed = await ok<{ id: string; status: string; statedOnRestart: boolean }>(
      await api('wang', 'POST', '/api/work-records', { kind: 'interrupted', reason: 'device_fault', statedOnRestart: true, recordingId: rec['w1.mp4'], caseId, occurredAt: T0 + 10 * MIN }),
      201,
    );
    expect(filed).toMatchObject({ status: 'pending', statedOnRestart: true });
    expect((await api('wang', 'POST', '/api/work-records', { kind: 'interrupted', reason: 'device_fault', occurredAt: T0 })).status).toBe(400);
    expect((await api('wang', 'POST', '/api/work-records', { kind: 'not_recorded', reason: 'emergency', occurredAt: T0 })).status).toBe(400);
    // An officer files only for themselves.
    const forColleague = await api('wang', 'POST', '/api/work-records', { kind: 'not_recorded', reason: 'emergency', legalBasis: 'art. 8', officerId: user.li, occurredAt: T0 });
    expect(forColleague.status).toBe(403);
    expect(await forColleague.json()).toMatchObject({ error: 'not_own_work_record' });
    const other = await ok<{ id: string }>(await api('legal', 'POST', '/api/work-records', { kind: 'not_recorded', reason: 'emergency', legalBasis: '第八条', officerId: user.li, occurredAt: T0, activity: 'gas leak call-out' }), 201);

    // An officer may not decide at all (their role lacks it)…
    const byOfficer = await api('wang', 'POST', `/api/work-records/${filed.id}/decision`, { approve: true });
    expect(byOfficer.status).toBe(403);
    expect(await byOfficer.json()).toMatchObject({ error: 'role_not_permitted' });
    // …and a head who may decide others' never decides their own (the guard, not the role), audited.
    const own = await ok<{ id: string }>(await api('duty-head', 'POST', '/api/work-records', { kind: 'interrupted', reason: 'device_fault', statedOnRestart: false, occurredAt: T0 + 30 * MIN }), 201);
    const selfDecided = await api('duty-head', 'POST', `/api/work-records/${own.id}/decision`, { approve: true });
    expect(selfDecided.status).toBe(403);
    expect(await selfDecided.json()).toMatchObject({ error: 'self_approval_forbidden' });
    expect((await ledger('access.denied')).at(-1)).toMatchObject({ actor: { name: 'duty-head' }, subject: { type: 'work_record', id: own.id }, details: { attempted: 'work_record.approve', reason: 'self_approval_forbidden' } });
    await ok(await api('head', 'POST', `/api/work-records/${own.id}/decision`, { approve: true }));
    expect((await api('head', 'POST', `/api/work-records/${filed.id}/decision`, { approve: false })).status).toBe(400);
    const decided = await ok<{ status: string; decidedBy: string }>(await api('head', 'POST', `/api/work-records/${filed.id}/decision`, { approve: true, reason: 'explained on restart' }));
    expect(decided).toMatchObject({ status: 'approved', decidedBy: user.head });
    expect((await api('head', 'POST', `/api/work-records/${filed.id}/decision`, { approve: true })).status).toBe(409);
    await ok(await api('head', 'POST', `/api/work-records/${other.id}/decision`, { approve: false, reason: 'a recorder was at hand' }));

    const detail = await ok<{ workRecords: Array<{ id: string; status: string }> }>(await api('legal', 'GET', `/api/cases/${caseId}`));
    expect(detail.workRecords.map((w) => w.id)).toEqual([filed.id]);
    const mine = await ok<{ items: Array<{ officerId: string }> }>(await api('li', 'GET', '/api/work-records'));
    expect(mine.items.every((w) => w.officerId === user.li)).toBe(true);
    expect(mine.items).toHaveLength(1);
    expect((await ledger('work_record.approve')).map((l) => l.subject?.id)).toEqual([own.id, filed.id]);
    expect((await ledger('work_record.reject')).map((l) => l.reason)).toEqual(['a recorder was at hand']);
  });

  it('work records take their reasons from the regulation profile governing the officer’s unit (mingshan-hr)', async () => {
    // The service as the site wires it, with the regulation profiles (retention's ProfilesService) it reads the lists from.
    const cases = new CasesService(t.app.db, new CasesRepo(t.app.db), t.app.recordingsRepo, t.app.ledger, t.app.authz, t.app.identity, t.app.clock, t.app.profiles);
    await t.app.profiles.assign(null, unit.south!, 'mingshan-hr', undefined, 'test', { ip: null });
    const zhou = await actorOf(t.app, 'zhou');
    const meta = { ip: null };

    const lists = await cases.workRecordReasons(zhou, undefined, meta);
    expect(lists.profile).toBe('mingshan-hr@1');
    expect(lists.notRecorded.map((r) => r.id)).toEqual(['explosive_zone_without_proof_gear', 'secret_or_privacy', 'emergency', 'objective_impossibility', 'other']);
    expect(lists.interrupted.map((r) => r.id)).toEqual(['device_fault', 'bad_weather', 'battery_or_storage', 'location_change', 'other']);
    expect(lists.notRecorded[0]).toMatchObject({ label: { zh: '在爆炸危险区域实施执法检查未配备符合防爆规定的音像记录设备的' }, basis: '第五条（一）' });

    // The regulation's own exemptions are accepted, and the profile version that governed is in the ledger.
    for (const reason of ['explosive_zone_without_proof_gear', 'objective_impossibility']) {
      const w = await cases.fileWorkRecord(zhou, { kind: 'not_recorded', reason, legalBasis: '《名山区人力资源和社会保障局执法音像记录管理办法》第五条', occurredAt: T0, activity: 'boiler room inspection' }, meta);
      expect(w.reason).toBe(reason);
      expect((await ledger('work_record.file')).find((l) => l.subject?.id === w.id)?.details).toMatchObject({ reason, profile: 'mingshan-hr@1' });
    }
    await cases.fileWorkRecord(zhou, { kind: 'interrupted', reason: 'location_change', statedOnRestart: true, occurredAt: T0 }, meta);
    // A reason of the fixed list that this regulation does not name is refused, naming the list that governs.
    const refused = (await cases.fileWorkRecord(zhou, { kind: 'interrupted', reason: 'battery_exhausted', statedOnRestart: true, occurredAt: T0 }, meta).catch((e: unknown) => e)) as { code: string; details: { profile: string; allowed: string[] } };
    expect(refused).toMatchObject({ code: 'reason_invalid', details: { profile: 'mingshan-hr@1' } });
    expect(refused.details.allowed).toContain('battery_or_storage');
    await expect(cases.fileWorkRecord(zhou, { kind: 'not_recorded', reason: 'explosive_zone', legalBasis: 'x', occurredAt: T0 }, meta)).rejects.toMatchObject({ code: 'reason_invalid' });
    // "other" is always possible, with words.
    await expect(cases.fileWorkRecord(zhou, { kind: 'not_recorded', reason: 'other', legalBasis: 'x', occurredAt: T0 }, meta)).rejects.toMatchObject({ code: 'reason_text_required' });
    await cases.fileWorkRecord(zhou, { kind: 'not_recorded', reason: 'other', reasonText: 'the party refused entry', legalBasis: 'x', occurredAt: T0 }, meta);

    // A profile that enumerates no interruption reasons (traffic police) leaves the fixed list; its exemptions still govern.
    await t.app.profiles.assign(null, unit.south!, 'traffic-police', undefined, 'test', { ip: null });
    const traffic = await cases.workRecordReasons(zhou, undefined, meta);
    expect(traffic.profile).toBe('traffic-police@1');
    expect(traffic.interrupted.map((r) => r.id)).toContain('battery_exhausted');
    expect(traffic.notRecorded.map((r) => r.id)).toEqual(['weather_or_device_fault', 'other']);
  });
});
