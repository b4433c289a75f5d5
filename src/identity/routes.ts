import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../app.js';
import { requestMeta } from '../http/types.js';

export const SESSION_COOKIE = 'custodia_session';

const Me = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(z.string()),
  unitId: z.string(),
  badge: z.string().nullable(),
});

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
        summary: 'Sign in with username and password; sets an HttpOnly session cookie',
        body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) }),
        response: { 200: z.object({ user: Me, expiresAt: z.number() }) },
      },
      handler: async (req, reply) => {
        const { secret, expiresAt, actor } = await app.identity.login(req.body.username, req.body.password, requestMeta(req));
        setSessionCookie(reply, secret, expiresAt);
        return { user: { id: actor.id, username: actor.username, displayName: actor.displayName, roles: actor.roles, unitId: actor.unitId, badge: actor.badge }, expiresAt };
      },
    });

    server.post('/api/auth/logout', {
      config: { auth: 'user' },
      schema: { tags: ['auth'], summary: 'End this session', response: { 204: z.null() } },
      handler: async (req, reply) => {
        await app.identity.logout(req.actor!, requestMeta(req));
        void reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.status(204).send(null);
      },
    });

    server.post('/api/auth/logout-everywhere', {
      config: { auth: 'user' },
      schema: { tags: ['auth'], summary: 'End every browser session of the signed-in user, on every device', response: { 200: z.object({ sessionsEnded: z.number() }) } },
      handler: async (req, reply) => {
        const n = await app.identity.logoutEverywhere(req.actor!, requestMeta(req));
        void reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return { sessionsEnded: n };
      },
    });

    server.post('/api/auth/password', {
      config: { auth: 'user' },
      schema: {
        tags: ['auth'],
        summary: 'Change your password: every other session ends, this one continues under a new cookie',
        body: z.object({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(1).max(1024) }),
        response: { 200: z.object({ expiresAt: z.number() }) },
      },
      handler: async (req, reply) => {
        const { secret, expiresAt } = await app.identity.changePassword(req.actor!, req.body.currentPassword, req.body.newPassword, requestMeta(req));
        setSessionCookie(reply, secret, expiresAt);
        return { expiresAt };
      },
    });

    server.get('/api/auth/me', {
      config: { auth: 'user' },
      schema: { tags: ['auth'], summary: 'Who am I', response: { 200: Me } },
      handler: async (req) => {
        const a = req.actor!;
        return { id: a.id, username: a.username, displayName: a.displayName, roles: a.roles, unitId: a.unitId, badge: a.badge };
      },
    });
  };
}
