import { createReadStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLeaf } from '../src/audit/leaf.js';
import type { RouteAuth } from '../src/http/types.js';
import { totpCode, type AuthzTraceEntry, type RoleId } from '../src/identity/index.js';
import { makeVideo, openTestApp, tempDir, type TestApp } from './support/app.js';
import { actorOf, grantAccess } from './support/grants.js';
import { listen, routeList, type Listening } from './support/http.js';

/**
 * Every route asks the authorization rule (issue 3, "used by every route"). The server notes each
 * decision per request; this suite calls every registered /api route with a valid request and
 * fails when a `user` route answered without asking — or when a route has no example here, so a
 * new route can't slip past. A route that forgets to ask is refused by the server itself (500
 * `authorization_not_checked`, body withheld), which the second suite proves with a forgetful route.
 */

const PASSWORD = 'route-authz-password';

/**
 * The only routes that do not ask the rule, each named with why. A route declared `public` or
 * `self` that is not listed here fails the sweep, so none can join them silently.
 */
const PUBLIC_ROUTES: Readonly<Record<string, string>> = {
  'GET /api/health': 'liveness for probes and load balancers; names no record',
  'GET /api/openapi.json': 'the API description; names no record',
  'POST /api/auth/login': 'sign-in itself: there is no actor to ask about yet (failures are audited and throttled)',
};
/**
 * `self`: signed in, acting only on the caller's own account (`req.actor`), taking no id of anyone
 * or anything else, so there is no subject to authorize. The rule has no own-account action to ask
 * (authorization.ts would need one, e.g. `account.self`); these stay open to someone who must
 * change their password first, which is how that is done.
 */
const SELF_ROUTES: Readonly<Record<string, string>> = {
  'GET /api/auth/me': "the caller's own account, as their session already resolved it",
  'POST /api/auth/logout': "ends the caller's own session",
  'POST /api/auth/logout-everywhere': "ends the caller's own sessions, every device",
  'POST /api/auth/password': "changes the caller's own password, proven by the current one (audited, failures too)",
  'POST /api/auth/totp/enrol': "starts enrolling the caller's own authenticator (audited)",
  'POST /api/auth/totp/confirm': "confirms the caller's own authenticator with a code from it (audited, failures too)",
  'POST /api/auth/totp/remove': "removes the caller's own authenticator, proven by a current code from it (audited, failures too)",
};

interface Observation {
  method: string;
  route: string;
  auth: RouteAuth | undefined;
  status: number;
  trace: readonly AuthzTraceEntry[];
}

describe('every /api route asks the authorization rule', () => {
  let t: TestApp;
  let http: Listening;
  let media: { dir: string; cleanup(): Promise<void> };
  const seen: Observation[] = [];
  const token: Record<string, string> = {};
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await openTestApp();
    media = await tempDir('custodia-route-authz-');
    const north = await t.app.identity.addUnit({ code: 'north', name: 'North' }, null);
    ids.north = north.id;
    const people: Array<{ username: string; roles: RoleId[]; unitCode?: string; badge?: string }> = [
      { username: 'admin1', roles: ['admin'] },
      { username: 'disp', roles: ['dispatcher'] },
      { username: 'appr', roles: ['approver'] },
      { username: 'sup', roles: ['supervisor'] },
      { username: 'col', roles: ['collector'] },
      { username: 'cust', roles: ['custodian'] },
      { username: 'off', roles: ['officer'], unitCode: 'north', badge: '100001' },
      { username: 'target', roles: ['officer'], unitCode: 'north', badge: '100002' },
      { username: 'selfie', roles: ['officer'], unitCode: 'north', badge: '100003' },
    ];
    for (const p of people) {
      const u = await t.app.identity.addUser({ ...p, password: PASSWORD }, null);
      ids[p.username] = u.id;
      token[p.username] = (await t.app.sessions.createToken(p.username, 'authz', null)).secret;
    }
    ids.root = (await t.app.identity.resolveUnit(undefined)).id;
    const folder = path.join(media.dir, 'dock');
    await mkdir(folder, { recursive: true });
    await makeVideo(path.join(folder, 'one.mp4'), { seconds: 1 });
    await makeVideo(path.join(folder, 'two.mp4'), { seconds: 1, size: '96x64' });
    const r = await t.app.ingest.importSource(folder, { sourceKind: 'folder', unitId: north.id, station: 't', actor: null, meta: { ip: null } });
    ids.rec1 = r.files[0]!.recordingId!;
    ids.rec2 = r.files[1]!.recordingId!;
    await t.app.jobs.runUntilIdle();
    http = await listen(t, { observeAuthz: (o) => seen.push(o) });
  });

  afterAll(async () => {
    await http?.server.close();
    await t?.close();
    await media?.cleanup();
  });

  const call = async (as: string, method: string, url: string, body?: unknown): Promise<Response> => {
    const headers: Record<string, string> = { authorization: `Bearer ${token[as]}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${http.base}${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    await res.arrayBuffer();
    return res;
  };
  /** A browser session (cookie), for the routes that act on a session rather than a token. */
  const session = { cookie: '' };
  const signIn = async (username: string, password: string): Promise<Response> => {
    const res = await fetch(`${http.base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    session.cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    return res;
  };
  const withSession = async (method: string, url: string, body?: unknown): Promise<Response> => {
    const headers: Record<string, string> = { cookie: session.cookie };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${http.base}${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const renewed = res.headers.get('set-cookie');
    if (renewed) session.cookie = renewed.split(';')[0] ?? '';
    await res.arrayBuffer();
    return res;
  };
  /** Any HTTP method, TRACE and QUERY included (fetch refuses some): tus' routes answer every one. */
  const rawCall = (as: string, method: string, url: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const r = httpRequest(`${http.base}${url}`, { method, headers: { authorization: `Bearer ${token[as]}`, 'tus-resumable': '1.0.0', 'content-type': 'application/offset+octet-stream', 'content-length': '0' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      r.on('error', reject);
      r.end();
    });

  it('each route, called validly, asked the rule before answering', async () => {
    let requestId = '';
    let uploadPath = '';
    let totpSecret = '';
    // One valid call per route, in an order that lets later calls use what earlier ones made.
    const examples: Array<{ key: string; run: () => Promise<Response> }> = [
      { key: 'GET /api/health', run: () => fetch(`${http.base}/api/health`) },
      { key: 'GET /api/openapi.json', run: () => fetch(`${http.base}/api/openapi.json`) },
      { key: 'GET /api/auth/me', run: () => call('sup', 'GET', '/api/auth/me') },
      { key: 'GET /api/units', run: () => call('sup', 'GET', '/api/units') },
      { key: 'POST /api/units', run: () => call('admin1', 'POST', '/api/units', { code: 'south', name: 'South', parentId: ids.root }) },
      { key: 'PATCH /api/units/:id', run: () => call('admin1', 'PATCH', `/api/units/${ids.north}`, { name: 'North station' }) },
      { key: 'GET /api/users', run: () => call('cust', 'GET', '/api/users') },
      { key: 'GET /api/users/:id', run: () => call('appr', 'GET', `/api/users/${ids.off}`) },
      { key: 'POST /api/users', run: () => call('admin1', 'POST', '/api/users', { username: 'newbie', password: 'a long initial password', roles: ['officer'], unitId: ids.north }) },
      { key: 'PATCH /api/users/:id', run: () => call('admin1', 'PATCH', `/api/users/${ids.target}`, { displayName: 'Target Officer' }) },
      { key: 'POST /api/users/:id/reset-password', run: () => call('admin1', 'POST', `/api/users/${ids.target}/reset-password`, { reason: 'forgot it' }) },
      {
        key: 'POST /api/users/:id/reset-authenticator',
        run: async () => {
          await t.app.sessions.beginTotpEnrolment(await actorOf(t.app, 'target'), { ip: null });
          return call('admin1', 'POST', `/api/users/${ids.target}/reset-authenticator`, { reason: 'lost phone' });
        },
      },
      { key: 'POST /api/users/:id/deactivate', run: () => call('admin1', 'POST', `/api/users/${ids.target}/deactivate`, { reason: 'left the bureau' }) },
      { key: 'POST /api/users/:id/reactivate', run: () => call('admin1', 'POST', `/api/users/${ids.target}/reactivate`, { reason: 'came back' }) },
      { key: 'GET /api/settings/authority', run: () => call('admin1', 'GET', '/api/settings/authority') },
      {
        key: 'PUT /api/settings/authority',
        run: () => call('admin1', 'PUT', '/api/settings/authority', { settings: { stepUpStages: [], sensitiveApprovalMaxDepth: 0, grantDefaultHours: 72, grantMaxHours: 720 }, reason: 'defaults' }),
      },
      { key: 'GET /api/recordings', run: () => call('sup', 'GET', '/api/recordings') },
      { key: 'GET /api/recordings/:id', run: () => call('sup', 'GET', `/api/recordings/${ids.rec1}`) },
      { key: 'GET /api/recordings/calendar', run: () => call('sup', 'GET', `/api/recordings/calendar?year=${new Date().getUTCFullYear()}`) },
      { key: 'GET /api/recordings/timeliness', run: () => call('sup', 'GET', `/api/recordings/timeliness?from=0&to=${Date.now()}`) },
      { key: 'PATCH /api/recordings/:id', run: () => call('disp', 'PATCH', `/api/recordings/${ids.rec1}`, { title: 'Inspection, 3rd street' }) },
      { key: 'PUT /api/recordings/:id/sensitivity', run: () => call('disp', 'PUT', `/api/recordings/${ids.rec2}/sensitivity`, { level: 0, reason: 'reviewed' }) },
      { key: 'GET /api/recordings/:id/thumbnails', run: () => call('sup', 'GET', `/api/recordings/${ids.rec1}/thumbnails`) },
      {
        key: 'POST /api/access-requests',
        run: async () => {
          const res = await fetch(`${http.base}/api/access-requests`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token.sup}`, 'content-type': 'application/json' },
            body: JSON.stringify({ recordingIds: [ids.rec1], action: 'download', reason: 'complaint' }),
          });
          requestId = ((await res.clone().json()) as { id: string }).id;
          return res;
        },
      },
      { key: 'GET /api/access-requests', run: () => call('appr', 'GET', '/api/access-requests?scope=inbox') },
      { key: 'GET /api/access-requests/:id', run: () => call('sup', 'GET', `/api/access-requests/${requestId}`) },
      { key: 'POST /api/access-requests/:id/approve', run: () => call('appr', 'POST', `/api/access-requests/${requestId}/approve`, {}) },
      { key: 'GET /api/recordings/:id/original', run: () => call('sup', 'GET', `/api/recordings/${ids.rec1}/original`) },
      { key: 'POST /api/access-requests/:id/revoke', run: () => call('appr', 'POST', `/api/access-requests/${requestId}/revoke`, { reason: 'done' }) },
      {
        key: 'POST /api/access-requests/:id/reject',
        run: async () => {
          const r = await t.app.access.request(await actorOf(t.app, 'disp'), { recordingIds: [ids.rec2!], action: 'view', reason: 'complaint' }, { ip: null });
          return call('appr', 'POST', `/api/access-requests/${r.id}/reject`, { reason: 'no case' });
        },
      },
      {
        key: 'POST /api/access-requests/:id/withdraw',
        run: async () => {
          const r = await t.app.access.request(await actorOf(t.app, 'sup'), { recordingIds: [ids.rec2!], action: 'view', reason: 'complaint' }, { ip: null });
          return call('sup', 'POST', `/api/access-requests/${r.id}/withdraw`);
        },
      },
      {
        key: 'GET /api/recordings/:id/content',
        run: async () => {
          await grantAccess(t.app, 'sup', [ids.rec1!], 'view');
          return call('sup', 'GET', `/api/recordings/${ids.rec1}/content`);
        },
      },
      { key: 'GET /api/access-reasons', run: () => call('sup', 'GET', `/api/access-reasons?recordings=${ids.rec1}`) },
      { key: 'GET /api/access-register', run: () => call('sup', 'GET', '/api/access-register') },
      { key: 'GET /api/access-requests/:id/form.pdf', run: () => call('sup', 'GET', `/api/access-requests/${requestId}/form.pdf`) },
      { key: 'GET /api/audit/head', run: () => call('off', 'GET', '/api/audit/head') },
      { key: 'GET /api/audit/proof/:seq', run: () => call('off', 'GET', '/api/audit/proof/1') },
      { key: 'GET /api/audit/consistency', run: () => call('off', 'GET', '/api/audit/consistency?from=1&to=2') },
      { key: 'GET /api/audit/entries', run: () => call('sup', 'GET', '/api/audit/entries?limit=5') },
      { key: 'GET /api/audit/heads', run: () => call('off', 'GET', '/api/audit/heads') },
      { key: 'POST /api/audit/verify', run: () => call('sup', 'POST', '/api/audit/verify') },
      {
        key: 'GET /api/audit/verify',
        run: async () => {
          await t.app.verification.settled();
          return call('sup', 'GET', '/api/audit/verify');
        },
      },
      { key: 'GET /api/overview', run: () => call('sup', 'GET', '/api/overview?days=7') },
      {
        key: 'POST /api/uploads',
        run: async () => {
          const res = await fetch(`${http.base}/api/uploads`, { method: 'POST', headers: { authorization: `Bearer ${token.col}`, 'Tus-Resumable': '1.0.0', 'Upload-Length': '10', 'Upload-Metadata': `filename ${Buffer.from('x.mp4').toString('base64')}` } });
          uploadPath = new URL(res.headers.get('location')!, http.base).pathname;
          return res;
        },
      },
      { key: 'HEAD /api/uploads/*', run: () => fetch(`${http.base}${uploadPath}`, { method: 'HEAD', headers: { authorization: `Bearer ${token.col}`, 'Tus-Resumable': '1.0.0' } }) },
      // Devices: register, issue, return with a calibration, faults and repair, lists.
      {
        key: 'POST /api/devices',
        run: async () => {
          const res = await fetch(`${http.base}/api/devices`, { method: 'POST', headers: { authorization: `Bearer ${token.cust}`, 'content-type': 'application/json' }, body: JSON.stringify({ code: 'BJ-0001', serial: 'A123456', kind: 'body_worn', unitId: ids.north }) });
          ids.device = ((await res.clone().json()) as { id: string }).id;
          return res;
        },
      },
      { key: 'GET /api/devices', run: () => call('cust', 'GET', '/api/devices') },
      { key: 'GET /api/devices/:id', run: () => call('off', 'GET', `/api/devices/${ids.device}`) },
      { key: 'PATCH /api/devices/:id', run: () => call('cust', 'PATCH', `/api/devices/${ids.device}`, { model: 'DSJ-X1' }) },
      { key: 'POST /api/devices/:id/issue', run: () => call('cust', 'POST', `/api/devices/${ids.device}/issue`, { officerId: ids.off, dueAt: Date.now() + 8 * 3600_000 }) },
      { key: 'GET /api/devices/overdue', run: () => call('cust', 'GET', '/api/devices/overdue') },
      { key: 'POST /api/devices/:id/return', run: () => call('cust', 'POST', `/api/devices/${ids.device}/return`, { batteryPercent: 40, clock: { clockOffsetMs: 420_000 } }) },
      { key: 'POST /api/devices/:id/checks', run: () => call('cust', 'POST', `/api/devices/${ids.device}/checks`, { kind: 'inspection', passed: true }) },
      { key: 'POST /api/devices/:id/faults', run: () => call('off', 'POST', `/api/devices/${ids.device}/faults`, { cause: 'battery' }) },
      { key: 'GET /api/devices/maintenance-due', run: () => call('cust', 'GET', '/api/devices/maintenance-due') },
      { key: 'POST /api/devices/:id/repair', run: () => call('cust', 'POST', `/api/devices/${ids.device}/repair`, { repairer: 'vendor' }) },
      { key: 'POST /api/devices/:id/repair/done', run: () => call('cust', 'POST', `/api/devices/${ids.device}/repair/done`, { outcome: 'repaired' }) },
      { key: 'POST /api/devices/:id/move', run: () => call('cust', 'POST', `/api/devices/${ids.device}/move`, { unitId: ids.root }) },
      { key: 'GET /api/devices/:id/history', run: () => call('cust', 'GET', `/api/devices/${ids.device}/history`) },
      { key: 'GET /api/devices/allocation', run: () => call('cust', 'GET', '/api/devices/allocation') },
      { key: 'POST /api/devices/:id/retire', run: () => call('cust', 'POST', `/api/devices/${ids.device}/retire`, { reason: 'worn out' }) },
      // Cases and work records.
      {
        key: 'POST /api/cases',
        run: async () => {
          const res = await fetch(`${http.base}/api/cases`, { method: 'POST', headers: { authorization: `Bearer ${token.sup}`, 'content-type': 'application/json' }, body: JSON.stringify({ number: 'C-1', title: 'Case one', unitId: ids.north }) });
          ids.case = ((await res.clone().json()) as { id: string }).id;
          return res;
        },
      },
      { key: 'GET /api/cases', run: () => call('off', 'GET', '/api/cases') },
      { key: 'GET /api/cases/:id', run: () => call('off', 'GET', `/api/cases/${ids.case}`) },
      { key: 'PATCH /api/cases/:id', run: () => call('sup', 'PATCH', `/api/cases/${ids.case}`, { title: 'Case one (renamed)' }) },
      { key: 'POST /api/cases/:id/recordings', run: () => call('sup', 'POST', `/api/cases/${ids.case}/recordings`, { recordingIds: [ids.rec1, ids.rec2] }) },
      { key: 'DELETE /api/cases/:id/recordings/:recordingId', run: () => call('sup', 'DELETE', `/api/cases/${ids.case}/recordings/${ids.rec2}`, { reason: 'wrong case' }) },
      {
        key: 'POST /api/work-records',
        run: async () => {
          const res = await fetch(`${http.base}/api/work-records`, { method: 'POST', headers: { authorization: `Bearer ${token.off}`, 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'interrupted', reason: 'device_fault', statedOnRestart: true, occurredAt: Date.now() }) });
          ids.workRecord = ((await res.clone().json()) as { id: string }).id;
          return res;
        },
      },
      { key: 'GET /api/work-records', run: () => call('off', 'GET', '/api/work-records') },
      { key: 'GET /api/work-records/reasons', run: () => call('off', 'GET', '/api/work-records/reasons') },
      { key: 'POST /api/work-records/:id/decision', run: () => call('appr', 'POST', `/api/work-records/${ids.workRecord}/decision`, { approve: true }) },
      // Profiles and retention.
      { key: 'GET /api/profiles', run: () => call('admin1', 'GET', '/api/profiles') },
      { key: 'GET /api/profiles/:id', run: () => call('sup', 'GET', '/api/profiles/traffic-police') },
      {
        key: 'POST /api/profiles',
        run: async () => {
          const body = (await (await fetch(`${http.base}/api/profiles/traffic-police`, { headers: { authorization: `Bearer ${token.admin1}` } })).json()) as Record<string, unknown>;
          const { hash: _hash, ...profile } = body;
          return call('admin1', 'POST', '/api/profiles', { profile: { ...profile, id: 'traffic-police-local', version: 1 }, basedOn: 'traffic-police@1', reason: 'local copy' });
        },
      },
      { key: 'GET /api/units/:id/profile', run: () => call('sup', 'GET', `/api/units/${ids.north}/profile`) },
      { key: 'PUT /api/units/:id/profile', run: () => call('admin1', 'PUT', `/api/units/${ids.north}/profile`, { profileId: 'traffic-police' }) },
      {
        key: 'POST /api/recordings/:id/long-term',
        run: async () => {
          const res = await fetch(`${http.base}/api/recordings/${ids.rec2}/long-term`, { method: 'POST', headers: { authorization: `Bearer ${token.disp}`, 'content-type': 'application/json' }, body: JSON.stringify({ reasonId: 'party_objection' }) });
          ids.mark = ((await res.clone().json()) as { longTerm: Array<{ id: string }> }).longTerm[0]?.id ?? '';
          return res;
        },
      },
      { key: 'POST /api/long-term-marks/:id/lift', run: () => call('disp', 'POST', `/api/long-term-marks/${ids.mark}/lift`, { reason: 'complaint withdrawn' }) },
      {
        key: 'POST /api/recordings/:id/holds',
        run: async () => {
          const res = await fetch(`${http.base}/api/recordings/${ids.rec2}/holds`, { method: 'POST', headers: { authorization: `Bearer ${token.sup}`, 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'court order' }) });
          ids.hold = ((await res.clone().json()) as { holds: Array<{ id: string }> }).holds[0]?.id ?? '';
          return res;
        },
      },
      { key: 'POST /api/holds/:id/lift', run: () => call('sup', 'POST', `/api/holds/${ids.hold}/lift`, { reason: 'order lifted' }) },
      { key: 'GET /api/retention/expired', run: () => call('disp', 'GET', '/api/retention/expired') },
      {
        key: 'POST /api/retention/batches',
        run: async () => {
          const res = await fetch(`${http.base}/api/retention/batches`, { method: 'POST', headers: { authorization: `Bearer ${token.disp}`, 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'non_work', recordingIds: [ids.rec2], reason: 'pocket recording' }) });
          ids.batch = ((await res.clone().json()) as { batchIds: string[] }).batchIds[0] ?? '';
          return res;
        },
      },
      { key: 'GET /api/retention/batches', run: () => call('disp', 'GET', '/api/retention/batches') },
      { key: 'GET /api/retention/batches/:id', run: () => call('appr', 'GET', `/api/retention/batches/${ids.batch}`) },
      { key: 'POST /api/retention/batches/:id/approve', run: () => call('appr', 'POST', `/api/retention/batches/${ids.batch}/approve`, {}) },
      { key: 'POST /api/retention/batches/:id/restore', run: () => call('appr', 'POST', `/api/retention/batches/${ids.batch}/restore`, { reason: 'it was work after all' }) },
      {
        key: 'POST /api/retention/batches/:id/reject',
        run: async () => {
          const res = await fetch(`${http.base}/api/retention/batches`, { method: 'POST', headers: { authorization: `Bearer ${token.disp}`, 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'non_work', recordingIds: [ids.rec2], reason: 'pocket recording' }) });
          const id = ((await res.json()) as { batchIds: string[] }).batchIds[0]!;
          return call('appr', 'POST', `/api/retention/batches/${id}/reject`, { reason: 'it is work' });
        },
      },
      // Own-account routes (auth: self, SELF_ROUTES): called too, so the sweep sees how each is declared.
      {
        key: 'POST /api/auth/totp/enrol',
        run: async () => {
          const res = await fetch(`${http.base}/api/auth/totp/enrol`, { method: 'POST', headers: { authorization: `Bearer ${token.sup}` } });
          totpSecret = ((await res.clone().json()) as { secret: string }).secret;
          return res;
        },
      },
      { key: 'POST /api/auth/totp/confirm', run: () => call('sup', 'POST', '/api/auth/totp/confirm', { code: totpCode(totpSecret, Date.now() - 30_000) }) },
      { key: 'POST /api/auth/totp/remove', run: () => call('sup', 'POST', '/api/auth/totp/remove', { code: totpCode(totpSecret, Date.now()) }) },
      { key: 'POST /api/auth/login', run: () => signIn('selfie', PASSWORD) },
      { key: 'POST /api/auth/password', run: () => withSession('POST', '/api/auth/password', { currentPassword: PASSWORD, newPassword: 'a new route-authz password' }) },
      { key: 'POST /api/auth/logout-everywhere', run: () => withSession('POST', '/api/auth/logout-everywhere') },
      {
        key: 'POST /api/auth/logout',
        run: async () => {
          await signIn('selfie', 'a new route-authz password');
          return withSession('POST', '/api/auth/logout');
        },
      },
    ];
    const ran = new Set<string>();
    for (const e of examples) {
      const res = await e.run();
      expect(res.status, `${e.key} → ${res.status}`).toBeLessThan(400);
      ran.add(e.key);
    }

    const routes = routeList(http.server).filter((r) => r.path.startsWith('/api'));
    // tus answers every method on its two paths through one handler: each method is called (the
    // collector's own upload; DELETE last, as it ends the upload), and each must have asked the rule.
    const uploadMethods = [...new Set(routes.filter((r) => r.path.startsWith('/api/uploads')).map((r) => r.method))].sort((a, b) => Number(a === 'DELETE') - Number(b === 'DELETE'));
    for (const method of uploadMethods) {
      for (const url of ['/api/uploads', uploadPath]) {
        const route = url === uploadPath ? '/api/uploads/*' : '/api/uploads';
        if (ran.has(`${method} ${route}`)) continue;
        await rawCall('col', method, url);
        ran.add(`${method} ${route}`);
      }
    }

    const missing: string[] = [];
    for (const r of routes) {
      const key = `${r.method} ${r.path}`;
      const obs = seen.filter((o) => o.method === r.method && o.route === r.path);
      if (obs.length === 0) {
        missing.push(key);
        continue;
      }
      const declared = obs[0]!.auth;
      const expected = key in PUBLIC_ROUTES ? 'public' : key in SELF_ROUTES ? 'self' : 'user';
      expect(declared, `${key} is declared "${String(declared)}": only the routes named in PUBLIC_ROUTES / SELF_ROUTES may skip the rule`).toBe(expected);
      if (declared === 'user') expect(obs.some((o) => o.trace.length > 0), `${key} never asked the authorization rule`).toBe(true);
      for (const o of obs) if (o.auth === 'user' && o.status < 400) expect(o.trace.length, `${key} answered ${o.status} without asking`).toBeGreaterThan(0);
    }
    expect(missing, 'routes with no example in this suite (add one)').toEqual([]);
    // No stale exemption: every named route still exists.
    const keys = new Set(routes.map((r) => `${r.method} ${r.path}`));
    expect([...Object.keys(PUBLIC_ROUTES), ...Object.keys(SELF_ROUTES)].filter((k) => !keys.has(k))).toEqual([]);
    expect(ran.size).toBeGreaterThan(30);
  });

  it('a denial is 403 with a reason code, and is in the ledger', async () => {
    const res = await fetch(`${http.base}/api/users`, { headers: { authorization: `Bearer ${token.off}` } });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: 'role_not_permitted', details: { action: 'user.read' } });
    const denied = (await t.app.auditRepo.entriesPage(0, 100_000)).map((e) => decodeLeaf(e.leaf)).filter((l) => l.action === 'access.denied' && l.actor?.name === 'off');
    expect(denied.some((l) => l.details.attempted === 'user.read' && l.details.reason === 'role_not_permitted')).toBe(true);
  });
});

describe('a route that forgets to ask is refused, not served', () => {
  let t: TestApp;
  let http: Listening;
  let secretFile: string;
  const forgetful: FastifyPluginAsync = async (f) => {
    f.get('/api/test/forgetful', { config: { auth: 'user' } }, async () => ({ secret: 'should never be seen' }));
    f.get('/api/test/forgetful-stream', { config: { auth: 'user' } }, async (_req, reply) => reply.type('application/octet-stream').send(createReadStream(secretFile)));
    f.get('/api/test/careful', { config: { auth: 'user' } }, async (req) => {
      await t.app.authz.require(req.actor!, 'recording.search', null, { ip: req.ip, authz: req.authzTrace });
      return { ok: true };
    });
  };

  beforeAll(async () => {
    t = await openTestApp();
    secretFile = path.join(t.dataDir, 'keys', 'site-ed25519.pem');
    await t.app.identity.addUser({ username: 'sup', password: PASSWORD, roles: ['supervisor'] }, null);
    http = await listen(t, { plugins: [forgetful] });
  });
  afterAll(async () => {
    await http?.server.close();
    await t?.close();
  });

  it('answers 500 authorization_not_checked and withholds the body, JSON or stream', async () => {
    const tok = (await t.app.sessions.createToken('sup', 'x', null)).secret;
    const headers = { authorization: `Bearer ${tok}` };
    for (const p of ['/api/test/forgetful', '/api/test/forgetful-stream']) {
      const res = await fetch(`${http.base}${p}`, { headers });
      expect(res.status, p).toBe(500);
      const text = await res.text();
      expect(JSON.parse(text), p).toMatchObject({ error: 'authorization_not_checked' });
      expect(text).not.toContain('should never be seen');
      expect(text).not.toContain('PRIVATE KEY');
    }
    const ok = await fetch(`${http.base}/api/test/careful`, { headers });
    expect(ok.status).toBe(200);
  });
});
