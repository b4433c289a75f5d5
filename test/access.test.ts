import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLeaf, type Leaf } from '../src/audit/leaf.js';
import { DEFAULT_AUTHORITY_SETTINGS, type RoleId } from '../src/identity/index.js';
import { dialects, fixedClock, makeVideo, openTestApp, postgresSkipNote, tempDir, type TestApp } from './support/app.js';
import { actorOf } from './support/grants.js';
import { listen, type Listening, tokenApi } from './support/http.js';

/**
 * Approval-gated access (issue 3, R-ACCESS, R-ACCESS-LOG, R-SECRET) over real HTTP: ask, approve
 * (narrowed, with an expiry), use, revoke, reject, withdraw; nobody approves their own request; an
 * approver decides only what lies in their subtree and clearance, and a request by an approver goes
 * to someone above or beside them; a request may cover all of a case's recordings; the reason comes
 * from the governing regulation's list; every step and every use is in the ledger; the access
 * register names who used what, when and why.
 */

const PASSWORD = 'access-test-password';
const START = Date.parse('2026-03-01T08:00:00Z');
const HOUR = 3600_000;

postgresSkipNote();

describe.each(dialects())('access requests and grants (%s)', (dialect) => {
  let t: TestApp;
  let http: Listening;
  let media: { dir: string; cleanup(): Promise<void> };
  const clock = fixedClock(START);
  const token: Record<string, string> = {};
  const rec: Record<string, string> = {};

  const api = tokenApi(() => http.base, token);
  const ledger = async (action: string): Promise<Leaf[]> => (await t.app.auditRepo.entriesPage(0, 1_000_000)).map((r) => decodeLeaf(r.leaf)).filter((l) => l.action === action);
  const ask = async (as: string, names: string[], action = 'view', extra: Record<string, unknown> = {}) => {
    const res = await api(as, 'POST', '/api/access-requests', { recordingIds: names.map((n) => rec[n]), action, reason: 'complaint', ...extra });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as { id: string; state: string; recordings: Array<{ id: string; granted: boolean }> };
  };
  const play = (as: string, name: string) => api(as, 'GET', `/api/recordings/${rec[name]}/content`);
  const errorOf = async (res: Response) => ((await res.json()) as { error: string }).error;
  const ids = async (as: string, scope: string) => ((await (await api(as, 'GET', `/api/access-requests?scope=${scope}`)).json()) as { items: Array<{ id: string }> }).items.map((i) => i.id);
  const person = async (p: { username: string; roles: RoleId[]; unitCode?: string; badge?: string; clearance?: 0 | 1 | 2 | 3 }) => {
    await t.app.identity.addUser({ ...p, password: PASSWORD }, null);
    token[p.username] = (await t.app.sessions.createToken(p.username, 'test', null)).secret;
  };
  /** Imports one small real recording into a unit (by code) under `name`. */
  const importInto = async (unitCode: string, name: string, badge?: string) => {
    const dir = path.join(media.dir, `${unitCode}-${name}`);
    await mkdir(dir, { recursive: true });
    await makeVideo(path.join(dir, name), { seconds: 1, size: '64x48', title: `${unitCode}/${name}` });
    const unit = await t.app.identity.resolveUnit(unitCode);
    const r = await t.app.ingest.importSource(dir, { sourceKind: 'folder', unitId: unit.id, station: 't', officerBadge: badge, actor: null, meta: { ip: null } });
    rec[name] = r.files[0]!.recordingId!;
    return rec[name];
  };

  beforeAll(async () => {
    t = await openTestApp({ dialect, clock });
    media = await tempDir('custodia-access-');
    await t.app.identity.addUnit({ code: 'north', name: 'North station' }, null);
    await t.app.identity.addUnit({ code: 'south', name: 'South station' }, null);
    const people: Array<{ username: string; roles: RoleId[]; unitCode?: string; badge?: string; clearance?: 0 | 1 | 2 | 3 }> = [
      { username: 'countyboss', roles: ['approver'], clearance: 3 },
      { username: 'northboss', roles: ['approver'], unitCode: 'north', clearance: 3 },
      { username: 'southboss', roles: ['approver'], unitCode: 'south', clearance: 3 },
      { username: 'legal', roles: ['supervisor'], unitCode: 'north' },
      { username: 'legal2', roles: ['supervisor'], unitCode: 'north', clearance: 1 },
      { username: 'disp', roles: ['dispatcher'], clearance: 3 },
      { username: 'wang', roles: ['officer'], unitCode: 'north', badge: '300001' },
      { username: 'li', roles: ['officer'], unitCode: 'north', badge: '300002' },
    ];
    for (const p of people) {
      await t.app.identity.addUser({ ...p, password: PASSWORD }, null);
      token[p.username] = (await t.app.sessions.createToken(p.username, 'test', null)).secret;
    }
    const north = await t.app.identity.resolveUnit('north');
    for (const [name, badge] of [
      ['a.mp4', '300001'],
      ['b.mp4', '300001'],
      ['c.mp4', '300002'],
    ] as const) {
      const dir = path.join(media.dir, name);
      await mkdir(dir, { recursive: true });
      await makeVideo(path.join(dir, name), { seconds: 1, size: name === 'a.mp4' ? '160x120' : name === 'b.mp4' ? '128x96' : '96x64' });
      const r = await t.app.ingest.importSource(dir, { sourceKind: 'folder', unitId: north.id, station: 't', officerBadge: badge, actor: null, meta: { ip: null } });
      rec[name] = r.files[0]!.recordingId!;
    }
    http = await listen(t);
  });

  afterAll(async () => {
    await http?.server.close();
    await t?.close();
    await media?.cleanup();
  });

  it('ask → pending → approve → play within the grant; the use is registered with its reason', async () => {
    expect(await errorOf(await play('legal', 'a.mp4'))).toBe('grant_required');
    const req = await ask('legal', ['a.mp4'], 'view', { reasonText: 'citizen complaint #17' });
    expect(req.state).toBe('pending');
    expect(await errorOf(await play('legal', 'a.mp4'))).toBe('grant_pending');

    const approved = await api('northboss', 'POST', `/api/access-requests/${req.id}/approve`, { expiresAt: START + 2 * HOUR });
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({ state: 'approved', expiresAt: START + 2 * HOUR, decidedBy: { username: 'northboss' } });

    const res = await play('legal', 'a.mp4');
    expect(res.status).toBe(200);
    expect(res.headers.get('custodia-grant')).toBe(req.id);
    expect(res.headers.get('custodia-grant-expires')).toBe(String(START + 2 * HOUR));
    await res.arrayBuffer();
    // The grant is for viewing only: the original is still refused.
    expect(await errorOf(await api('legal', 'GET', `/api/recordings/${rec['a.mp4']}/original`))).toBe('grant_required');

    const register = (await (await api('northboss', 'GET', `/api/access-register?recording=${rec['a.mp4']}`)).json()) as { items: Array<Record<string, unknown>> };
    expect(register.items).toHaveLength(1);
    expect(register.items[0]).toMatchObject({ user: { username: 'legal' }, requestId: req.id, reason: 'complaint', reasonText: 'citizen complaint #17', action: 'view', served: 'original' });
    const uses = await ledger('recording.playback');
    expect(uses.at(-1)).toMatchObject({ actor: { name: 'legal' }, subject: { type: 'recording', id: rec['a.mp4'] }, details: { request: req.id } });
    expect(register.items[0]!.ledgerSeq).toBe(uses.at(-1)!.seq);
    const steps = [...(await ledger('access.request')), ...(await ledger('access.approve'))].filter((l) => l.subject?.id === req.id);
    expect(steps.map((l) => l.action)).toEqual(['access.request', 'access.approve']);
  });

  it('a grant ends at its expiry and when it is revoked', async () => {
    const req = await ask('legal', ['b.mp4']);
    await api('northboss', 'POST', `/api/access-requests/${req.id}/approve`, { expiresAt: START + HOUR });
    expect((await play('legal', 'b.mp4')).status).toBe(200);
    clock.advance(HOUR);
    expect(await errorOf(await play('legal', 'b.mp4'))).toBe('grant_expired');
    expect(await ((await api('legal', 'GET', `/api/access-requests/${req.id}`)).json())).toMatchObject({ state: 'expired' });

    const again = await ask('legal', ['b.mp4']);
    await api('countyboss', 'POST', `/api/access-requests/${again.id}/approve`, {});
    expect((await play('legal', 'b.mp4')).status).toBe(200);
    expect((await api('legal', 'POST', `/api/access-requests/${again.id}/revoke`, { reason: 'mine' })).status).toBe(403);
    const revoked = await api('northboss', 'POST', `/api/access-requests/${again.id}/revoke`, { reason: 'review finished' });
    expect(revoked.status).toBe(200);
    expect(await errorOf(await play('legal', 'b.mp4'))).toBe('grant_revoked');
    expect((await api('northboss', 'POST', `/api/access-requests/${again.id}/revoke`, { reason: 'twice' })).status).toBe(409);
    expect((await ledger('access.revoke')).at(-1)).toMatchObject({ actor: { name: 'northboss' }, reason: 'review finished' });
  });

  it('nobody approves their own request, whatever their roles; another approver can', async () => {
    const req = await ask('northboss', ['a.mp4']);
    const self = await api('northboss', 'POST', `/api/access-requests/${req.id}/approve`, {});
    expect(self.status).toBe(403);
    expect(await errorOf(self)).toBe('self_approval_forbidden');
    expect((await ledger('access.denied')).some((l) => l.actor?.name === 'northboss' && l.details.reason === 'self_approval_forbidden')).toBe(true);
    // The inbox never offers one's own request.
    const inbox = (await (await api('northboss', 'GET', '/api/access-requests?scope=inbox')).json()) as { items: Array<{ id: string }> };
    expect(inbox.items.map((i) => i.id)).not.toContain(req.id);
    const county = (await (await api('countyboss', 'GET', '/api/access-requests?scope=inbox')).json()) as { items: Array<{ id: string }> };
    expect(county.items.map((i) => i.id)).toContain(req.id);
    expect((await api('countyboss', 'POST', `/api/access-requests/${req.id}/approve`, {})).status).toBe(200);
    expect((await api('countyboss', 'POST', `/api/access-requests/${req.id}/approve`, {})).status).toBe(409);
  });

  it('an approver of another unit does not even see the request', async () => {
    const req = await ask('legal', ['c.mp4']);
    const res = await api('southboss', 'POST', `/api/access-requests/${req.id}/approve`, {});
    expect(res.status).toBe(404);
    expect((await api('southboss', 'GET', `/api/access-requests/${req.id}`)).status).toBe(404);
    const inbox = (await (await api('southboss', 'GET', '/api/access-requests?scope=inbox')).json()) as { items: unknown[] };
    expect(inbox.items).toEqual([]);
    // Rejected by the right approver, with a reason the requester sees.
    expect((await api('northboss', 'POST', `/api/access-requests/${req.id}/reject`, { reason: '' })).status).toBe(400);
    expect((await api('northboss', 'POST', `/api/access-requests/${req.id}/reject`, { reason: 'no case number' })).status).toBe(200);
    expect(await ((await api('legal', 'GET', `/api/access-requests/${req.id}`)).json())).toMatchObject({ state: 'rejected', decisionReason: 'no case number' });
    expect(await errorOf(await play('legal', 'c.mp4'))).toBe('grant_required');
  });

  it('an approval can be narrowed to some of the recordings', async () => {
    const req = await ask('disp', ['a.mp4', 'b.mp4', 'c.mp4'], 'download');
    const narrowed = await api('countyboss', 'POST', `/api/access-requests/${req.id}/approve`, { recordingIds: [rec['c.mp4']] });
    expect(narrowed.status).toBe(200);
    const view = (await narrowed.json()) as { recordings: Array<{ id: string; granted: boolean }> };
    expect(view.recordings.filter((r) => r.granted).map((r) => r.id)).toEqual([rec['c.mp4']]);
    expect((await api('disp', 'GET', `/api/recordings/${rec['c.mp4']}/original`)).status).toBe(200);
    expect(await errorOf(await api('disp', 'GET', `/api/recordings/${rec['a.mp4']}/original`))).toBe('grant_required');
    // Narrowing to a recording the request does not name is refused.
    const other = await ask('disp', ['a.mp4'], 'download');
    expect((await api('countyboss', 'POST', `/api/access-requests/${other.id}/approve`, { recordingIds: [rec['b.mp4']] })).status).toBe(400);
  });

  it('expiry is bounded by the site setting and must lie ahead', async () => {
    const req = await ask('legal', ['c.mp4']);
    expect(await errorOf(await api('northboss', 'POST', `/api/access-requests/${req.id}/approve`, { expiresAt: clock.now() - 1 }))).toBe('expiry_in_past');
    const max = DEFAULT_AUTHORITY_SETTINGS.grantMaxHours * HOUR;
    expect(await errorOf(await api('northboss', 'POST', `/api/access-requests/${req.id}/approve`, { expiresAt: clock.now() + max + 1 }))).toBe('expiry_too_far');
    const ok = (await (await api('northboss', 'POST', `/api/access-requests/${req.id}/approve`, {})).json()) as { expiresAt: number };
    expect(ok.expiresAt).toBe(clock.now() + DEFAULT_AUTHORITY_SETTINGS.grantDefaultHours * HOUR);
  });

  it('officers ask only to view their own recordings; a copy is never granted to them', async () => {
    const copy = await api('wang', 'POST', '/api/access-requests', { recordingIds: [rec['a.mp4']], action: 'download', reason: 'complaint' });
    expect(copy.status).toBe(403);
    expect(await errorOf(copy)).toBe('content_not_permitted_for_role');
    const colleague = await api('wang', 'POST', '/api/access-requests', { recordingIds: [rec['c.mp4']], action: 'view', reason: 'complaint' });
    expect(colleague.status).toBe(404);
    const other = await api('wang', 'POST', '/api/access-requests', { recordingIds: [rec['a.mp4']], action: 'view', reason: 'other' });
    expect(await errorOf(other)).toBe('reason_text_required');
    const own = await ask('wang', ['a.mp4'], 'view');
    // Withdrawn before anyone decides: nothing to approve any more.
    expect((await api('li', 'POST', `/api/access-requests/${own.id}/withdraw`)).status).toBe(404);
    expect((await api('wang', 'POST', `/api/access-requests/${own.id}/withdraw`)).status).toBe(200);
    expect((await api('northboss', 'POST', `/api/access-requests/${own.id}/approve`, {})).status).toBe(409);
    const mine = (await (await api('wang', 'GET', '/api/access-requests?scope=mine')).json()) as { items: Array<{ id: string; state: string }> };
    expect(mine.items.find((i) => i.id === own.id)?.state).toBe('withdrawn');
  });

  it('sensitive recordings vanish for those without clearance, and need a higher approver', async () => {
    const set = await api('disp', 'PUT', `/api/recordings/${rec['c.mp4']}/sensitivity`, { level: 1, reason: 'minor visible' });
    expect(set.status).toBe(200);
    expect((await ledger('recording.sensitivity')).at(-1)).toMatchObject({ actor: { name: 'disp' }, reason: 'minor visible', details: { before: 0, after: 1 } });
    const seen = async (as: string) => ((await (await api(as, 'GET', '/api/recordings?limit=100')).json()) as { items: Array<{ id: string }> }).items.map((i) => i.id);
    expect(await seen('legal')).not.toContain(rec['c.mp4']);
    expect(await seen('legal2')).toContain(rec['c.mp4']);
    expect((await api('legal', 'GET', `/api/recordings/${rec['c.mp4']}`)).status).toBe(404);
    expect((await api('legal', 'POST', '/api/access-requests', { recordingIds: [rec['c.mp4']], action: 'view', reason: 'complaint' })).status).toBe(404);

    const req = await ask('legal2', ['c.mp4']);
    // A station's approver may not approve access to a sensitive recording (default: county level only).
    const station = await api('northboss', 'POST', `/api/access-requests/${req.id}/approve`, {});
    expect(station.status).toBe(403);
    expect(await errorOf(station)).toBe('approver_level_insufficient');
    expect((await api('countyboss', 'POST', `/api/access-requests/${req.id}/approve`, {})).status).toBe(200);
    expect((await play('legal2', 'c.mp4')).status).toBe(200);
    // Nobody marks above their own clearance.
    const tooHigh = await api('legal2', 'PUT', `/api/recordings/${rec['c.mp4']}/sensitivity`, { level: 2, reason: 'x' });
    expect(tooHigh.status).toBe(403);
    await api('disp', 'PUT', `/api/recordings/${rec['c.mp4']}/sensitivity`, { level: 0, reason: 'cleared after review' });
    expect(await seen('legal')).toContain(rec['c.mp4']);
  });

  it('a request by an approver goes to someone above or beside them, never below (bureau → station → team)', async () => {
    // The site's root is the county bureau; north is a station; north-team1 a team under it.
    await t.app.identity.addUnit({ code: 'north-team1', name: 'North team 1', parentCode: 'north' }, null);
    await person({ username: 'teamboss', roles: ['approver'], unitCode: 'north-team1', clearance: 3 });
    await person({ username: 'northdeputy', roles: ['approver'], unitCode: 'north', clearance: 3 });
    await person({ username: 'teamlegal', roles: ['supervisor'], unitCode: 'north-team1' });
    await importInto('north-team1', 'team.mp4');

    // The station's approver asks for a team recording: the team's approver (below) may not decide.
    const req = await ask('northboss', ['team.mp4']);
    expect(await ids('teamboss', 'inbox')).not.toContain(req.id);
    const below = await api('teamboss', 'POST', `/api/access-requests/${req.id}/approve`, {});
    expect(below.status).toBe(403);
    expect(await errorOf(below)).toBe('approver_below_requester');
    const belowReject = await api('teamboss', 'POST', `/api/access-requests/${req.id}/reject`, { reason: 'no' });
    expect(await errorOf(belowReject)).toBe('approver_below_requester');
    expect((await ledger('access.denied')).some((l) => l.actor?.name === 'teamboss' && l.details.reason === 'approver_below_requester' && l.details.request === req.id)).toBe(true);
    // The team's approver may still see it among all requests of their units; only deciding is not theirs.
    expect(await ids('teamboss', 'all')).toContain(req.id);
    // Beside (another approver of the station) and above (the county) may decide.
    expect(await ids('northdeputy', 'inbox')).toContain(req.id);
    expect(await ids('countyboss', 'inbox')).toContain(req.id);
    const beside = await api('northdeputy', 'POST', `/api/access-requests/${req.id}/approve`, {});
    expect(beside.status, await beside.clone().text()).toBe(200);
    expect(await beside.json()).toMatchObject({ state: 'approved', decidedBy: { username: 'northdeputy' } });

    // Above: the county decides a station approver's request.
    const again = await ask('northboss', ['team.mp4'], 'download');
    expect((await api('countyboss', 'POST', `/api/access-requests/${again.id}/approve`, {})).status).toBe(200);

    // The team approver's own request goes up to the station, whose approvers may decide it.
    const up = await ask('teamboss', ['team.mp4']);
    expect(await ids('northboss', 'inbox')).toContain(up.id);
    expect((await api('northboss', 'POST', `/api/access-requests/${up.id}/reject`, { reason: 'ask the station first' })).status).toBe(200);

    // Someone who approves nothing is decided by any approver with authority, the team's included.
    const plain = await ask('teamlegal', ['team.mp4']);
    expect(await ids('teamboss', 'inbox')).toContain(plain.id);
    expect((await api('teamboss', 'POST', `/api/access-requests/${plain.id}/approve`, {})).status).toBe(200);
  });

  it('a request may cover all of a case’s recordings the requester may know about, and shows the case', async () => {
    const disp = await actorOf(t.app, 'disp');
    const north = await t.app.identity.resolveUnit('north');
    const opened = await t.app.cases.create(disp, { number: '北刑〔2026〕17号', kind: 'case', title: 'Theft at the market', unitId: north.id }, { ip: null });
    await t.app.cases.link(disp, opened.id, [rec['a.mp4']!, rec['b.mp4']!, rec['c.mp4']!], null, { ip: null });

    // Officer wang knows only his own recordings (a, b): the request covers those, c is not even named.
    const res = await api('wang', 'POST', '/api/access-requests', { caseId: opened.id, action: 'view', reason: 'complaint' });
    expect(res.status, await res.clone().text()).toBe(201);
    const req = (await res.json()) as { id: string; case: unknown; recordings: Array<{ id: string }>; hiddenRecordings: number };
    expect(req.recordings.map((r) => r.id).sort()).toEqual([rec['a.mp4'], rec['b.mp4']].sort());
    expect(req.hiddenRecordings).toBe(0);
    expect(req.case).toEqual({ id: opened.id, number: '北刑〔2026〕17号', title: 'Theft at the market' });
    expect(JSON.stringify(req)).not.toContain(rec['c.mp4']);
    const entry = (await ledger('access.request')).find((l) => l.subject?.id === req.id)!;
    expect(entry.details.case).toBe(opened.id);
    expect([...(entry.details.recordings as string[])].sort()).toEqual([rec['a.mp4'], rec['b.mp4']].sort());
    expect(JSON.stringify(entry.details)).not.toContain(rec['c.mp4']);

    // The approver sees the case on the request, and in the list.
    expect(await ((await api('northboss', 'GET', `/api/access-requests/${req.id}`)).json())).toMatchObject({ case: { id: opened.id, number: '北刑〔2026〕17号' } });
    const mine = (await (await api('wang', 'GET', '/api/access-requests?scope=mine')).json()) as { items: Array<{ id: string; case: { id: string } | null }> };
    expect(mine.items.find((i) => i.id === req.id)?.case?.id).toBe(opened.id);
    // A supervisor with the same unit asks for all three.
    const all = await ask('legal', [], 'view', { recordingIds: undefined, caseId: opened.id });
    expect(all.recordings).toHaveLength(3);

    // Recordings or a case, not both; a case outside one's units does not exist for them.
    expect((await api('legal', 'POST', '/api/access-requests', { caseId: opened.id, recordingIds: [rec['a.mp4']], action: 'view', reason: 'complaint' })).status).toBe(400);
    expect((await api('southboss', 'POST', '/api/access-requests', { caseId: opened.id, action: 'view', reason: 'complaint' })).status).toBe(404);
    expect((await api('legal', 'POST', '/api/access-requests', { caseId: '0190a0a0-0000-7000-8000-000000000000', action: 'view', reason: 'complaint' })).status).toBe(404);
    // A case with nothing the requester could ask for is refused as such.
    const empty = await t.app.cases.create(disp, { number: '北刑〔2026〕18号', kind: 'case', title: 'Nothing linked', unitId: north.id }, { ip: null });
    expect(await errorOf(await api('legal', 'POST', '/api/access-requests', { caseId: empty.id, action: 'view', reason: 'complaint' }))).toBe('case_without_recordings');
    // The reasons for a case's recordings are asked the same way.
    expect((await api('legal', 'GET', `/api/access-reasons?case=${opened.id}`)).status).toBe(200);
  });

  it('the reason comes from the list of the profile assigned to the recordings’ units; the fixed list elsewhere', async () => {
    await t.app.identity.addUnit({ code: 'traffic', name: 'Traffic brigade' }, null);
    await t.app.identity.addUnit({ code: 'traffic-1', name: 'Traffic squad 1', parentCode: 'traffic' }, null);
    const traffic = await t.app.identity.resolveUnit('traffic');
    await t.app.profiles.assign(null, traffic.id, 'traffic-police', undefined, 'the brigade’s regulation', { ip: null });
    // A recording of a unit below the assignment follows it too.
    await importInto('traffic-1', 'road.mp4');
    const reasons = async (query: string) => (await (await api('disp', 'GET', `/api/access-reasons?${query}`)).json()) as { items: Array<{ id: string; label: { zh: string; en: string }; requiresText: boolean }>; profiles: string[] };

    const road = await reasons(`recordings=${rec['road.mp4']}`);
    expect(road.items.map((r) => [r.id, r.requiresText])).toEqual([
      ['work_need', true],
      ['other', true],
    ]);
    expect(road.items[0]!.label.zh).toBe('因工作需要');
    expect(road.profiles).toHaveLength(1);
    expect(road.profiles[0]).toMatch(/^traffic-police@\d+$/);
    // Where no profile is assigned: the fixed list.
    const plain = await reasons(`recordings=${rec['a.mp4']}`);
    expect(plain.items.map((r) => r.id)).toEqual(['complaint', 'reconsideration_litigation', 'quality_assessment', 'court_procuratorate', 'case_handling', 'other']);
    expect(plain.profiles).toEqual([]);
    // Across both: what both allow.
    expect((await reasons(`recordings=${rec['road.mp4']},${rec['a.mp4']}`)).items.map((r) => r.id)).toEqual(['other']);
    // The list is not a way to learn of recordings one may not know.
    expect((await api('wang', 'GET', `/api/access-reasons?recordings=${rec['road.mp4']}`)).status).toBe(404);
    expect((await api('disp', 'GET', '/api/access-reasons')).status).toBe(400);

    const refused = await api('disp', 'POST', '/api/access-requests', { recordingIds: [rec['road.mp4']], action: 'view', reason: 'complaint' });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'reason_not_allowed', details: { allowed: ['work_need', 'other'] } });
    expect(await errorOf(await api('disp', 'POST', '/api/access-requests', { recordingIds: [rec['road.mp4']], action: 'view', reason: 'work_need' }))).toBe('reason_text_required');
    const asked = await api('disp', 'POST', '/api/access-requests', { recordingIds: [rec['road.mp4']], action: 'view', reason: 'work_need', reasonText: '事故复核' });
    expect(asked.status, await asked.clone().text()).toBe(201);
    const view = (await asked.json()) as { id: string; reason: string; reasonLabel: { zh: string; en: string } | null };
    expect(view).toMatchObject({ reason: 'work_need', reasonLabel: { zh: '因工作需要', en: 'Work need' } });
    expect((await ledger('access.request')).find((l) => l.subject?.id === view.id)?.details).toMatchObject({ reason: 'work_need', reasonFrom: road.profiles });
    // Requests under the fixed list carry its labels.
    const fixed = await ask('legal', ['a.mp4']);
    expect(await ((await api('legal', 'GET', `/api/access-requests/${fixed.id}`)).json())).toMatchObject({ reason: 'complaint', reasonLabel: { zh: '投诉举报核查', en: 'Complaint' } });
  });

  it('step-up: when the settings say so, approving needs a fresh dynamic password', async () => {
    await t.app.settings.setAuthority({ ...DEFAULT_AUTHORITY_SETTINGS, stepUpStages: ['approve'] }, null, null, 'test');
    try {
      const req = await ask('legal', ['a.mp4']);
      const res = await api('countyboss', 'POST', `/api/access-requests/${req.id}/approve`, {});
      expect(res.status).toBe(403);
      expect(await errorOf(res)).toBe('step_up_enrolment_required');
      expect((await ledger('auth.step_up_failed')).at(-1)).toMatchObject({ actor: { name: 'countyboss' }, details: { stage: 'approve' } });
    } finally {
      await t.app.settings.setAuthority(DEFAULT_AUTHORITY_SETTINGS, null, null, 'test');
    }
  });
});
