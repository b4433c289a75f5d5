import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyRequest } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../app.js';
import { accessRoutes } from '../access/index.js';
import { auditRoutes } from '../audit/routes.js';
import { caseRoutes } from '../cases/index.js';
import { retentionRoutes } from '../retention/index.js';
import { siteStatus } from '../demo/index.js';
import { deviceRoutes } from '../devices/routes.js';
import type { Actor, AuthzTraceEntry } from '../identity/index.js';
import { directoryRoutes } from '../identity/directory-routes.js';
import { identityRoutes, SESSION_COOKIE } from '../identity/routes.js';
import { ingestRoutes } from '../ingest/routes.js';
import { errorHandler } from '../platform/http/errors.js';
import { Forbidden, Unauthenticated } from '../platform/errors.js';
import { recordingRoutes } from '../recordings/routes.js';
import { supervisionRoutes } from '../supervision/index.js';
import type { RouteAuth } from './types.js';
import './types.js';
import { webApp } from './web-app.js';


export const API_VERSION = '0.1.0';

async function resolveActor(app: App, req: FastifyRequest): Promise<Actor | null> {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return (await app.sessions.authenticate(auth.slice(7).trim())) ?? null;
  const c = req.cookies[SESSION_COOKIE];
  return c ? ((await app.sessions.authenticate(c)) ?? null) : null;
}

export interface ServerOptions {
  /** More route plugins, registered after the built-in ones (tests use it to prove the fail-closed check). */
  plugins?: FastifyPluginAsync[] | undefined;
  /** Called when a response has gone out, with the route and every authorization decision taken for it (tests). */
  observeAuthz?: ((o: { method: string; route: string; auth: RouteAuth | undefined; status: number; trace: readonly AuthzTraceEntry[] }) => void) | undefined;
}

/** The HTTP API: one Fastify server, zod-validated routes, OpenAPI at /api/openapi.json. */
export async function buildServer(app: App, opts: ServerOptions = {}): Promise<FastifyInstance> {
  const server = Fastify({
    loggerInstance: app.log,
    // Behind a reverse proxy, client addresses (for the ledger and login throttling) come from X-Forwarded-For.
    trustProxy: app.config.trustProxy,
    // No implicit HEAD routes: a HEAD on content would be audited as a playback that sent nothing.
    exposeHeadRoutes: false,
    bodyLimit: 1024 * 1024,
    genReqId: () => Math.random().toString(36).slice(2, 12),
  }).withTypeProvider<ZodTypeProvider>();
  server.setValidatorCompiler(validatorCompiler);
  server.setSerializerCompiler(serializerCompiler);
  server.setErrorHandler(errorHandler);
  server.decorateRequest('actor', null);
  server.decorateRequest('authzTrace', null as unknown as AuthzTraceEntry[]);

  const undeclared: string[] = [];
  server.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api')) return;
    const auth = route.config?.auth;
    if (auth !== 'public' && auth !== 'user' && auth !== 'self') undeclared.push(`${String(route.method)} ${route.url}`);
  });

  await server.register(cookie);
  await server.register(swagger, {
    openapi: {
      info: { title: 'Custodia API', version: API_VERSION, description: 'Evidence management for law-enforcement audio and video. Every content access is audited.' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    transform: jsonSchemaTransform,
  });

  server.addHook('onRequest', async (req, reply) => {
    req.authzTrace = [];
    const auth = (req.routeOptions.config as { auth?: RouteAuth }).auth;
    if (opts.observeAuthz) {
      const observe = opts.observeAuthz;
      reply.raw.once('finish', () => observe({ method: req.method, route: req.routeOptions.url ?? req.url, auth, status: reply.raw.statusCode, trace: req.authzTrace }));
    }
    if (auth === 'public' || !req.url.startsWith('/api')) return;
    req.actor = await resolveActor(app, req);
    if (!req.actor) throw Unauthenticated('unauthenticated', 'sign in, or send an API token as "Authorization: Bearer …"');
    if (req.actor.mustChangePassword && auth !== 'self') throw Forbidden('password_change_required', 'choose a new password first (POST /api/auth/password)');
  });

  // Fail closed: a route that must ask the authorization rule and answered without asking is refused.
  server.addHook('onSend', async (req, reply, payload) => {
    const auth = (req.routeOptions.config as { auth?: RouteAuth }).auth;
    if (auth !== 'user' || reply.statusCode >= 400 || req.authzTrace.length > 0) return payload;
    req.log.error({ route: req.routeOptions.url, method: req.method }, 'route answered without asking the authorization rule');
    if (payload && typeof (payload as { destroy?: unknown }).destroy === 'function') (payload as { destroy(): void }).destroy();
    void reply.status(500).header('content-type', 'application/json; charset=utf-8').removeHeader('content-length').removeHeader('content-range').removeHeader('content-disposition');
    return JSON.stringify({ error: 'authorization_not_checked', message: 'internal error: this route did not check authorization', requestId: req.id });
  });

  server.get('/api/health', {
    config: { auth: 'public' },
    schema: {
      tags: ['system'],
      summary: 'Liveness and readiness; whether the site is a demo (all data fictitious) or still empty (no recordings)',
      response: { 200: z.object({ status: z.literal('ok'), version: z.string(), database: z.string(), ledgerSize: z.number(), demo: z.boolean(), empty: z.boolean() }) },
    },
    handler: async () => ({ status: 'ok' as const, version: API_VERSION, database: app.db.dialect, ledgerSize: (await app.ledger.state()).size, ...(await siteStatus(app.db)) }),
  });
  server.get('/api/openapi.json', { config: { auth: 'public' }, schema: { hide: true } }, async () => server.swagger());

  await server.register(identityRoutes(app));
  await server.register(directoryRoutes(app));
  await server.register(recordingRoutes(app));
  await server.register(auditRoutes(app));
  await server.register(ingestRoutes(app));
  await server.register(deviceRoutes(app));
  await server.register(accessRoutes(app));
  await server.register(caseRoutes(app));
  await server.register(retentionRoutes(app));
  await server.register(supervisionRoutes(app));
  for (const plugin of opts.plugins ?? []) await server.register(plugin);

  await server.register(webApp({ siteName: app.config.siteName }));

  await server.ready();
  if (undeclared.length > 0) throw new Error(`routes without an auth declaration: ${undeclared.join(', ')}`);
  return server as unknown as FastifyInstance;
}
