import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../app.js';
import { requestMeta } from '../http/types.js';
import type { Actor } from './actor.js';
import { STEP_UP_STAGES } from './site-settings.js';

export const SESSION_COOKIE = 'custodia_session';

const Me = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(z.string()),
  unitId: z.string(),
  badge: z.string().nullable(),
  clearance: z.number(),
  mustChangePassword: z.boolean().describe('true: choose a new password before anything else'),
  totpEnrolled: z.boolean(),
});

const me = (a: Actor) => ({ id: a.id, username: a.username, displayName: a.displayName, roles: a.roles, unitId: a.unitId, badge: a.badge, clearance: a.clearance, mustChangePassword: a.mustChangePassword, totpEnrolled: a.totpEnrolled });

export function identityRoutes(app: App): FastifyPluginAsync {
  /** The browser session cookie: HttpOnly, SameSite=Strict, Secure behind HTTPS. */
  const setSessionCookie = (reply: FastifyReply, secret: string, expiresAt: number) =>
    void reply.setCookie(SESSION_COOKIE, secret, { httpOnly: true, sameSite: 'strict', secure: app.config.secureCookies, path: '/', expires: new Date(expiresAt) });

  return async (f) => {
    const server = f.withTypeProvider<ZodTypeProvider>();

    server.post('/api/auth/login', {
      config: { auth: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with username, password and — once an authenticator is enrolled — the dynamic password (401 `otp_required` without it); sets an HttpOnly session cookie',
        body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024), otp: z.string().max(16).optional() }),
        response: { 200: z.object({ user: Me, expiresAt: z.number() }) },
      },
      handler: async (req, reply) => {
        const { secret, expiresAt, actor } = await app.sessions.login(req.body.username, req.body.password, req.body.otp?.trim() || undefined, requestMeta(req));
        setSessionCookie(reply, secret, expiresAt);
        return { user: me(actor), expiresAt };
      },
    });

    server.post('/api/auth/logout', {
      config: { auth: 'self' },
      schema: { tags: ['auth'], summary: 'End this session', response: { 204: z.null() } },
      handler: async (req, reply) => {
        await app.sessions.logout(req.actor!, requestMeta(req));
        void reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.status(204).send(null);
      },
    });

    server.post('/api/auth/logout-everywhere', {
      config: { auth: 'self' },
      schema: { tags: ['auth'], summary: 'End every browser session of the signed-in user, on every device', response: { 200: z.object({ sessionsEnded: z.number() }) } },
      handler: async (req, reply) => {
        const n = await app.sessions.logoutEverywhere(req.actor!, requestMeta(req));
        void reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return { sessionsEnded: n };
      },
    });

    server.post('/api/auth/password', {
      config: { auth: 'self' },
      schema: {
        tags: ['auth'],
        summary: 'Change your password: every other session ends, this one continues under a new cookie',
        body: z.object({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(1).max(1024) }),
        response: { 200: z.object({ expiresAt: z.number() }) },
      },
      handler: async (req, reply) => {
        const { secret, expiresAt } = await app.sessions.changePassword(req.actor!, req.body.currentPassword, req.body.newPassword, requestMeta(req));
        setSessionCookie(reply, secret, expiresAt);
        return { expiresAt };
      },
    });

    server.get('/api/auth/me', {
      config: { auth: 'self' },
      schema: {
        tags: ['auth'],
        summary: 'Who am I, and which custody stages ask for a dynamic password',
        response: { 200: Me.extend({ stepUpStages: z.array(z.enum(STEP_UP_STAGES)) }) },
      },
      handler: async (req) => ({ ...me(req.actor!), stepUpStages: (await app.settings.authority()).stepUpStages }),
    });

    server.post('/api/auth/totp/enrol', {
      config: { auth: 'self' },
      schema: {
        tags: ['auth'],
        summary: 'Start enrolling an authenticator (TOTP, RFC 6238): returns the secret, the otpauth:// URI and its QR code; confirm with a first code',
        response: { 200: z.object({ secret: z.string(), uri: z.string(), qrDataUrl: z.string() }) },
      },
      handler: async (req) => app.sessions.beginTotpEnrolment(req.actor!, requestMeta(req)),
    });

    server.post('/api/auth/totp/confirm', {
      config: { auth: 'self' },
      schema: { tags: ['auth'], summary: 'Confirm the authenticator with its current code', body: z.object({ code: z.string().min(6).max(16) }), response: { 204: z.null() } },
      handler: async (req, reply) => {
        await app.sessions.confirmTotpEnrolment(req.actor!, req.body.code.trim(), requestMeta(req));
        return reply.status(204).send(null);
      },
    });

    server.post('/api/auth/totp/remove', {
      config: { auth: 'self' },
      schema: { tags: ['auth'], summary: 'Remove your authenticator (needs a current code from it)', body: z.object({ code: z.string().min(6).max(16) }), response: { 204: z.null() } },
      handler: async (req, reply) => {
        await app.sessions.removeTotp(req.actor!, req.body.code.trim(), requestMeta(req));
        return reply.status(204).send(null);
      },
    });
  };
}
