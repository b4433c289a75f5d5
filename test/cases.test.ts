import { mkdir, utimes } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLeaf, type Leaf } from '../src/audit/leaf.js';
import type { RoleId } from '../src/identity/index.js';
import { dialects, makeVideo, openTestApp, postgresSkipNote, tempDir, type TestApp } from './support/app.js';
import { listen, type Listening } from './support/http.js';

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

  const api = async (as: string, method: string, url: string, body?: unknown) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token[as]}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetch(`${http.base}${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  };
  const ok = async <T>(res: Response, status = 200): Promise<T> => {
    expect(res.status, await res.clone().text()).toBe(status);
    return (await res.json()) as T;
  };
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
      await api('wang', 'POST', '/api/work-records', { kind: 'interrupted', reason: 'battery_exhausted', statedOnRestart: true, recordingId: rec['w1.mp4'], caseId, occurredAt: T0 + 10 * MIN }),
      201,
    );
    expect(filed).toMatchObject({ status: 'pending', statedOnRestart: true });
    expect((await api('wang', 'POST', '/api/work-records', { kind: 'interrupted', reason: 'battery_exhausted', occurredAt: T0 })).status).toBe(400);
    expect((await api('wang', 'POST', '/api/work-records', { kind: 'not_recorded', reason: 'emergency', occurredAt: T0 })).status).toBe(400);
    // An officer files only for themselves.
    expect((await api('wang', 'POST', '/api/work-records', { kind: 'not_recorded', reason: 'emergency', legalBasis: 'art. 8', officerId: user.li, occurredAt: T0 })).status).toBe(403);
    const other = await ok<{ id: string }>(await api('legal', 'POST', '/api/work-records', { kind: 'not_recorded', reason: 'explosive_zone', legalBasis: '第八条', officerId: user.li, occurredAt: T0, activity: 'gas station check' }), 201);

    expect((await api('wang', 'POST', `/api/work-records/${filed.id}/decision`, { approve: true })).status).toBe(403);
    expect((await api('head', 'POST', `/api/work-records/${filed.id}/decision`, { approve: false })).status).toBe(400);
    const decided = await ok<{ status: string; decidedBy: string }>(await api('head', 'POST', `/api/work-records/${filed.id}/decision`, { approve: true, reason: 'explained on restart' }));
    expect(decided).toMatchObject({ status: 'approved', decidedBy: user.head });
    expect((await api('head', 'POST', `/api/work-records/${filed.id}/decision`, { approve: true })).status).toBe(409);
    await ok(await api('head', 'POST', `/api/work-records/${other.id}/decision`, { approve: false, reason: 'no explosion-proof recorder was requested' }));

    const detail = await ok<{ workRecords: Array<{ id: string; status: string }> }>(await api('legal', 'GET', `/api/cases/${caseId}`));
    expect(detail.workRecords.map((w) => w.id)).toEqual([filed.id]);
    const mine = await ok<{ items: Array<{ officerId: string }> }>(await api('li', 'GET', '/api/work-records'));
    expect(mine.items.every((w) => w.officerId === user.li)).toBe(true);
    expect(mine.items).toHaveLength(1);
    expect((await ledger('work_record.approve')).map((l) => l.subject?.id)).toEqual([filed.id]);
    expect((await ledger('work_record.reject')).map((l) => l.reason)).toEqual(['no explosion-proof recorder was requested']);
  });
});
