import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

/** Where `npm run build` puts the web app (web/dist), from src/http or dist/http alike. */
export const WEB_DIST = path.resolve(import.meta.dirname, '../../web/dist');

export interface WebAppOptions {
  siteName: string;
  /** The built app; defaults to web/dist. */
  root?: string | undefined;
}

const YEAR_MS = 365 * 24 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/** The app's own origin only; inline styles for React's style attributes; thumbnails may fall back to a data: glyph. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** index.html with the site's name in it (the app reads `<meta name="custodia-site-name">`). */
export function personaliseIndex(html: string, siteName: string): string {
  const name = escapeHtml(siteName);
  return html
    .replace(/(<meta name="custodia-site-name" content=")[^"]*(")/, `$1${name}$2`)
    .replace(/<title>[^<]*<\/title>/, `<title>${siteName === 'Custodia' ? 'Custodia' : `${name} · Custodia`}</title>`);
}

function missingBuildPage(root: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Custodia: web app not built</title></head>
<body style="font-family:system-ui,sans-serif;max-width:42rem;margin:3rem auto;line-height:1.6;padding:0 1rem">
<h1>The web app is not built</h1>
<p>This server found no <code>${escapeHtml(path.join(root, 'index.html'))}</code>. Build it once, then restart the server:</p>
<pre style="background:#f3f5f8;padding:0.75rem">npm run build</pre>
<p lang="zh-CN">网页端尚未构建：请在项目目录运行 <code>npm run build</code>，然后重启服务。</p>
<p>The HTTP API works without it: <a href="/api/health">/api/health</a>, <a href="/api/openapi.json">/api/openapi.json</a>.</p>
</body></html>`;
}

const isApi = (url: string) => url === '/api' || url.startsWith('/api/') || url.startsWith('/api?');

/** Fastify's own 404 body, kept for /api and for files that don't exist. */
function notFound(req: FastifyRequest, reply: FastifyReply) {
  return reply.code(404).send({ message: `Route ${req.method}:${req.url} not found`, error: 'Not Found', statusCode: 404 });
}

/**
 * Serves the web app (web/dist) from the API's own server: hashed assets cached for a year, the
 * other files for a day, index.html never cached (so a new build is seen at once), and index.html
 * for every other GET outside /api so the app's own routes load on reload (SPA fallback). Unknown
 * /api paths keep their JSON 404. Without a build, pages say how to make one.
 */
export function webApp(opts: WebAppOptions): FastifyPluginAsync {
  return async (server) => {
    const root = opts.root ?? WEB_DIST;
    const indexFile = path.join(root, 'index.html');

    if (!existsSync(indexFile)) {
      const page = missingBuildPage(root);
      server.setNotFoundHandler((req, reply) => {
        if (req.method !== 'GET' || isApi(req.url)) return notFound(req, reply);
        return reply.code(503).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page);
      });
      server.get('/', { config: { auth: 'public' }, schema: { hide: true } }, (req, reply) => reply.code(503).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page));
      return;
    }

    const index = personaliseIndex(readFileSync(indexFile, 'utf8'), opts.siteName);
    const sendIndex = (reply: FastifyReply) =>
      reply
        .code(200)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-cache')
        .header('content-security-policy', CONTENT_SECURITY_POLICY)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'same-origin')
        .send(index);

    // Built assets come with .br and .gz twins (web/vite-precompress.ts): sent to browsers that accept them.
    await server.register(fastifyStatic, { root, serve: false, preCompressed: true });

    server.get('/', { config: { auth: 'public' }, schema: { hide: true } }, (_req, reply) => sendIndex(reply));

    // Vite names every file under assets/ by its content hash: a changed file has a new name.
    server.get<{ Params: { '*': string } }>('/assets/*', { config: { auth: 'public' }, schema: { hide: true } }, (req, reply) =>
      reply.sendFile(`assets/${req.params['*']}`, root, { maxAge: YEAR_MS, immutable: true }),
    );

    // Top-level files copied from web/public (favicon…): stable names, so a short cache.
    for (const name of readdirSync(root)) {
      if (name === 'index.html' || name === 'assets' || !statSync(path.join(root, name)).isFile()) continue;
      server.get(`/${name}`, { config: { auth: 'public' }, schema: { hide: true } }, (_req, reply) => reply.sendFile(name, root, { maxAge: DAY_MS }));
    }

    server.setNotFoundHandler((req, reply) => {
      if (req.method !== 'GET' || isApi(req.url) || req.url.startsWith('/assets/')) return notFound(req, reply);
      return sendIndex(reply);
    });
  };
}
