import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, utimes } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLeaf, type Leaf } from '../src/audit/leaf.js';
import { leafHash, verifyConsistency, verifyInclusion } from '../src/audit/merkle.js';
import { verifyTreeHead } from '../src/audit/signing.js';
import type { RoleId } from '../src/identity/index.js';
import { SESSION_COOKIE } from '../src/identity/routes.js';
import { dialects, makeVideo, openTestApp, postgresSkipNote, tempDir, type TestApp } from './support/app.js';
import { listen, routeList, type Listening } from './support/http.js';

/**
 * The HTTP API over real HTTP on 127.0.0.1: authentication (cookie sessions, API tokens, login
 * throttling), default deny on every /api route, unit-subtree scoping, search and keyset paging,
 * role checks on content, HTTP Range, and the ledger entry of every content use written before
 * the response. Media are real videos made with ffmpeg and imported through the real pipeline.
 */

const PASSWORD = 'correct horse battery';

async function ledger(t: TestApp, action?: string): Promise<Leaf[]> {
  const rows = await t.app.auditRepo.entriesPage(0, 1_000_000);
  const leaves = rows.map((r) => decodeLeaf(r.leaf));
  return action ? leaves.filter((l) => l.action === action) : leaves;
}

/** A raw request with any method (fetch refuses TRACE), for the default-deny sweep. */
function rawRequest(base: string, method: string, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${urlPath}`, { method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

postgresSkipNote();

describe.each(dialects())('HTTP API (%s)', (dialect) => {
  let t: TestApp;
  let http: Listening;
  let media: { dir: string; cleanup(): Promise<void> };
  const token: Record<string, string> = {};
  const unitId: Record<string, string> = {};
  /** Recording ids by the file name they were imported from. */
  const rec: Record<string, string> = {};
  const sha: Record<string, string> = {};
  let tokenOfCollector: { id: string; secret: string };

  const api = async (urlPath: string, opts: { as?: string; method?: string; body?: unknown; headers?: Record<string, string>; cookie?: string } = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.as) headers.authorization = `Bearer ${token[opts.as]}`;
    if (opts.cookie) headers.cookie = opts.cookie;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    return fetch(`${http.base}${urlPath}`, { method: opts.method ?? 'GET', headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  };
  const json = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;
  /** The real approval path: `as` asks, the approver approves. */
  const grant = async (as: string, names: string[], action: 'view' | 'download') => {
    const asked = await api('/api/access-requests', { as, method: 'POST', body: { recordingIds: names.map((n) => rec[n]), action, reason: 'quality_assessment' } });
    expect(asked.status, await asked.clone().text()).toBe(201);
    const { id } = await json<{ id: string }>(asked);
    const ok = await api(`/api/access-requests/${id}/approve`, { as: 'appr', method: 'POST', body: {} });
    expect(ok.status, await ok.clone().text()).toBe(200);
    return id;
  };

  beforeAll(async () => {
    t = await openTestApp({ dialect });
    media = await tempDir('custodia-http-media-');
    const root = await t.app.identity.resolveUnit(undefined);
    unitId.root = root.id;
    unitId.north = (await t.app.identity.addUnit({ code: 'north', name: 'North station' }, null)).id;
    unitId.south = (await t.app.identity.addUnit({ code: 'south', name: 'South station' }, null)).id;
    unitId.north1 = (await t.app.identity.addUnit({ code: 'north-1', name: 'North patrol 1', parentCode: 'north' }, null)).id;

    const users: Array<{ username: string; roles: RoleId[]; unitCode?: string; badge?: string }> = [
      { username: 'sup', roles: ['supervisor'] },
      { username: 'nsup', roles: ['supervisor'], unitCode: 'north' },
      { username: 'admin1', roles: ['admin'] },
      { username: 'collector1', roles: ['collector'] },
      { username: 'officer1', roles: ['officer'], unitCode: 'north', badge: '1001' },
      { username: 'dispatch1', roles: ['dispatcher'] },
      { username: 'appr', roles: ['approver'] },
    ];
    for (const u of users) {
      await t.app.identity.addUser({ ...u, password: PASSWORD }, null);
      token[u.username] = (await t.app.sessions.createToken(u.username, 'test', null)).secret;
    }
    tokenOfCollector = await t.app.sessions.createToken('collector1', 'revocable', null);

    // Seven real recordings in three units of a 3-level tree; bravo and delta share a start time.
    const plan: Array<{ unit: string; device: string; officer: string; files: Array<{ name: string; at: string; codec?: 'mpeg4'; seconds: number }> }> = [
      { unit: 'north', device: 'DEV-N1', officer: '1001', files: [{ name: 'alpha.mp4', at: '2024-03-01T08:00:00Z', seconds: 1 }, { name: 'bravo.mp4', at: '2024-03-02T09:00:00Z', seconds: 2 }, { name: 'charlie.mp4', at: '2024-03-05T10:00:00Z', seconds: 1 }] },
      { unit: 'north1', device: 'DEV-N2', officer: '1002', files: [{ name: 'delta.mp4', at: '2024-03-02T09:00:00Z', seconds: 3 }, { name: 'echo.mp4', at: '2024-03-03T11:00:00Z', seconds: 1 }] },
      { unit: 'south', device: 'DEV-S1', officer: '2001', files: [{ name: 'foxtrot.mp4', at: '2024-03-04T12:00:00Z', seconds: 2 }, { name: 'golf.avi', at: '2024-03-06T13:00:00Z', codec: 'mpeg4', seconds: 1 }] },
    ];
    for (const p of plan) {
      const folder = path.join(media.dir, p.unit);
      await mkdir(folder, { recursive: true });
      for (const f of p.files) {
        const file = path.join(folder, f.name);
        await makeVideo(file, { seconds: f.seconds, codec: f.codec ?? 'h264', creationTime: f.at });
        const at = new Date(f.at);
        await utimes(file, at, at);
      }
      const result = await t.app.ingest.importSource(folder, { sourceKind: 'folder', unitId: unitId[p.unit]!, station: 't', deviceSerial: p.device, officerBadge: p.officer, actor: null, meta: { ip: null } });
      expect(result.files.map((f) => f.status)).toEqual(p.files.map(() => 'imported'));
      for (const f of result.files) {
        const name = path.basename(f.path);
        rec[name] = f.recordingId!;
        sha[name] = f.sha256!;
        expect(createHash('sha256').update(await readFile(path.join(folder, name))).digest('hex')).toBe(f.sha256);
      }
    }
    http = await listen(t);
  });

  afterAll(async () => {
    await http?.server.close();
    await t?.close();
    await media?.cleanup();
  });

  describe('public surface and default deny', () => {
    it('GET /api/health answers without credentials', async () => {
      const res = await api('/api/health');
      expect(res.status).toBe(200);
      const body = await json(res);
      expect(body).toMatchObject({ status: 'ok', database: dialect });
      expect(body.ledgerSize).toBeGreaterThan(0);
    });

    it('/api/openapi.json is an OpenAPI 3 document listing the documented paths with their security', async () => {
      const res = await api('/api/openapi.json');
      expect(res.status).toBe(200);
      const doc = await json<{ openapi: string; info: { title: string; version: string }; paths: Record<string, Record<string, { responses?: unknown }>>; components: { securitySchemes: Record<string, unknown> } }>(res);
      expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
      expect(doc.info.title).toBe('Custodia API');
      for (const p of ['/api/health', '/api/auth/login', '/api/auth/logout', '/api/auth/me', '/api/recordings', '/api/recordings/{id}', '/api/recordings/{id}/content', '/api/recordings/{id}/original', '/api/access-requests', '/api/access-requests/{id}/approve', '/api/audit/head', '/api/audit/proof/{seq}', '/api/audit/consistency', '/api/audit/entries', '/api/uploads']) {
        expect(doc.paths, p).toHaveProperty([p]);
      }
      expect(Object.keys(doc.paths['/api/recordings/{id}']!)).toEqual(expect.arrayContaining(['get', 'patch']));
      expect(Object.keys(doc.paths['/api/auth/login']!)).toEqual(['post']);
      for (const [p, ops] of Object.entries(doc.paths)) for (const [m, op] of Object.entries(ops)) expect(op.responses, `${m} ${p} has responses`).toBeDefined();
      expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['session', 'token']);
    });

    it('every /api route except health, openapi.json and login answers 401 without credentials', async () => {
      const routes = routeList(http.server).filter((r) => r.path.startsWith('/api'));
      // The sweep covers the whole route tree, and the tree has what we expect in it.
      const paths = new Set(routes.map((r) => r.path));
      for (const p of ['/api/health', '/api/openapi.json', '/api/auth/login', '/api/auth/logout', '/api/auth/me', '/api/recordings', '/api/recordings/:id', '/api/recordings/:id/content', '/api/recordings/:id/original', '/api/recordings/:id/thumbnails', '/api/audit/head', '/api/audit/proof/:seq', '/api/audit/consistency', '/api/audit/entries', '/api/uploads', '/api/uploads/*']) {
        expect(paths, p).toContain(p);
      }
      const isPublic = (r: { method: string; path: string }) =>
        (['/api/health', '/api/openapi.json'].includes(r.path) && ['GET', 'HEAD'].includes(r.method)) || (r.path === '/api/auth/login' && r.method === 'POST');
      let probed = 0;
      for (const r of routes) {
        const url = r.path.replace(':id', rec['alpha.mp4']!).replace(':seq', '1').replace('*', randomUUID());
        const res = await rawRequest(http.base, r.method, url);
        if (isPublic(r)) {
          expect(res.status, `${r.method} ${r.path}`).not.toBe(401);
          continue;
        }
        expect(res.status, `${r.method} ${r.path}`).toBe(401);
        if (r.method !== 'HEAD') expect(JSON.parse(res.body), `${r.method} ${r.path}`).toMatchObject({ error: 'unauthenticated' });
        probed += 1;
      }
      expect(probed).toBeGreaterThan(20);
      // An unknown bearer token and a forged cookie are no credentials either.
      expect((await fetch(`${http.base}/api/recordings`, { headers: { authorization: 'Bearer cst_notarealtoken000000000' } })).status).toBe(401);
      expect((await fetch(`${http.base}/api/recordings`, { headers: { cookie: `${SESSION_COOKIE}=cs_forged000000000000` } })).status).toBe(401);
      // Nothing leaked: no content was served to anyone.
      expect(await ledger(t, 'recording.download')).toHaveLength(0);
    });
  });

  describe('sessions and tokens', () => {
    it('login sets an HttpOnly SameSite=Strict cookie; logout revokes that session', async () => {
      const res = await api('/api/auth/login', { method: 'POST', body: { username: 'sup', password: PASSWORD }, headers: { 'user-agent': 'vitest-browser' } });
      expect(res.status).toBe(200);
      const body = await json<{ user: { username: string; roles: string[] }; expiresAt: number }>(res);
      expect(body.user).toMatchObject({ username: 'sup', roles: ['supervisor'] });
      expect(body.expiresAt).toBeGreaterThan(Date.now());
      const setCookie = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
      expect(setCookie).toBeDefined();
      expect(setCookie).toMatch(/;\s*HttpOnly/i);
      expect(setCookie).toMatch(/;\s*SameSite=Strict/i);
      expect(setCookie).toMatch(/;\s*Path=\//i);
      const cookie = setCookie!.split(';')[0]!;

      const me = await api('/api/auth/me', { cookie });
      expect(me.status).toBe(200);
      expect(await json(me)).toMatchObject({ username: 'sup' });

      const login = (await ledger(t, 'auth.login')).filter((l) => l.actor?.name === 'sup');
      expect(login).toHaveLength(1);
      expect(login[0]!.ip).toBe('127.0.0.1');
      expect(login[0]!.details).toMatchObject({ userAgent: 'vitest-browser' });

      const out = await api('/api/auth/logout', { method: 'POST', cookie });
      expect(out.status).toBe(204);
      expect(out.headers.getSetCookie().some((c) => c.startsWith(`${SESSION_COOKIE}=;`))).toBe(true);
      expect((await ledger(t, 'auth.logout')).filter((l) => l.actor?.name === 'sup')).toHaveLength(1);
      // The server forgets the session, not just the browser: replaying the old cookie fails.
      expect((await api('/api/auth/me', { cookie })).status).toBe(401);
      expect((await api('/api/recordings', { cookie })).status).toBe(401);
    });

    it('a wrong password is 401 bad_credentials and is in the ledger', async () => {
      const res = await api('/api/auth/login', { method: 'POST', body: { username: 'sup', password: 'not the password' } });
      expect(res.status).toBe(401);
      expect(await json(res)).toMatchObject({ error: 'bad_credentials' });
      expect(res.headers.getSetCookie()).toEqual([]);
      const unknownUser = await api('/api/auth/login', { method: 'POST', body: { username: 'nobody', password: 'whatever12345' } });
      expect(unknownUser.status).toBe(401);
      expect(await json(unknownUser)).toMatchObject({ error: 'bad_credentials' });
      const failed = await ledger(t, 'auth.login_failed');
      expect(failed.map((l) => l.details.username)).toEqual(['sup', 'nobody']);
      expect(failed.every((l) => l.details.reason === 'bad_credentials')).toBe(true);
      // A successful login clears this address' failures (so the throttle test below starts clean).
      expect((await api('/api/auth/login', { method: 'POST', body: { username: 'nsup', password: PASSWORD } })).status).toBe(200);
    });

    it('a malformed login body is 400, not a login attempt', async () => {
      const before = (await ledger(t)).length;
      const res = await api('/api/auth/login', { method: 'POST', body: { username: '' } });
      expect(res.status).toBe(400);
      expect(await json(res)).toMatchObject({ error: 'invalid_request' });
      expect((await ledger(t)).length).toBe(before);
    });

    it('an API token works as Bearer, its uses are attributed to it, and revoking it ends it', async () => {
      const auth = { authorization: `Bearer ${tokenOfCollector.secret}` };
      const ok = await fetch(`${http.base}/api/auth/me`, { headers: auth });
      expect(ok.status).toBe(200);
      expect(await json(ok)).toMatchObject({ username: 'collector1', roles: ['collector'] });
      const search = await fetch(`${http.base}/api/recordings?limit=1`, { headers: auth });
      expect(search.status).toBe(200);
      // A token cannot "log out"; it is revoked.
      const lo = await fetch(`${http.base}/api/auth/logout`, { method: 'POST', headers: auth });
      expect(lo.status).toBe(400);
      expect(await json(lo)).toMatchObject({ error: 'not_a_session' });

      await t.app.sessions.revokeToken('collector1', tokenOfCollector.id, null);
      expect((await fetch(`${http.base}/api/auth/me`, { headers: auth })).status).toBe(401);
      expect((await fetch(`${http.base}/api/recordings`, { headers: auth })).status).toBe(401);
      const created = (await ledger(t, 'token.create')).filter((l) => l.subject?.id === tokenOfCollector.id);
      const revoked = (await ledger(t, 'token.revoke')).filter((l) => l.subject?.id === tokenOfCollector.id);
      expect(created).toHaveLength(1);
      expect(revoked).toHaveLength(1);
      expect(revoked[0]!.details).toMatchObject({ user: 'collector1' });
    });

    it('content used through a token is in the ledger with the token as the channel', async () => {
      await grant('dispatch1', ['charlie.mp4'], 'download');
      const res = await api(`/api/recordings/${rec['charlie.mp4']}/original`, { as: 'dispatch1' });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      const uses = (await ledger(t, 'recording.download')).filter((l) => l.subject?.id === rec['charlie.mp4']);
      expect(uses).toHaveLength(1);
      expect(uses[0]!.actor?.name).toBe('dispatch1');
      expect(uses[0]!.details).toMatchObject({ via: 'token', sha256: sha['charlie.mp4'] });
    });

    it('the ledger is readable over HTTP by a supervisor, not by an officer', async () => {
      const res = await api('/api/audit/entries?limit=1000', { as: 'sup' });
      expect(res.status).toBe(200);
      const body = await json<{ items: Array<{ seq: number; action: string; leaf: string; entry: Leaf }> }>(res);
      const actions = body.items.map((i) => i.action);
      expect(actions).toEqual(expect.arrayContaining(['auth.login', 'auth.logout', 'auth.login_failed', 'token.create', 'token.revoke', 'recording.import']));
      expect(body.items.map((i) => i.seq)).toEqual(body.items.map((_, i) => i + 1));
      for (const i of body.items) expect(JSON.parse(Buffer.from(i.leaf, 'base64').toString('utf8'))).toEqual(i.entry);
      const denied = await api('/api/audit/entries', { as: 'officer1' });
      expect(denied.status).toBe(403);
      expect(await json(denied)).toMatchObject({ error: 'role_not_permitted' });
    });
  });

  describe('search', () => {
    type Item = { id: string; unitId: string; deviceSerial: string | null; officerBadge: string | null; startedAt: number; originalName: string; sha256: string };
    type Page = { items: Item[]; nextCursor: string | null };
    const search = async (as: string, qs: Record<string, string | number>) => {
      const res = await api(`/api/recordings?${new URLSearchParams(Object.entries(qs).map(([k, v]): [string, string] => [k, String(v)])).toString()}`, { as });
      expect(res.status, await res.clone().text()).toBe(200);
      return json<Page>(res);
    };
    const all = async (as: string, qs: Record<string, string | number>, limit: number) => {
      const seen: Item[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Page = await search(as, { ...qs, limit, ...(cursor ? { cursor } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(limit);
        seen.push(...page.items);
        cursor = page.nextCursor;
        pages += 1;
        expect(pages).toBeLessThan(50);
      } while (cursor);
      return seen;
    };
    const byTime = (order: 'asc' | 'desc') => (a: Item, b: Item) => {
      const c = a.startedAt - b.startedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
      return order === 'asc' ? c : -c;
    };
    const names = (items: Item[]) => items.map((i) => i.originalName).sort();

    it('returns { items, nextCursor } sorted newest first by default', async () => {
      const page = await search('sup', {});
      expect(Object.keys(page).sort()).toEqual(['items', 'nextCursor']);
      expect(page.nextCursor).toBeNull();
      expect(page.items).toHaveLength(7);
      for (const i of page.items) {
        expect(i.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(i.sha256).toMatch(/^[0-9a-f]{64}$/);
        expect([unitId.north, unitId.north1, unitId.south]).toContain(i.unitId);
      }
      expect([...page.items].sort(byTime('desc'))).toEqual(page.items);
      // Corrected start times come from the container creation time (or the file time for the AVI).
      const alpha = page.items.find((i) => i.originalName === 'alpha.mp4')!;
      expect(alpha.startedAt).toBe(Date.parse('2024-03-01T08:00:00Z'));
      for (const i of page.items) expect(i.sha256).toBe(sha[i.originalName]);
    });

    it('pages with a cursor cover every row exactly once, in both orders', async () => {
      for (const order of ['asc', 'desc'] as const) {
        for (const limit of [1, 2, 3, 6, 7]) {
          const rows = await all('sup', { order }, limit);
          expect(rows.map((r) => r.id)).toHaveLength(7);
          expect(new Set(rows.map((r) => r.id)).size).toBe(7);
          expect([...rows].sort(byTime(order))).toEqual(rows);
        }
      }
      // bravo and delta share a start time; the id breaks the tie the same way on every page size.
      const asc = await all('sup', { order: 'asc' }, 1);
      const desc = await all('sup', { order: 'desc' }, 1);
      expect(desc.map((r) => r.id)).toEqual(asc.map((r) => r.id).reverse());
      const bravo = asc.find((r) => r.originalName === 'bravo.mp4')!;
      const delta = asc.find((r) => r.originalName === 'delta.mp4')!;
      expect(bravo.startedAt).toBe(delta.startedAt);
    });

    it('filters by unit subtree, device, officer, time range and text, also combined and paged', async () => {
      expect(names(await all('sup', { unit: unitId.north! }, 2))).toEqual(['alpha.mp4', 'bravo.mp4', 'charlie.mp4', 'delta.mp4', 'echo.mp4']);
      expect(names(await all('sup', { unit: unitId.north1! }, 1))).toEqual(['delta.mp4', 'echo.mp4']);
      expect(names(await all('sup', { unit: unitId.south! }, 5))).toEqual(['foxtrot.mp4', 'golf.avi']);
      expect(names(await all('sup', { unit: unitId.root! }, 3))).toHaveLength(7);
      expect(names(await all('sup', { device: 'DEV-N2' }, 1))).toEqual(['delta.mp4', 'echo.mp4']);
      expect(names(await all('sup', { officer: '1001' }, 2))).toEqual(['alpha.mp4', 'bravo.mp4', 'charlie.mp4']);
      expect((await search('sup', { officer: '9999' })).items).toEqual([]);

      const everything = await all('sup', { order: 'asc' }, 7);
      const from = Date.parse('2024-03-02T09:00:00Z');
      const to = Date.parse('2024-03-05T10:00:00Z');
      const expected = everything.filter((i) => i.startedAt >= from && i.startedAt < to).map((i) => i.originalName).sort();
      expect(expected).toEqual(['bravo.mp4', 'delta.mp4', 'echo.mp4', 'foxtrot.mp4']);
      expect(names(await all('sup', { from, to }, 1))).toEqual(expected);
      expect(names(await all('sup', { from }, 10))).toEqual(everything.filter((i) => i.startedAt >= from).map((i) => i.originalName).sort());
      expect(names(await all('sup', { to: from }, 10))).toEqual(['alpha.mp4']);
      expect(names(await all('sup', { unit: unitId.north!, from, to, order: 'asc' }, 1))).toEqual(['bravo.mp4', 'delta.mp4', 'echo.mp4']);
      expect(names(await all('sup', { unit: unitId.north!, device: 'DEV-N1', from }, 1))).toEqual(['bravo.mp4', 'charlie.mp4']);
      expect(names(await all('sup', { officer: '2001', from, to }, 1))).toEqual(['foxtrot.mp4']);

      expect(names(await all('sup', { q: 'ECHO' }, 5))).toEqual(['echo.mp4']);
      expect(names(await all('sup', { q: '.avi' }, 5))).toEqual(['golf.avi']);
      // LIKE wildcards in the text are literal.
      expect((await search('sup', { q: '%' })).items).toEqual([]);
      expect((await search('sup', { q: '_' })).items).toEqual([]);
    });

    it('a user sees only their unit subtree; another unit is empty, and its recordings are 404', async () => {
      expect(names(await all('nsup', {}, 2))).toEqual(['alpha.mp4', 'bravo.mp4', 'charlie.mp4', 'delta.mp4', 'echo.mp4']);
      expect(names(await all('nsup', { unit: unitId.north1! }, 2))).toEqual(['delta.mp4', 'echo.mp4']);
      expect(await search('nsup', { unit: unitId.south! })).toEqual({ items: [], nextCursor: null });
      expect(await search('nsup', { unit: unitId.root! })).toEqual({ items: [], nextCursor: null });
      expect(await search('nsup', { device: 'DEV-S1' })).toEqual({ items: [], nextCursor: null });

      const golf = rec['golf.avi']!;
      for (const suffix of ['', '/content', '/original', '/thumbnails']) {
        const res = await api(`/api/recordings/${golf}${suffix}`, { as: 'nsup' });
        expect(res.status, suffix).toBe(404);
        expect(await json(res)).toMatchObject({ error: 'recording_not_found' });
      }
      // Not found looks the same as a recording that does not exist at all.
      const ghost = await api(`/api/recordings/${randomUUID()}`, { as: 'nsup' });
      expect(ghost.status).toBe(404);
      expect(await json(ghost)).toMatchObject({ error: 'recording_not_found' });
      const patched = await api(`/api/recordings/${golf}`, { as: 'nsup', method: 'PATCH', body: { title: 'nope' } });
      expect(patched.status).toBe(404);
      expect(await ledger(t, 'recording.update')).toHaveLength(0);
      const inside = await api(`/api/recordings/${rec['echo.mp4']}`, { as: 'nsup' });
      expect(inside.status).toBe(200);
      expect(await json(inside)).toMatchObject({ id: rec['echo.mp4'], unitId: unitId.north1, originalName: 'echo.mp4' });
    });

    it('rejects invalid queries with 400 and an error code', async () => {
      for (const qs of ['limit=0', 'limit=501', 'limit=abc', 'unit=not-a-uuid', 'order=sideways', 'from=yesterday', 'damaged=maybe']) {
        const res = await api(`/api/recordings?${qs}`, { as: 'sup' });
        expect(res.status, qs).toBe(400);
        expect(await json(res), qs).toMatchObject({ error: 'invalid_request' });
      }
      const badCursor = await api('/api/recordings?cursor=bm90LWEtY3Vyc29y', { as: 'sup' });
      expect(badCursor.status).toBe(400);
      expect(await json(badCursor)).toMatchObject({ error: 'cursor_invalid' });
      for (const p of ['/api/recordings/not-a-uuid', '/api/recordings/123/original', '/api/audit/proof/0', '/api/audit/proof/abc']) {
        const res = await api(p, { as: 'sup' });
        expect(res.status, p).toBe(400);
        expect(await json(res), p).toMatchObject({ error: 'invalid_request' });
      }
    });
  });

  describe('content', () => {
    it('an administrator may not play or download: 403 with the reason, and the denial is in the ledger', async () => {
      const id = rec['alpha.mp4']!;
      for (const [suffix, attempted] of [['/content', 'recording.view'], ['/original', 'recording.download']] as const) {
        const res = await api(`/api/recordings/${id}${suffix}`, { as: 'admin1' });
        expect(res.status).toBe(403);
        expect(await json(res)).toMatchObject({ error: 'content_not_permitted_for_role' });
        const denied = (await ledger(t, 'access.denied')).filter((l) => l.actor?.name === 'admin1' && l.details.attempted === attempted);
        expect(denied).toHaveLength(1);
        expect(denied[0]!.subject).toEqual({ type: 'recording', id });
        expect(denied[0]!.details).toMatchObject({ reason: 'content_not_permitted_for_role' });
      }
      // Without a grant nobody plays: a collector, or the officer who made it, is told a grant is
      // needed; an officer does not even learn that a colleague's recording exists.
      for (const who of ['collector1', 'officer1']) {
        const res = await api(`/api/recordings/${id}/content`, { as: who });
        expect(res.status, who).toBe(403);
        expect(await json(res)).toMatchObject({ error: 'grant_required' });
      }
      expect((await api(`/api/recordings/${rec['delta.mp4']}/content`, { as: 'officer1' })).status).toBe(404);
      expect((await ledger(t, 'recording.playback')).filter((l) => l.subject?.id === id)).toHaveLength(0);
      expect((await ledger(t, 'recording.download')).filter((l) => l.subject?.id === id)).toHaveLength(0);
    });

    it('downloads honour HTTP Range exactly; the full download hashes to the recording', async () => {
      const id = rec['bravo.mp4']!;
      const original = await readFile(path.join(media.dir, 'north', 'bravo.mp4'));
      const size = original.length;
      await grant('sup', ['bravo.mp4'], 'download');

      const full = await api(`/api/recordings/${id}/original`, { as: 'sup' });
      expect(full.status).toBe(200);
      expect(full.headers.get('accept-ranges')).toBe('bytes');
      expect(full.headers.get('content-length')).toBe(String(size));
      expect(full.headers.get('content-disposition')).toMatch(/^attachment;.*bravo\.mp4/);
      expect(full.headers.get('digest')).toBe(`sha-256=${Buffer.from(sha['bravo.mp4']!, 'hex').toString('base64')}`);
      const fullBytes = Buffer.from(await full.arrayBuffer());
      expect(createHash('sha256').update(fullBytes).digest('hex')).toBe(sha['bravo.mp4']);

      const head = await api(`/api/recordings/${id}/original`, { as: 'sup', headers: { range: 'bytes=0-99' } });
      expect(head.status).toBe(206);
      expect(head.headers.get('content-range')).toBe(`bytes 0-99/${size}`);
      expect(head.headers.get('content-length')).toBe('100');
      expect(Buffer.from(await head.arrayBuffer()).equals(original.subarray(0, 100))).toBe(true);

      const mid = await api(`/api/recordings/${id}/original`, { as: 'sup', headers: { range: 'bytes=1000-1499' } });
      expect(mid.status).toBe(206);
      expect(mid.headers.get('content-range')).toBe(`bytes 1000-1499/${size}`);
      expect(Buffer.from(await mid.arrayBuffer()).equals(original.subarray(1000, 1500))).toBe(true);

      const tail = await api(`/api/recordings/${id}/original`, { as: 'sup', headers: { range: 'bytes=-10' } });
      expect(tail.status).toBe(206);
      expect(tail.headers.get('content-range')).toBe(`bytes ${size - 10}-${size - 1}/${size}`);
      expect(Buffer.from(await tail.arrayBuffer()).equals(original.subarray(size - 10))).toBe(true);

      const open = await api(`/api/recordings/${id}/original`, { as: 'sup', headers: { range: `bytes=${size - 5}-` } });
      expect(open.status).toBe(206);
      expect(Buffer.from(await open.arrayBuffer()).equals(original.subarray(size - 5))).toBe(true);

      for (const range of [`bytes=${size}-`, `bytes=${size + 100}-${size + 200}`, 'bytes=-0']) {
        const bad = await api(`/api/recordings/${id}/original`, { as: 'sup', headers: { range } });
        expect(bad.status, range).toBe(416);
        expect(bad.headers.get('content-range')).toBe(`bytes */${size}`);
        expect((await bad.arrayBuffer()).byteLength).toBe(0);
      }
    });

    it('every playback and download is in the ledger before the response arrives', async () => {
      const id = rec['foxtrot.mp4']!;
      await grant('dispatch1', ['foxtrot.mp4'], 'download');
      await grant('dispatch1', ['foxtrot.mp4'], 'view');
      for (const [suffix, action] of [['/original', 'recording.download'], ['/content', 'recording.playback']] as const) {
        const before = (await ledger(t, action)).filter((l) => l.subject?.id === id).length;
        const res = await api(`/api/recordings/${id}${suffix}`, { as: 'dispatch1', headers: { range: 'bytes=0-1023' } });
        // fetch resolves at the headers; the body is not read yet.
        expect(res.status).toBe(206);
        const entries = (await ledger(t, action)).filter((l) => l.subject?.id === id);
        expect(entries).toHaveLength(before + 1);
        const entry = entries[entries.length - 1]!;
        expect(entry.actor?.name).toBe('dispatch1');
        expect(entry.ip).toBe('127.0.0.1');
        expect(entry.details).toMatchObject({ range: 'bytes=0-1023', sha256: sha['foxtrot.mp4'] });
        expect((await res.arrayBuffer()).byteLength).toBe(1024);
      }
    });

    it('an AVI plays only through its proxy: 409 proxy_not_ready, then video/mp4 once jobs ran', async () => {
      const id = rec['golf.avi']!;
      const detail = await json<{ playable: boolean; videoCodec: string }>(await api(`/api/recordings/${id}`, { as: 'sup' }));
      expect(detail.playable).toBe(false);
      expect(detail.videoCodec).toBe('mpeg4');
      await grant('sup', ['golf.avi', 'alpha.mp4'], 'view');
      await grant('sup', ['golf.avi'], 'download');
      const early = await api(`/api/recordings/${id}/content`, { as: 'sup' });
      expect(early.status).toBe(409);
      expect(await json(early)).toMatchObject({ error: 'proxy_not_ready' });
      // The original still downloads as is.
      const dl = await api(`/api/recordings/${id}/original`, { as: 'sup' });
      expect(dl.status).toBe(200);
      expect(dl.headers.get('content-type')).toBe('video/x-msvideo');
      expect(createHash('sha256').update(Buffer.from(await dl.arrayBuffer())).digest('hex')).toBe(sha['golf.avi']);

      expect(await t.app.jobs.runUntilIdle()).toBeGreaterThan(0);
      const res = await api(`/api/recordings/${id}/content`, { as: 'sup' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('video/mp4');
      expect(res.headers.get('content-disposition')).toMatch(/^inline;/);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.length).toBe(Number(res.headers.get('content-length')));
      expect(bytes.subarray(4, 8).toString('ascii')).toBe('ftyp');
      const proxy = await t.app.recordingsRepo.derivative(id, 'proxy');
      expect(res.headers.get('etag')).toBe(`"${proxy!.sha256}"`);
      const play = (await ledger(t, 'recording.playback')).filter((l) => l.subject?.id === id);
      expect(play).toHaveLength(1);
      expect(play[0]!.details).toMatchObject({ sha256: proxy!.sha256 });
      // An MP4 plays as is: the original's bytes.
      const mp4 = await api(`/api/recordings/${rec['alpha.mp4']}/content`, { as: 'sup' });
      expect(mp4.status).toBe(200);
      expect(createHash('sha256').update(Buffer.from(await mp4.arrayBuffer())).digest('hex')).toBe(sha['alpha.mp4']);
    });

    it('PATCH changes the title and records before/after; facts of the original stay', async () => {
      const id = rec['delta.mp4']!;
      const before = await json<Record<string, unknown>>(await api(`/api/recordings/${id}`, { as: 'sup' }));
      const res = await api(`/api/recordings/${id}`, { as: 'dispatch1', method: 'PATCH', body: { title: 'Traffic stop, Main St', reason: 'case 42' } });
      expect(res.status).toBe(200);
      const after = await json<Record<string, unknown>>(res);
      expect(after.title).toBe('Traffic stop, Main St');
      expect(after.updatedAt).toBeGreaterThanOrEqual(before.updatedAt as number);
      for (const k of ['sha256', 'size', 'originalName', 'startedAt', 'unitId', 'collectedAt']) expect(after[k], k).toEqual(before[k]);
      const updates = (await ledger(t, 'recording.update')).filter((l) => l.subject?.id === id);
      expect(updates).toHaveLength(1);
      expect(updates[0]!.actor?.name).toBe('dispatch1');
      expect(updates[0]!.reason).toBe('case 42');
      expect(updates[0]!.details).toEqual({ before: { title: null }, after: { title: 'Traffic stop, Main St' } });
      // The title is searchable text now.
      const found = await json<{ items: Array<{ id: string }> }>(await api('/api/recordings?q=main%20st', { as: 'sup' }));
      expect(found.items.map((i) => i.id)).toEqual([id]);
      // The same value again changes nothing and writes nothing.
      expect((await api(`/api/recordings/${id}`, { as: 'dispatch1', method: 'PATCH', body: { title: 'Traffic stop, Main St' } })).status).toBe(200);
      expect((await ledger(t, 'recording.update')).filter((l) => l.subject?.id === id)).toHaveLength(1);
      // Roles without the right may not edit, and that denial is recorded too.
      const supervisor = await api(`/api/recordings/${id}`, { as: 'sup', method: 'PATCH', body: { title: 'mine' } });
      expect(supervisor.status).toBe(403);
      expect(await json(supervisor)).toMatchObject({ error: 'role_not_permitted' });
      expect((await ledger(t, 'access.denied')).some((l) => l.actor?.name === 'sup' && l.details.attempted === 'recording.update')).toBe(true);
      const invalid = await api(`/api/recordings/${id}`, { as: 'dispatch1', method: 'PATCH', body: { title: 'x'.repeat(201) } });
      expect(invalid.status).toBe(400);
    });
  });

  describe('ledger proofs', () => {
    it('GET /api/audit/proof/:seq verifies against the signed head from GET /api/audit/head', async () => {
      const head = await json<{ size: number; root: string; timestamp: number; signature: string; publicKey: string }>(await api('/api/audit/head', { as: 'sup' }));
      expect(head.size).toBe((await t.app.ledger.state()).size);
      expect(verifyTreeHead(head.publicKey, head.size, head.timestamp, head.root, Buffer.from(head.signature, 'base64'))).toBe(true);
      const rows = await t.app.auditRepo.entriesPage(0, head.size);
      for (const seq of [1, 2, Math.ceil(head.size / 2), head.size - 1, head.size]) {
        const res = await api(`/api/audit/proof/${seq}`, { as: 'sup' });
        expect(res.status).toBe(200);
        const proof = await json<{ seq: number; leafIndex: number; treeSize: number; leafHash: string; path: string[]; root: string }>(res);
        expect(proof.treeSize).toBe(head.size);
        expect(proof.root).toBe(head.root);
        expect(proof.leafHash).toBe(leafHash(rows[seq - 1]!.leaf).toString('hex'));
        const ok = verifyInclusion(proof.leafIndex, proof.treeSize, Buffer.from(proof.leafHash, 'hex'), proof.path.map((p) => Buffer.from(p, 'hex')), Buffer.from(head.root, 'hex'));
        expect(ok, `seq ${seq}`).toBe(true);
        // A proof for one leaf does not prove another.
        const other = leafHash(rows[seq % head.size]!.leaf);
        expect(verifyInclusion(proof.leafIndex, proof.treeSize, other, proof.path.map((p) => Buffer.from(p, 'hex')), Buffer.from(head.root, 'hex'))).toBe(false);
      }
      const missing = await api(`/api/audit/proof/${head.size + 1000}`, { as: 'sup' });
      expect(missing.status).toBe(404);
      expect(await json(missing)).toMatchObject({ error: 'ledger_entry_not_found' });

      // Against an older tree: the proof verifies against that tree's root, which the head's tree extends.
      const old = await json<{ leafIndex: number; treeSize: number; leafHash: string; path: string[]; root: string }>(await api('/api/audit/proof/2?treeSize=3', { as: 'sup' }));
      expect(old.treeSize).toBe(3);
      expect(verifyInclusion(old.leafIndex, 3, Buffer.from(old.leafHash, 'hex'), old.path.map((p) => Buffer.from(p, 'hex')), Buffer.from(old.root, 'hex'))).toBe(true);
      const cons = await json<{ fromRoot: string; toRoot: string; path: string[] }>(await api(`/api/audit/consistency?from=3&to=${head.size}`, { as: 'sup' }));
      expect(cons.fromRoot).toBe(old.root);
      expect(cons.toRoot).toBe(head.root);
      expect(verifyConsistency(3, head.size, Buffer.from(old.root, 'hex'), Buffer.from(head.root, 'hex'), cons.path.map((p) => Buffer.from(p, 'hex')))).toBe(true);
      // A tree larger than the ledger is not found (it used to be a 500).
      const future = await api(`/api/audit/proof/1?treeSize=${head.size + 1000}`, { as: 'sup' });
      expect(future.status).toBe(404);
      expect(await json(future)).toMatchObject({ error: 'tree_size_not_found' });
    });
  });
});

describe.each(dialects())('login throttling (%s)', (dialect) => {
  let t: TestApp;
  let http: Listening;
  beforeAll(async () => {
    t = await openTestApp({ dialect });
    await t.app.identity.addUser({ username: 'victim', password: PASSWORD, roles: ['supervisor'] }, null);
    http = await listen(t);
  });
  afterAll(async () => {
    await http?.server.close();
    await t?.close();
  });

  it('after 5 failures the next attempt is 429 login_throttled, even with the right password', async () => {
    const login = (password: string) =>
      fetch(`${http.base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'victim', password }) });
    for (let i = 0; i < 5; i++) {
      const res = await login(`wrong password ${i}`);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toBe('bad_credentials');
    }
    const throttled = await login('wrong again!!');
    expect(throttled.status).toBe(429);
    expect(((await throttled.json()) as { error: string }).error).toBe('login_throttled');
    const right = await login(PASSWORD);
    expect(right.status).toBe(429);
    expect(right.headers.getSetCookie()).toEqual([]);
    const rows = await t.app.auditRepo.entriesPage(0, 10_000);
    const actions = rows.map((r) => decodeLeaf(r.leaf)).filter((l) => l.action.startsWith('auth.'));
    expect(actions.map((l) => l.action)).toEqual([...Array<string>(5).fill('auth.login_failed'), 'auth.login_throttled', 'auth.login_throttled']);
    expect(actions.every((l) => l.details.username === 'victim' && l.ip === '127.0.0.1')).toBe(true);
  });
});
