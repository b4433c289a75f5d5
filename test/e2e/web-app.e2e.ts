import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { personaliseIndex, webApp } from '../../src/http/web-app.js';
import { tempDir } from '../support/app.js';
import { startSite, type Site } from './support.js';

/** How the API server serves the built app (no browser needed): caching, SPA fallback, /api untouched. */
describe('the web app served by the API server', () => {
  let site: Site;

  beforeAll(async () => {
    site = await startSite([], { siteName: '城东分局 <测试>' });
  });
  afterAll(async () => {
    await site?.close();
  });

  it('index.html: never cached, with a content security policy and the site name escaped into it', async () => {
    const res = await fetch(`${site.base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await res.text();
    expect(html).toContain('<meta name="custodia-site-name" content="城东分局 &#60;测试&#62;"');
    expect(html).toContain('<title>城东分局 &#60;测试&#62; · Custodia</title>');
    expect(html).not.toContain('<测试>');
  });

  it('hashed assets are cached for a year; other files for a day; a missing asset is a 404, not the app', async () => {
    const html = await (await fetch(`${site.base}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const js = await fetch(`${site.base}${script}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // Sent precompressed to a browser that accepts it (built once, web/vite-precompress.ts); the same bytes once decoded.
    expect(js.headers.get('content-encoding')).toBe('gzip');
    const brotli = await fetch(`${site.base}${script}`, { headers: { 'accept-encoding': 'br' } });
    expect(brotli.headers.get('content-encoding')).toBe('br');
    const plain = await fetch(`${site.base}${script}`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    const text = await plain.text();
    expect(await js.text()).toBe(text);
    expect(await brotli.text()).toBe(text);
    const icon = await fetch(`${site.base}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('cache-control')).toBe('public, max-age=86400');
    const missing = await fetch(`${site.base}/assets/nothing-here.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/json/);
    expect((await fetch(`${site.base}/assets/..%2f..%2fpackage.json`)).status).toBe(403);
  });

  it('every other GET outside /api is the app (it routes itself); /api keeps its JSON answers', async () => {
    for (const p of ['/recordings', '/recordings/0190a000-0000-7000-8000-000000000000', '/audit?x=1', '/no/such/page']) {
      const res = await fetch(`${site.base}${p}`);
      expect(res.status, p).toBe(200);
      expect(await res.text(), p).toContain('<div id="root">');
    }
    const api = await fetch(`${site.base}/api/no-such-thing`);
    expect(api.status).toBe(401);
    expect(await api.json()).toMatchObject({ error: 'unauthenticated' });
    const post = await fetch(`${site.base}/recordings`, { method: 'POST' });
    expect(post.status).toBe(404);
    expect(await post.json()).toMatchObject({ error: 'Not Found', statusCode: 404 });
    expect((await fetch(`${site.base}/api/health`)).status).toBe(200);
  });

  it('without a build, pages say to run `npm run build` (503) and the API still answers', async () => {
    const empty = await tempDir('custodia-no-web-');
    const server = Fastify();
    server.get('/api/health', { config: { auth: 'public' } }, async () => ({ status: 'ok' }));
    await server.register(webApp({ siteName: 'x', root: empty.dir }));
    try {
      for (const p of ['/', '/recordings']) {
        const res = await server.inject({ method: 'GET', url: p });
        expect(res.statusCode, p).toBe(503);
        expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(res.body).toContain('npm run build');
      }
      expect((await server.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
      expect((await server.inject({ method: 'GET', url: '/api/nothing' })).statusCode).toBe(404);
    } finally {
      await server.close();
      await empty.cleanup();
    }
  });

  it('personaliseIndex leaves the default name alone', () => {
    const html = '<meta name="custodia-site-name" content="Custodia" /><title>Custodia</title>';
    expect(personaliseIndex(html, 'Custodia')).toBe(html);
  });
});
