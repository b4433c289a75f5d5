import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../app.js';
import { auditRoutes } from '../audit/routes.js';
import type { Actor } from '../identity/index.js';
import { identityRoutes, SESSION_COOKIE } from '../identity/routes.js';
import { ingestRoutes } from '../ingest/routes.js';
import { errorHandler } from '../platform/http/errors.js';
import { Unauthenticated } from '../platform/errors.js';
import { recordingRoutes } from '../recordings/routes.js';
import type { RouteAuth } from './types.js';
import './types.js';


export const API_VERSION = '0.1.0';

async function resolveActor(app: App, req: FastifyRequest): Promise<Actor | null> {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return (await app.identity.authenticate(auth.slice(7).trim())) ?? null;
  const c = req.cookies[SESSION_COOKIE];
  return c ? ((await app.identity.authenticate(c)) ?? null) : null;
}

/** The HTTP API: one Fastify server, zod-validated routes, OpenAPI at /api/openapi.json. */
export async function buildServer(app: App): Promise<FastifyInstance> {
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

  const undeclared: string[] = [];
  server.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api')) return;
    const auth = route.config?.auth;
    if (auth !== 'public' && auth !== 'user') undeclared.push(`${String(route.method)} ${route.url}`);
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

  server.addHook('onRequest', async (req) => {
    const auth = (req.routeOptions.config as { auth?: RouteAuth }).auth;
    if (auth === 'public' || !req.url.startsWith('/api')) return;
    req.actor = await resolveActor(app, req);
    if (!req.actor) throw Unauthenticated('unauthenticated', 'sign in, or send an API token as "Authorization: Bearer …"');
  });

  server.get('/api/health', {
    config: { auth: 'public' },
    schema: { tags: ['system'], summary: 'Liveness and readiness', response: { 200: z.object({ status: z.literal('ok'), version: z.string(), database: z.string(), ledgerSize: z.number() }) } },
    handler: async () => ({ status: 'ok' as const, version: API_VERSION, database: app.db.dialect, ledgerSize: (await app.ledger.state()).size }),
  });
  server.get('/api/openapi.json', { config: { auth: 'public' }, schema: { hide: true } }, async () => server.swagger());

  await server.register(identityRoutes(app));
  await server.register(recordingRoutes(app));
  await server.register(auditRoutes(app));
  await server.register(ingestRoutes(app));

  server.get('/', { config: { auth: 'public' } }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(landingPage(app.config.siteName)));

  await server.ready();
  if (undeclared.length > 0) throw new Error(`routes without an auth declaration: ${undeclared.join(', ')}`);
  return server as unknown as FastifyInstance;
}

function landingPage(siteName: string): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(siteName)} · Custodia</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;line-height:1.6">
<h1>${esc(siteName)} · Custodia</h1>
<p>执法记录仪信息采集管理系统 — evidence platform. The HTTP API is served here; see <a href="/api/openapi.json">/api/openapi.json</a> and <a href="/api/health">/api/health</a>.</p>
</body></html>`;
}
