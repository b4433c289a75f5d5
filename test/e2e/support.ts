import { randomBytes } from 'node:crypto';
import { appendFile, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { buildServer } from '../../src/http/server.js';
import type { RoleId } from '../../src/identity/index.js';
import { makeVideo, openTestApp, tempDir, type TestApp } from '../support/app.js';

/**
 * Browser tests drive Debian's Chromium (never a downloaded browser) against a real server on
 * 127.0.0.1 with a real SQLite file, users made through the services and videos made by ffmpeg.
 */

export const PASSWORD = 'correct horse battery';
export const SCREENSHOTS = path.resolve(import.meta.dirname, '../../docs/screenshots');
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

// --lang: the browser's own widgets (date pickers) in Chinese, as on the officers' machines.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--lang=zh-CN'];

export interface TestUser {
  username: string;
  roles: RoleId[];
  displayName?: string;
  badge?: string;
  unitCode?: string;
  mustChangePassword?: boolean;
}

export interface Site {
  t: TestApp;
  server: FastifyInstance;
  base: string;
  close(): Promise<void>;
}

/** A site with these users, listening on 127.0.0.1; derivative jobs (thumbnails) run when asked. */
export async function startSite(users: readonly TestUser[], opts: { jobs?: boolean; siteName?: string } = {}): Promise<Site> {
  const t = await openTestApp({ env: { CUSTODIA_SITE_NAME: opts.siteName ?? '城东分局', CUSTODIA_TIMEZONE: 'Asia/Shanghai' } });
  for (const u of users) await t.app.identity.addUser({ ...u, password: PASSWORD }, null);
  if (opts.jobs) t.app.jobs.start(100);
  const server = await buildServer(t.app);
  await server.listen({ host: '127.0.0.1', port: 0 });
  const addr = server.server.address();
  if (!addr || typeof addr === 'string') throw new Error('no address');
  return {
    t,
    server,
    base: `http://127.0.0.1:${addr.port}`,
    close: async () => {
      await server.close();
      await t.close();
    },
  };
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Chromium with a fresh profile, at the desk size (1280×800), in China's time zone. */
export async function launchBrowser(opts: { width?: number; height?: number } = {}): Promise<Browser> {
  const profile = await mkdtemp(path.join(tmpdir(), 'custodia-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 },
    timezoneId: 'Asia/Shanghai',
    locale: 'zh-CN',
  });
  context.setDefaultTimeout(20_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export async function signIn(page: Page, base: string, username: string, password = PASSWORD): Promise<void> {
  await page.goto(`${base}/sign-in`);
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.locator('button[type=submit]').click();
  await expect.poll(() => new URL(page.url()).pathname, { timeout: 15_000 }).not.toBe('/sign-in');
}

export async function setLocale(page: Page, locale: Locale): Promise<void> {
  await page.locator('.locale-switcher select').selectOption(locale);
  await page.waitForFunction((l) => document.documentElement.lang === l, locale);
}

/** Writes docs/screenshots/<name>-<locale>.png for both languages; the page is left in zh-CN. */
export async function screenshotBothLocales(page: Page, name: string, ready?: (locale: Locale) => Promise<void>): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  for (const locale of LOCALES) {
    await setLocale(page, locale);
    await ready?.(locale);
    // Let fonts and images settle: the screenshot is documentation.
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${locale}.png`), animations: 'disabled' });
  }
  await setLocale(page, 'zh-CN');
}

export interface SeededRecording {
  id: string;
  name: string;
  sha256: string;
}

/**
 * Real recordings imported through the real pipeline: one ffmpeg video, then each file is that
 * video plus a unique trailing MP4 `free` box (valid media, distinct bytes); a damaged one is a
 * truncated copy. Names follow the
 * DSJ recorder pattern, so device, badge and time come from the file name.
 */
export async function seedRecordings(site: Site, files: ReadonlyArray<{ device: string; badge: string; at: Date; damaged?: boolean }>, opts: { unitId?: string; seconds?: number } = {}): Promise<SeededRecording[]> {
  const work = await tempDir('custodia-e2e-media-');
  try {
    const master = path.join(work.dir, 'master.mp4');
    await makeVideo(master, { seconds: opts.seconds ?? 3, size: '640x360' });
    const folder = path.join(work.dir, 'dock');
    await mkdir(folder);
    const stamp = (d: Date) => {
      const p = (n: number) => String(n).padStart(2, '0');
      // Recorder clocks stamp local (Asia/Shanghai) wall time.
      const local = new Date(d.getTime() + 8 * 3600_000);
      return `${local.getUTCFullYear()}${p(local.getUTCMonth() + 1)}${p(local.getUTCDate())}_${p(local.getUTCHours())}${p(local.getUTCMinutes())}${p(local.getUTCSeconds())}`;
    };
    for (const [i, f] of files.entries()) {
      const name = path.join(folder, `DSJ_${f.device}_${f.badge}_${stamp(f.at)}.mp4`);
      if (f.damaged) {
        // A recorder that lost power mid-write: the first KiB of the container and nothing else.
        await writeFile(name, (await readFile(master)).subarray(0, 1024));
        continue;
      }
      await copyFile(master, name);
      // ffmpeg's output is deterministic: a random salt keeps files of separate calls distinct too.
      const free = Buffer.alloc(24);
      free.writeUInt32BE(24, 0);
      free.write('free', 4, 'ascii');
      free.writeUInt32BE(i, 8);
      randomBytes(12).copy(free, 12);
      await appendFile(name, free);
    }
    const unitId = opts.unitId ?? (await site.t.app.identity.resolveUnit(undefined)).id;
    const result = await site.t.app.ingest.importSource(folder, { sourceKind: 'dock', unitId, station: 'e2e-dock', actor: null, meta: { ip: null } });
    const out: SeededRecording[] = [];
    result.files.sort((a, b) => a.path.localeCompare(b.path));
    for (const item of result.files) {
      expect(item.status, `${item.path}: ${item.error ?? ''}`).toBe('imported');
      out.push({ id: item.recordingId!, name: path.basename(item.path), sha256: item.sha256! });
    }
    return out;
  } finally {
    await work.cleanup();
  }
}

/** Waits until the derivative jobs made every recording's thumbnail strip. */
export async function waitForThumbnails(site: Site, ids: readonly string[]): Promise<void> {
  await expect
    .poll(async () => (await Promise.all(ids.map(async (id) => (await site.t.app.recordingsRepo.derivative(id, 'thumbnails')) !== undefined))).every(Boolean), { timeout: 60_000, interval: 250 })
    .toBe(true);
}
