import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLeaf } from '../../src/audit/leaf.js';
import { launchBrowser, screenshotBothLocales, seedRecordings, signIn, startSite, type Browser, type SeededRecording, type Site } from './support.js';

describe('an administrator is refused content (browser)', () => {
  let site: Site;
  let browser: Browser;
  let rec: SeededRecording;

  beforeAll(async () => {
    site = await startSite([{ username: 'sun.admin', displayName: '孙管理', roles: ['admin'] }]);
    [rec] = await seedRecordings(site, [{ device: 'A3000001', badge: '400001', at: new Date(Date.UTC(2025, 4, 1, 2)) }]) as [SeededRecording];
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it('the player shows the refusal and never plays; no content is served and the refusal is in the ledger', async () => {
    const { page } = browser;
    await signIn(page, site.base, 'sun.admin');
    const contentAnswers: number[] = [];
    page.on('response', (r) => {
      if (r.url().includes(`/api/recordings/${rec.id}/content`)) contentAnswers.push(r.status());
    });
    await page.goto(`${site.base}/recordings/${rec.id}`);
    const player = page.locator('section.player');
    await expect.poll(() => player.getAttribute('data-state')).toBe('refused');
    expect(await player.textContent()).toContain('您无权查看此内容');
    // No request for access is offered: approval cannot give an administrator content.
    expect(await page.getByRole('button', { name: '提交申请' }).count()).toBe(0);
    expect(await page.locator('video').count()).toBe(0);
    // The facts are refused too, and the page says so.
    await expect.poll(() => page.locator('.detail-facts [role=alert]').count()).toBe(1);
    await screenshotBothLocales(page, 'recording-refused');

    expect(contentAnswers.length).toBeGreaterThan(0);
    for (const s of contentAnswers) expect([403, 404]).toContain(s);
    const leaves = (await site.t.app.auditRepo.entriesPage(0, 100_000)).map((r) => decodeLeaf(r.leaf));
    const admin = leaves.filter((l) => l.actor?.name === 'sun.admin');
    expect(admin.some((l) => l.action === 'access.denied')).toBe(true);
    expect(admin.filter((l) => /playback|download|content|view/.test(l.action) && l.action !== 'access.denied')).toEqual([]);
  });
});
