import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, fixedClock, openTestApp, type TestApp } from './support/app.js';
import { listen } from './support/http.js';

/** Sessions end when the user says so, everywhere, when the password changes, and at their lifetime (issue 3). */
describe('sessions: log out everywhere, password change', () => {
  let t: TestApp;
  let server: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    t = await openTestApp();
    await t.app.identity.addUser({ username: 'zhang', password: 'first-password-1', roles: ['dispatcher'] }, null);
    ({ server, base } = await listen(t));
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

describe.each(dialects())('sessions: they expire, and an ended session is never taken again (%s)', (dialect) => {
  const START = Date.parse('2026-03-01T08:00:00Z');
  const MINUTE = 60_000;
  const clock = fixedClock(START);
  let t: TestApp;
  let server: FastifyInstance;
  let base: string;
  let ttl: number;

  beforeAll(async () => {
    // A short lifetime set the way an operator sets it; the server's own clock is the test's.
    t = await openTestApp({ dialect, clock, env: { CUSTODIA_SESSION_TTL_HOURS: '2' } });
    ttl = t.config.sessionTtlHours * 3600_000;
    await t.app.identity.addUser({ username: 'li', password: 'session-password-1', roles: ['supervisor'] }, null);
    ({ server, base } = await listen(t));
  });
  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  async function login(): Promise<{ cookie: string; expiresAt: number }> {
    const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'li', password: 'session-password-1' }) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { expiresAt: number };
    return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '', expiresAt: body.expiresAt };
  }
  const me = async (cookie: string) => {
    const res = await fetch(`${base}/api/auth/me`, { headers: { cookie } });
    await res.arrayBuffer();
    return res.status;
  };
  const post = async (p: string, cookie: string) => {
    const res = await fetch(`${base}${p}`, { method: 'POST', headers: { cookie } });
    await res.arrayBuffer();
    return res.status;
  };

  it('a session ends at its lifetime, however busy it was', async () => {
    expect(ttl).toBe(2 * 3600_000);
    const s = await login();
    expect(s.expiresAt).toBe(clock.now() + ttl);
    // Used all along — using it does not extend it.
    for (let i = 0; i < 4; i += 1) {
      clock.advance(ttl / 4 - MINUTE);
      expect(await me(s.cookie)).toBe(200);
    }
    clock.set(s.expiresAt - 1);
    expect(await me(s.cookie)).toBe(200);
    clock.set(s.expiresAt);
    expect(await me(s.cookie)).toBe(401);
    clock.advance(ttl);
    expect(await me(s.cookie)).toBe(401);
    // Signing in again gives a fresh session; the old one stays dead.
    const fresh = await login();
    expect(await me(fresh.cookie)).toBe(200);
    expect(await me(s.cookie)).toBe(401);
  });

  it('a session left idle past its end is not taken again, nor can it sign out', async () => {
    const s = await login();
    clock.advance(ttl + MINUTE);
    expect(await me(s.cookie)).toBe(401);
    expect(await post('/api/auth/logout', s.cookie)).toBe(401);
    expect(await post('/api/auth/logout-everywhere', s.cookie)).toBe(401);
  });

  it('a signed-out (revoked) session cannot be reused, even well within its lifetime', async () => {
    const s = await login();
    const other = await login();
    expect(await post('/api/auth/logout', s.cookie)).toBe(204);
    expect(await me(s.cookie)).toBe(401);
    clock.advance(MINUTE);
    expect(await me(s.cookie)).toBe(401);
    expect(await post('/api/auth/logout', s.cookie)).toBe(401);
    // Signing out one session leaves the others.
    expect(await me(other.cookie)).toBe(200);
    const entries = (await t.app.auditRepo.entriesPage(0, 10_000)).map((e) => e.action);
    expect(entries).toContain('auth.logout');
  });
});
