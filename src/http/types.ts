import type { Actor, AuthzTraceEntry, RequestMeta } from '../identity/index.js';

/**
 * Every /api route declares who may call it; the server refuses to start on a route that doesn't.
 * - `public`: anyone (health, sign-in, the OpenAPI document);
 * - `self`: a signed-in user acting on their own account only (sign out, password, authenticator);
 * - `user`: a signed-in user whose request the authorization rule must answer — a `user` route
 *   that finishes without asking it is refused (500 `authorization_not_checked`), never served.
 */
export type RouteAuth = 'public' | 'self' | 'user';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
  interface FastifyRequest {
    actor: Actor | null;
    /** Every authorization decision taken while serving this request. */
    authzTrace: AuthzTraceEntry[];
  }
}

export const OTP_HEADER = 'x-custodia-otp';

export function requestMeta(req: { ip: string; headers: Record<string, string | string[] | undefined>; authzTrace?: AuthzTraceEntry[] }): RequestMeta {
  const ua = req.headers['user-agent'];
  const otp = req.headers[OTP_HEADER];
  return { ip: req.ip, userAgent: typeof ua === 'string' ? ua.slice(0, 300) : null, otp: typeof otp === 'string' ? otp.trim().slice(0, 16) : null, authz: req.authzTrace };
}
