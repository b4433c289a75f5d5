import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/http/server.js';
import { openTestApp, type TestApp } from './support/app.js';

/** Sessions end when the user says so, everywhere, and when the password changes (issue 3). */
describe('sessions: log out everywhere, password change', () => {
  let t: TestApp;
  let server: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    t = await openTestApp();
    await t.app.identity.addUser({ username: 'zhang', password: 'first-password-1', roles: ['dispatcher'] }, null);
    server = await buildServer(t.app);
    await server.listen({ host: '127.0.0.1', port: 0 });
    const a = server.server.address();
    base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  });
  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  async function login(password: string): Promise<{ status: number; cookie: string }> {
    const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'zhang', password }) });
    const set = res.headers.get('set-cookie') ?? '';
    return { status: res.status, cookie: set.split(';')[0] ?? '' };
  }
  const me = async (cookie: string) => (await fetch(`${base}/api/auth/me`, { headers: { cookie } })).status;
  const post = (p: string, cookie: string, body?: unknown) =>
    fetch(`${base}${p}`, { method: 'POST', headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const actions = async () => (await t.app.auditRepo.entriesPage(0, 10_000)).map((e) => e.action);

  it('log out everywhere ends the sessions on every device', async () => {
    const laptop = await login('first-password-1');
    const tablet = await login('first-password-1');
    expect([await me(laptop.cookie), await me(tablet.cookie)]).toEqual([200, 200]);
    const res = await post('/api/auth/logout-everywhere', laptop.cookie);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { sessionsEnded: number }).sessionsEnded).toBeGreaterThanOrEqual(2);
    expect([await me(laptop.cookie), await me(tablet.cookie)]).toEqual([401, 401]);
    expect(await actions()).toContain('auth.logout_everywhere');
  });

  it('a password change ends every other session and rotates the caller’s own', async () => {
    const laptop = await login('first-password-1');
    const tablet = await login('first-password-1');
    const token = (await t.app.sessions.createToken('zhang', 'script', null)).secret;

    expect((await post('/api/auth/password', laptop.cookie, { currentPassword: 'wrong-password-0', newPassword: 'second-password-2' })).status).toBe(401);
    expect((await post('/api/auth/password', laptop.cookie, { currentPassword: 'first-password-1', newPassword: 'short' })).status).toBe(400);
    expect(await me(tablet.cookie)).toBe(200);

    const res = await post('/api/auth/password', laptop.cookie, { currentPassword: 'first-password-1', newPassword: 'second-password-2' });
    expect(res.status).toBe(200);
    const rotated = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect(rotated).not.toBe(laptop.cookie);
    expect(await me(rotated)).toBe(200);
    expect(await me(laptop.cookie)).toBe(401);
    expect(await me(tablet.cookie)).toBe(401);
    // Scripts' API tokens are revoked on their own (custodia token revoke), not by a password change.
    expect((await fetch(`${base}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);

    expect((await login('first-password-1')).status).toBe(401);
    expect((await login('second-password-2')).status).toBe(200);
    const log = await actions();
    expect(log).toContain('auth.password_change');
    expect(log).toContain('auth.password_change_failed');
  });
});
