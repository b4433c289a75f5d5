import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLeaf, type Leaf } from '../src/audit/leaf.js';
import type { RoleId } from '../src/identity/index.js';
import { dialects, openTestApp, postgresSkipNote, tempDir, type TestApp } from './support/app.js';
import { listen, type Listening } from './support/http.js';

/**
 * Issue 3, "Denials are 403 with a reason code and are themselves audited": the refusals a service
 * decides beyond the rule's own answer — nobody changes their own authority, files for a colleague
 * as an officer, decides their own work record, marks a recording above their own clearance, or
 * uploads into a unit outside their subtree — each answer 403 JSON with the reason as `error`, and
 * each writes the same `access.denied` ledger entry the rule's denials do.
 */

const PASSWORD = 'refusals-audited-password';

postgresSkipNote();

describe.each(dialects())('every refusal is a 403 with its reason, in the ledger (%s)', (dialect) => {
  let t: TestApp;
  let http: Listening;
  let src: { dir: string; cleanup(): Promise<void> };
  const token: Record<string, string> = {};
  const user: Record<string, string> = {};
  const unit: Record<string, string> = {};
  let recordingId = '';

  const api = (as: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${http.base}${url}`, {
      method,
      headers: { authorization: `Bearer ${token[as]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const denials = async (): Promise<Leaf[]> => (await t.app.auditRepo.entriesFiltered({ action: 'access.denied', order: 'asc', limit: 100_000 })).map((r) => decodeLeaf(r.leaf));

  /** Runs `attempt`, expects 403 `reason`, and returns the one new `access.denied` entry. */
  const refused = async (attempt: () => Promise<Response>, reason: string): Promise<Leaf> => {
    const before = (await denials()).length;
    const res = await attempt();
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ error: reason });
    const after = await denials();
    expect(after).toHaveLength(before + 1);
    const entry = after.at(-1)!;
    expect(entry.details).toMatchObject({ reason, concealed: false });
    return entry;
  };

  beforeAll(async () => {
    t = await openTestApp({ dialect });
    src = await tempDir('custodia-refusals-');
    unit.north = (await t.app.identity.addUnit({ code: 'north', name: 'North' }, null)).id;
    unit.south = (await t.app.identity.addUnit({ code: 'south', name: 'South' }, null)).id;
    const people: Array<{ username: string; roles: RoleId[]; unitCode?: string; badge?: string }> = [
      { username: 'admin', roles: ['admin'] },
      { username: 'wang', roles: ['officer'], unitCode: 'north', badge: '600001' },
      { username: 'li', roles: ['officer'], unitCode: 'north', badge: '600002' },
      // A head who also goes out on duty: may file a work record and decide others', never their own.
      { username: 'head', roles: ['officer', 'approver'], unitCode: 'north', badge: '600003' },
      { username: 'col', roles: ['collector'], unitCode: 'north' },
    ];
    for (const p of people) {
      user[p.username] = (await t.app.identity.addUser({ ...p, password: PASSWORD }, null)).id;
      token[p.username] = (await t.app.sessions.createToken(p.username, 'test', null)).secret;
    }
    await writeFile(path.join(src.dir, 'clip.mp4'), randomBytes(50_000));
    const r = await t.app.ingest.importSource(src.dir, { sourceKind: 'folder', unitId: unit.north, station: 't', actor: null, meta: { ip: null } });
    recordingId = r.files[0]!.recordingId!;
    http = await listen(t);
  });

  afterAll(async () => {
    await http?.server.close();
    await t?.close();
    await src?.cleanup();
  });

  it('the administrator changing their own authority, deactivating themselves, resetting their own password or authenticator', async () => {
    const self = `/api/users/${user.admin}`;
    for (const attempt of [
      () => api('admin', 'PATCH', self, { roles: ['admin', 'approver'] }),
      () => api('admin', 'PATCH', self, { clearance: 3 }),
      () => api('admin', 'POST', `${self}/deactivate`, { reason: 'leaving' }),
      () => api('admin', 'POST', `${self}/reset-password`, { reason: 'forgot it' }),
      () => api('admin', 'POST', `${self}/reset-authenticator`, { reason: 'lost phone' }),
    ]) {
      const entry = await refused(attempt, 'self_change_forbidden');
      expect(entry).toMatchObject({ actor: { id: user.admin, name: 'admin' }, subject: { type: 'user', id: user.admin }, details: { attempted: 'user.manage' } });
    }
    // A change of their own name is no change of authority.
    expect((await api('admin', 'PATCH', self, { displayName: 'Site administrator' })).status).toBe(200);
  });

  it('an officer filing a work record for a colleague', async () => {
    const entry = await refused(() => api('wang', 'POST', '/api/work-records', { kind: 'interrupted', reason: 'device_fault', statedOnRestart: true, officerId: user.li, occurredAt: Date.now() }), 'not_own_work_record');
    expect(entry).toMatchObject({ actor: { name: 'wang' }, subject: { type: 'user', id: user.li }, details: { attempted: 'work_record.file' } });
  });

  it('a head deciding the work record they filed', async () => {
    const filed = await api('head', 'POST', '/api/work-records', { kind: 'interrupted', reason: 'device_fault', statedOnRestart: true, occurredAt: Date.now() });
    expect(filed.status, await filed.clone().text()).toBe(201);
    const { id } = (await filed.json()) as { id: string };
    const entry = await refused(() => api('head', 'POST', `/api/work-records/${id}/decision`, { approve: true }), 'self_approval_forbidden');
    expect(entry).toMatchObject({ actor: { name: 'head' }, subject: { type: 'work_record', id }, details: { attempted: 'work_record.approve' } });
  });

  it('marking a recording above one’s own clearance', async () => {
    const entry = await refused(() => api('head', 'PUT', `/api/recordings/${recordingId}/sensitivity`, { level: 2, reason: 'commercial secrets' }), 'clearance_insufficient');
    expect(entry).toMatchObject({ actor: { name: 'head' }, subject: { type: 'recording', id: recordingId }, details: { attempted: 'recording.mark_sensitive' } });
    expect((await t.app.recordingsRepo.byId(recordingId))?.sensitivity).toBe(0);
  });

  it('an upload into a unit outside the uploader’s subtree', async () => {
    const metadata = `filename ${Buffer.from('x.mp4').toString('base64')},unit ${Buffer.from('south').toString('base64')}`;
    const entry = await refused(() => api('col', 'POST', '/api/uploads', undefined, { 'Tus-Resumable': '1.0.0', 'Upload-Length': '10', 'Upload-Metadata': metadata }), 'outside_unit_scope');
    expect(entry).toMatchObject({ actor: { name: 'col' }, subject: { type: 'unit', id: unit.south }, details: { attempted: 'recording.import' } });
  });
});
