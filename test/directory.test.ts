import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLeaf, type Leaf } from '../src/audit/leaf.js';
import { DEFAULT_AUTHORITY_SETTINGS, totpCode, TOTP_PERIOD_S } from '../src/identity/index.js';
import { dialects, fixedClock, openTestApp, postgresSkipNote, type TestApp } from './support/app.js';
import { actorOf } from './support/grants.js';
import { listen, type Listening } from './support/http.js';

/**
 * Units and people (R-ORG, R-ROLES) and dynamic passwords (R-STEPUP) over real HTTP: the
 * administrator builds the tree and manages people inside their subtree, never their own
 * authority; people chosen a password by someone else must replace it; deactivation ends every
 * session and token; an authenticator is enrolled with a QR code, asked at sign-in and for the
 * configured stages, and a code is never accepted twice.
 */

const PASSWORD = 'directory-test-password';
const START = Date.parse('2026-05-01T00:00:10Z');

postgresSkipNote();

describe.each(dialects())('units, people and dynamic passwords (%s)', (dialect) => {
  let t: TestApp;
  let http: Listening;
  const clock = fixedClock(START);
  const token: Record<string, string> = {};
  let rootId = '';

  const req = async (method: string, url: string, opts: { as?: string; cookie?: string; body?: unknown; otp?: string } = {}) => {
    const headers: Record<string, string> = {};
    if (opts.as) headers.authorization = `Bearer ${token[opts.as]}`;
    if (opts.cookie) headers.cookie = opts.cookie;
    if (opts.otp) headers['x-custodia-otp'] = opts.otp;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    return fetch(`${http.base}${url}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  };
  const login = async (username: string, password: string, otp?: string) => {
    const res = await req('POST', '/api/auth/login', { body: { username, password, ...(otp ? { otp } : {}) } });
    return { res, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '' };
  };
  const errorOf = async (res: Response) => ((await res.json()) as { error: string }).error;
  const ledger = async (action: string): Promise<Leaf[]> => (await t.app.auditRepo.entriesPage(0, 1_000_000)).map((r) => decodeLeaf(r.leaf)).filter((l) => l.action === action);

  beforeAll(async () => {
    t = await openTestApp({ dialect, clock });
    rootId = (await t.app.identity.resolveUnit(undefined)).id;
    await t.app.identity.addUnit({ code: 'north', name: 'North station' }, null);
    for (const p of [
      { username: 'root-admin', roles: ['admin' as const] },
      { username: 'north-admin', roles: ['admin' as const], unitCode: 'north' },
      { username: 'boss', roles: ['approver' as const] },
    ]) {
      await t.app.identity.addUser({ ...p, password: PASSWORD }, null);
      token[p.username] = (await t.app.sessions.createToken(p.username, 'test', null)).secret;
    }
    http = await listen(t);
  });
  afterAll(async () => {
    await http?.server.close();
    await t?.close();
  });

  it('the administrator builds the unit tree; others see their subtree', async () => {
    const north = (await t.app.identity.resolveUnit('north')).id;
    const team = await req('POST', '/api/units', { as: 'root-admin', body: { code: 'north-t1', name: 'North team 1', parentId: north } });
    expect(team.status).toBe(201);
    expect(await team.json()).toMatchObject({ code: 'north-t1', parentId: north, depth: 2 });
    expect(await errorOf(await req('POST', '/api/units', { as: 'root-admin', body: { code: 'north-t1', name: 'again', parentId: north } }))).toBe('unit_code_taken');
    // A station's administrator cannot add a unit beside their station.
    expect((await req('POST', '/api/units', { as: 'north-admin', body: { code: 'east', name: 'East', parentId: rootId } })).status).toBe(403);
    const listed = (await (await req('GET', '/api/units', { as: 'north-admin' })).json()) as { items: Array<{ code: string }> };
    expect(listed.items.map((u) => u.code).sort()).toEqual(['north', 'north-t1']);
    const renamed = await req('PATCH', `/api/units/${north}`, { as: 'north-admin', body: { name: 'North police station' } });
    expect(await renamed.json()).toMatchObject({ name: 'North police station' });
    expect((await ledger('unit.rename')).at(-1)).toMatchObject({ details: { before: 'North station', after: 'North police station' } });
  });

  it('a person added by the administrator must choose a new password before anything else', async () => {
    const north = (await t.app.identity.resolveUnit('north')).id;
    const created = await req('POST', '/api/users', { as: 'north-admin', body: { username: 'zhao', password: 'initial password 1', roles: ['officer'], unitId: north, badge: '400001' } });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ username: 'zhao', mustChangePassword: true, roles: ['officer'], badge: '400001' });
    expect(await errorOf(await req('POST', '/api/users', { as: 'north-admin', body: { username: 'zhao2', password: 'initial password 1', roles: ['officer'], unitId: north, badge: '400001' } }))).toBe('badge_taken');
    const { cookie } = await login('zhao', 'initial password 1');
    const blocked = await req('GET', '/api/recordings', { cookie });
    expect(blocked.status).toBe(403);
    expect(await errorOf(blocked)).toBe('password_change_required');
    expect(await ((await req('GET', '/api/auth/me', { cookie })).json())).toMatchObject({ mustChangePassword: true });
    const changed = await req('POST', '/api/auth/password', { cookie, body: { currentPassword: 'initial password 1', newPassword: 'my own password 2' } });
    expect(changed.status).toBe(200);
    const fresh = (changed.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect((await req('GET', '/api/recordings', { cookie: fresh })).status).toBe(200);
  });

  it('administrators manage only their subtree, and never their own authority', async () => {
    const boss = (await t.app.identity.userByUsername('boss'))!;
    // The county approver lies outside the station administrator's subtree: not even revealed.
    expect((await req('PATCH', `/api/users/${boss.id}`, { as: 'north-admin', body: { displayName: 'x' } })).status).toBe(404);
    // Reading them answers the same: not found, not forbidden (a 403 would say they exist).
    const read = await req('GET', `/api/users/${boss.id}`, { as: 'north-admin' });
    expect(read.status).toBe(404);
    expect(((await read.json()) as { error: string }).error).toBe('user_not_found');
    const self = (await t.app.identity.userByUsername('north-admin'))!;
    const own = await req('PATCH', `/api/users/${self.id}`, { as: 'north-admin', body: { roles: ['admin', 'approver'] } });
    expect(own.status).toBe(403);
    expect(await errorOf(own)).toBe('self_change_forbidden');
    // A refusal, like every denial, is in the ledger (test/refusals-audited.test.ts covers each kind).
    expect((await ledger('access.denied')).at(-1)).toMatchObject({ actor: { name: 'north-admin' }, subject: { type: 'user', id: self.id }, details: { attempted: 'user.manage', reason: 'self_change_forbidden' } });
    const zhao = (await t.app.identity.userByUsername('zhao'))!;
    const up = await req('PATCH', `/api/users/${zhao.id}`, { as: 'north-admin', body: { roles: ['officer', 'collector'], clearance: 1, reason: 'joined the collection desk' } });
    expect(await up.json()).toMatchObject({ roles: ['officer', 'collector'], clearance: 1 });
    expect((await ledger('user.update')).at(-1)).toMatchObject({ reason: 'joined the collection desk', details: { before: { roles: ['officer'], clearance: 0 }, after: { roles: ['officer', 'collector'], clearance: 1 } } });
    // An approver reads people but cannot manage them.
    expect((await req('GET', '/api/users', { as: 'boss' })).status).toBe(200);
    const denied = await req('POST', `/api/users/${zhao.id}/deactivate`, { as: 'boss', body: { reason: 'x' } });
    expect(denied.status).toBe(403);
    expect(await errorOf(denied)).toBe('role_not_permitted');
  });

  it('deactivation ends every session and token at once; reactivation restores sign-in only', async () => {
    const zhao = (await t.app.identity.userByUsername('zhao'))!;
    const { cookie } = await login('zhao', 'my own password 2');
    const tok = (await t.app.sessions.createToken('zhao', 'script', null)).secret;
    expect((await req('GET', '/api/auth/me', { cookie })).status).toBe(200);
    const off = await req('POST', `/api/users/${zhao.id}/deactivate`, { as: 'north-admin', body: { reason: 'transferred' } });
    expect(off.status).toBe(200);
    expect((await req('GET', '/api/auth/me', { cookie })).status).toBe(401);
    expect((await fetch(`${http.base}/api/auth/me`, { headers: { authorization: `Bearer ${tok}` } })).status).toBe(401);
    expect((await login('zhao', 'my own password 2')).res.status).toBe(401);
    await req('POST', `/api/users/${zhao.id}/reactivate`, { as: 'north-admin', body: { reason: 'back' } });
    expect((await login('zhao', 'my own password 2')).res.status).toBe(200);
    expect((await fetch(`${http.base}/api/auth/me`, { headers: { authorization: `Bearer ${tok}` } })).status).toBe(401);
  });

  it('an authenticator: enrol with a QR code, sign in with it, no code accepted twice', async () => {
    const { cookie } = await login('zhao', 'my own password 2');
    const enrol = await req('POST', '/api/auth/totp/enrol', { cookie });
    expect(enrol.status).toBe(200);
    const { secret, uri, qrDataUrl } = (await enrol.json()) as { secret: string; uri: string; qrDataUrl: string };
    expect(uri).toMatch(/^otpauth:\/\/totp\/.*secret=/);
    expect(qrDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(Buffer.from(qrDataUrl.split(',')[1]!, 'base64').subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(await errorOf(await req('POST', '/api/auth/totp/confirm', { cookie, body: { code: '000000' } }))).toBe('otp_invalid');
    const first = totpCode(secret, clock.now());
    expect((await req('POST', '/api/auth/totp/confirm', { cookie, body: { code: first } })).status).toBe(204);
    // The secret is sealed at rest, not stored in clear.
    const row = (await t.app.identity.userByUsername('zhao'))!;
    expect(row.totp_secret).not.toContain(secret);

    // Sign-in now needs the code; the code used to confirm can't be used again.
    const without = await login('zhao', 'my own password 2');
    expect(without.res.status).toBe(401);
    expect(await errorOf(without.res)).toBe('otp_required');
    expect(await errorOf((await login('zhao', 'my own password 2', first)).res)).toBe('otp_invalid');
    clock.advance(TOTP_PERIOD_S * 1000);
    const next = totpCode(secret, clock.now());
    const ok = await login('zhao', 'my own password 2', next);
    expect(ok.res.status).toBe(200);
    expect(await errorOf((await login('zhao', 'my own password 2', next)).res)).toBe('otp_invalid');
    expect((await ledger('auth.login_failed')).filter((l) => l.details.username === 'zhao').map((l) => l.details.reason)).toContain('otp_invalid');

    // Step-up for a configured stage: a fresh code with the request, once.
    await t.app.settings.setAuthority({ ...DEFAULT_AUTHORITY_SETTINGS, stepUpStages: ['approve'] }, null, null, null);
    const stepUp = t.app.stepUp;
    const actor = await actorOf(t.app, 'zhao');
    await expect(stepUp.require(actor, 'approve', { ip: null })).rejects.toMatchObject({ code: 'step_up_required' });
    clock.advance(TOTP_PERIOD_S * 1000);
    const code = totpCode(secret, clock.now());
    await stepUp.require(actor, 'approve', { ip: null, otp: code });
    await expect(stepUp.require(actor, 'approve', { ip: null, otp: code })).rejects.toMatchObject({ code: 'step_up_invalid' });
    await expect(stepUp.require(actor, 'issue_return', { ip: null })).resolves.toBeUndefined();
    await t.app.settings.setAuthority(DEFAULT_AUTHORITY_SETTINGS, null, null, null);

    // Two requests racing with one fresh code: exactly one spends it.
    clock.advance(TOTP_PERIOD_S * 1000);
    const raced = totpCode(secret, clock.now());
    const results = await Promise.all([login('zhao', 'my own password 2', raced), login('zhao', 'my own password 2', raced)]);
    expect(results.map((r) => r.res.status).sort()).toEqual([200, 401]);

    // Lost phone: the administrator removes it; sign-in works with the password alone again.
    const zhao = (await t.app.identity.userByUsername('zhao'))!;
    expect((await req('POST', `/api/users/${zhao.id}/reset-authenticator`, { as: 'north-admin', body: { reason: 'lost phone' } })).status).toBe(200);
    expect((await login('zhao', 'my own password 2')).res.status).toBe(200);
  });

  it('settings are the administrator’s, validated, and versioned in the ledger', async () => {
    const bad = await req('PUT', '/api/settings/authority', { as: 'root-admin', body: { settings: { stepUpStages: ['teleport'] } } });
    expect(bad.status).toBe(400);
    expect(await errorOf(bad)).toBe('settings_invalid');
    const good = await req('PUT', '/api/settings/authority', { as: 'root-admin', body: { settings: { ...DEFAULT_AUTHORITY_SETTINGS, stepUpStages: ['export', 'delete'] }, reason: 'bureau rule 7' } });
    expect(good.status).toBe(200);
    clock.advance(5000);
    expect(await ((await req('GET', '/api/settings/authority', { as: 'root-admin' })).json())).toMatchObject({ stepUpStages: ['export', 'delete'] });
    expect((await req('GET', '/api/settings/authority', { as: 'boss' })).status).toBe(403);
    expect((await ledger('settings.update')).at(-1)).toMatchObject({ reason: 'bureau rule 7', details: { after: { stepUpStages: ['export', 'delete'] } } });
    await t.app.settings.setAuthority(DEFAULT_AUTHORITY_SETTINGS, null, null, null);
  });
});
