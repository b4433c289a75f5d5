import type { Actor, RequestMeta } from '../identity/index.js';

/** Every /api route declares who may call it; the server refuses to start on a route that doesn't. */
export type RouteAuth = 'public' | 'user';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
  interface FastifyRequest {
    actor: Actor | null;
  }
}

export function requestMeta(req: { ip: string; headers: Record<string, string | string[] | undefined> }): RequestMeta {
  const ua = req.headers['user-agent'];
  return { ip: req.ip, userAgent: typeof ua === 'string' ? ua.slice(0, 300) : null };
}
