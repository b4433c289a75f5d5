import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeVideo, tempDir } from '../support/app.js';
import { launchBrowser, screenshotBothLocales, signIn, startSite, type Browser, type Site } from './support.js';

describe('collection desk: browser upload (browser)', () => {
  let site: Site;
  let browser: Browser;
  let media: { dir: string; cleanup(): Promise<void> };

  beforeAll(async () => {
    site = await startSite([{ username: 'collector1', displayName: '李采集', roles: ['collector'] }], { jobs: true });
    browser = await launchBrowser();
    media = await tempDir('custodia-e2e-upload-');
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await media?.cleanup();
  });

  it('a file set on the file input uploads (tus) to done, shows the server-verified SHA-256 and appears in search', async () => {
    const { page } = browser;
    const names = ['DSJ_A7654321_100235_20250312_093015.mp4', 'DSJ_A7654321_100235_20250312_101500.mp4'];
    const files = names.map((n) => path.join(media.dir, n));
    await makeVideo(files[0]!, { seconds: 2, size: '640x360' });
    await makeVideo(files[1]!, { seconds: 3, size: '640x360' });
    const sha = await Promise.all(files.map(async (f) => createHash('sha256').update(await readFile(f)).digest('hex')));

    await signIn(page, site.base, 'collector1');
    await page.getByRole('link', { name: '采集工作台' }).click();
    await page.getByRole('heading', { name: '采集工作台' }).waitFor();
    await page.getByLabel('警号').fill('100235');
    await page.locator('input[data-testid=upload-files]').setInputFiles(files);

    const rows = page.locator('table.uploads tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    for (const [i, name] of names.entries()) {
      const row = rows.filter({ hasText: name });
      await expect.poll(() => row.getAttribute('data-state'), { timeout: 60_000 }).toBe('imported');
      expect(await row.textContent()).toContain('已导入并校验');
      expect(await row.locator('.hash-cell').textContent()).toBe(sha[i]);
      expect(await row.locator('progress').getAttribute('value')).toBe('100');
      expect(await row.textContent()).toContain('100%');
    }
    expect(await page.locator('.upload-summary').textContent()).toContain('已校验 2 个');
    await screenshotBothLocales(page, 'collection');

    // The same bytes again: the server recognises them (no second copy).
    await page.locator('input[data-testid=upload-files]').setInputFiles(files[0]!);
    const again = rows.nth(2);
    await expect.poll(() => again.getAttribute('data-state'), { timeout: 60_000 }).toBe('duplicate');
    expect(await again.locator('.hash-cell').textContent()).toBe(sha[0]);

    // The recording is in the catalogue, with the device and badge from its name.
    await rows.filter({ hasText: names[1]! }).getByRole('link', { name: '查看' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe(names[1]);
    expect(await page.locator('.facts').filter({ hasText: '完整性' }).textContent()).toContain(sha[1]);
    await page.getByRole('navigation').getByRole('link', { name: '音像记录' }).click();
    await page.getByLabel('警号').fill('100235');
    await page.getByRole('button', { name: '查询' }).click();
    await expect.poll(() => page.locator('table.results tbody tr').count()).toBe(2);
    expect(await page.locator('table.results').textContent()).toContain('A7654321');
  });

  it('at tablet width (800 px) the desk keeps large touch targets and its navigation', async () => {
    const { page } = browser;
    await page.setViewportSize({ width: 800, height: 1100 });
    await page.getByRole('link', { name: '采集工作台' }).click();
    await page.getByRole('heading', { name: '采集工作台' }).waitFor();
    const button = await page.locator('label.file-button').first().boundingBox();
    expect(button!.height).toBeGreaterThanOrEqual(48);
    for (const link of await page.getByRole('navigation').getByRole('link').all()) expect((await link.boundingBox())!.height).toBeGreaterThanOrEqual(48);
    const pause = page.locator('table.uploads button').first();
    if ((await pause.count()) > 0) expect((await pause.boundingBox())!.height).toBeGreaterThanOrEqual(48);
    // Nothing scrolls sideways on the page itself (wide tables scroll inside their box).
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(800);
    await screenshotBothLocales(page, 'collection-tablet');
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
