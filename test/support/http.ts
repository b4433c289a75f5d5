import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { buildServer, type ServerOptions } from '../../src/http/server.js';
import type { TestApp } from './app.js';

export interface Listening {
  server: FastifyInstance;
  base: string;
}

/** The real server on 127.0.0.1, a free port. */
export async function listen(t: TestApp, opts: ServerOptions = {}): Promise<Listening> {
  const server = await buildServer(t.app, opts);
  await server.listen({ host: '127.0.0.1', port: 0 });
  const addr = server.server.address();
  if (!addr || typeof addr === 'string') throw new Error('no address');
  return { server, base: `http://127.0.0.1:${addr.port}` };
}

/** Every (method, path) the server routes, from its own route tree. */
export function routeList(server: FastifyInstance): Array<{ method: string; path: string }> {
  const out: Array<{ method: string; path: string }> = [];
  const stack: Array<{ depth: number; path: string }> = [];
  for (const line of server.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([\s│]*)(?:└── |├── )?(\S+) \(([A-Z, ]+)\)\s*$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length;
    while (stack.length > 0 && stack[stack.length - 1]!.depth >= depth) stack.pop();
    const parent = stack[stack.length - 1]?.path ?? '';
    const label = m[2]!;
    // Labels are fragments of the radix tree ("logout" then "-everywhere"), except a wildcard child, printed without its slash.
    const full = parent === '' ? label : label === '*' && !parent.endsWith('/') ? `${parent}/${label}` : parent + label;
    stack.push({ depth, path: full });
    for (const method of m[3]!.split(',').map((s) => s.trim())) out.push({ method, path: full });
  }
  return out;
}

/**
 * `api(as, method, url, body?)`: an HTTP call as the holder of `tokens[as]` (a bearer token), to the
 * server `base()` answers (read at each call: tests listen in their `beforeAll`).
 */
export function tokenApi(base: () => string, tokens: Readonly<Record<string, string>>) {
  return async (as: string, method: string, url: string, body?: unknown): Promise<Response> => {
    const headers: Record<string, string> = { authorization: `Bearer ${tokens[as]}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetch(`${base()}${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  };
}

/** The JSON of a response that must have `status` (its body is the failure message otherwise). */
export async function okJson<T>(res: Response, status = 200): Promise<T> {
  expect(res.status, await res.clone().text()).toBe(status);
  return (await res.json()) as T;
}
