import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantAccess } from '../support/grants.js';
import { launchBrowser, screenshotBothLocales, seedRecordings, signIn, startSite, type Browser, type SeededRecording, type Site } from './support.js';

/** 2025-06-03 10:00:00 in Beijing. */
const T0 = Date.UTC(2025, 5, 3, 2, 0, 0);
const SECONDS = 10;

/** Every player's media time and the target the shared timeline gives it. */
async function players(page: Page): Promise<Array<{ current: number; target: number; readyState: number }>> {
  return page.locator('.sync-player video').evaluateAll((vs: HTMLVideoElement[]) => vs.map((v) => ({ current: v.currentTime, target: Number(v.dataset.target), readyState: v.readyState })));
}

describe('cases: create, link recordings of two recorders, the time-consistency timeline and the synchronized view (browser)', () => {
  let site: Site;
  let browser: Browser;
  let recs: SeededRecording[];

  beforeAll(async () => {
    site = await startSite(
      [
        { username: 'wu.legal', displayName: '吴法制', roles: ['supervisor'], badge: '210001' },
        { username: 'zheng.head', displayName: '郑负责', roles: ['approver'], badge: '210002' },
      ],
      { jobs: true },
    );
    // Two officers' recorders at one scene: A from 10:00:00, B from 10:00:04, both 10 s (corrected time = device time here).
    [recs, browser] = await Promise.all([
      seedRecordings(
        site,
        [
          { device: 'C1000001', badge: '110001', at: new Date(T0) },
          { device: 'C1000002', badge: '110002', at: new Date(T0 + 4000) },
        ],
        { seconds: SECONDS },
      ),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it('opens a case with the documents’ interval, links one recording with “Add” and one by dragging; the timeline names the findings', async () => {
    const { page } = browser;
    await signIn(page, site.base, 'wu.legal');
    await page.goto(`${site.base}/cases/new`);
    await page.getByLabel('案件编号').fill('东执罚〔2025〕88号');
    await page.getByLabel('名称', { exact: true }).fill('某餐馆现场检查');
    await page.getByLabel('被监督单位（当事人）').fill('某某餐饮有限公司');
    await page.getByLabel('文书记载开始时间').fill('2025-06-03T10:00:02');
    await page.getByLabel('文书记载结束时间').fill('2025-06-03T10:02:00');
    await page.getByRole('button', { name: '立案' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/cases\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.locator('h1').textContent()).toContain('东执罚〔2025〕88号');
    expect(await page.locator('[data-finding]').first().getAttribute('data-finding')).toBe('no_recordings');

    // The picker searches the documents' time ± 1 hour by default.
    await page.getByRole('button', { name: '查询', exact: true }).click();
    await expect.poll(() => page.locator('.picker-item').count()).toBe(2);
    await page.getByRole('button', { name: `将 ${recs[0]!.name} 关联到本案` }).click();
    await expect.poll(() => page.locator('table.linked-recordings tbody tr').count()).toBe(1);
    // The second by drag and drop from the results onto the linked recordings.
    await page.locator(`.picker-item[data-recording="${recs[1]!.id}"]`).dragTo(page.locator('.drop-target'));
    await expect.poll(() => page.locator('table.linked-recordings tbody tr').count()).toBe(2);

    const timeline = page.locator('section.consistency');
    await expect.poll(() => timeline.locator('.tl-recording').count()).toBe(2);
    // A starts 2 s before the documents (within the minute's tolerance, still drawn); recording stops at 10:00:14, the documents run to 10:02:00.
    expect(await timeline.getAttribute('aria-labelledby')).toBe('consistency-title');
    expect(await page.locator('.verdict[data-consistent]').getAttribute('data-consistent')).toBe('no');
    const findings = await page.locator('[data-finding]').evaluateAll((els) => els.map((e) => e.getAttribute('data-finding')));
    expect(findings).toEqual(['early_end']);
    expect(await timeline.textContent()).toContain('与 C1000002 · 110002 时间重叠');
    expect(await timeline.textContent()).toContain('早于文书开始时间的记录：0:02');
    expect(await timeline.locator('.tl-coverage .tl-gap').count()).toBe(1);
    expect(await timeline.textContent()).toContain('空档 1 处');
    expect(await timeline.textContent()).toContain('记录结束时间比文书记载早 1:46');
    await screenshotBothLocales(page, 'case-detail', () => page.evaluate(() => window.scrollTo(0, 0)));
  });

  it('files a work record for the case; it waits for the head', async () => {
    const { page } = browser;
    await page.getByLabel('恢复记录时是否已语音说明中断原因？').selectOption('yes');
    // The reasons are the ones the officer's regulation lists (here the default profile's), worded as it words them.
    await expect.poll(() => page.locator('.work-record-form').textContent()).toContain('事由按该民警所在单位适用的规范列出（default@1）');
    await page.getByLabel('原因', { exact: true }).selectOption('battery_or_storage');
    await page.getByRole('button', { name: '提交工作记录' }).click();
    await expect.poll(() => page.locator('table.work-records tbody tr').count()).toBe(1);
    expect(await page.locator('table.work-records').textContent()).toContain('待负责人审批');
    await expect.poll(() => page.locator('table.work-records').textContent()).toContain('电量、存储空间不足');
  });

  it('the synchronized view refuses content without approval and offers the request; with grants both play, seek and stay in step', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: '多机位同步查看' }).click();
    await expect.poll(() => page.locator('.sync-player').count()).toBe(2);
    await expect.poll(() => page.locator('.sync-player[data-state=refused]').count()).toBe(2);
    expect(await page.locator('.sync-player').first().textContent()).toContain('grant_required');
    expect(await page.getByRole('button', { name: '提交申请' }).count()).toBe(2);

    await grantAccess(site.t.app, 'wu.legal', recs.map((r) => r.id), 'view');
    await page.reload();
    await expect.poll(() => page.locator('.sync-player[data-state=ready]').count()).toBe(2);
    await expect.poll(async () => (await players(page)).every((p) => p.readyState >= 2), { timeout: 20_000 }).toBe(true);
    // At the start (10:00:00) B has not begun yet: it idles and says so.
    await expect.poll(() => page.locator('.sync-player').nth(1).getAttribute('data-phase')).toBe('before');
    expect(await page.locator('.sync-player').nth(1).textContent()).toContain('此时刻尚未开始');

    // → moves the shared time 5 s: A shows 5 s, B (started 4 s later) shows 1 s.
    await page.locator('h1').click();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator('.sync-time').getAttribute('data-shared')).toBe(String(T0 + 5000));
    await expect
      .poll(async () => (await players(page)).map((p) => Math.abs(p.current - p.target) <= 0.5 && p.readyState >= 2))
      .toEqual([true, true]);
    expect((await players(page)).map((p) => p.target)).toEqual([5, 1]);

    // Space plays both together; after a while, pause: each is still within 0.5 s of its target.
    await page.keyboard.press(' ');
    await expect.poll(() => page.getByRole('button', { name: '暂停' }).count()).toBe(1);
    await expect.poll(async () => (await players(page))[0]!.current, { timeout: 10_000 }).toBeGreaterThan(6.2);
    const playing = await players(page);
    for (const p of playing) expect(Math.abs(p.current - p.target)).toBeLessThanOrEqual(0.5);
    await page.keyboard.press(' ');
    await expect.poll(() => page.getByRole('button', { name: '播放', exact: true }).count()).toBe(1);

    // Seek back 5 s with the slider's keys (the shared timeline), then check the targets again.
    await page.getByLabel('共同时间轴上的位置').focus();
    await page.keyboard.press('ArrowLeft');
    await expect
      .poll(async () => {
        const ps = await players(page);
        return ps.length === 2 && ps.every((p) => Math.abs(p.current - p.target) <= 0.5);
      })
      .toBe(true);
    const shared = Number(await page.locator('.sync-time').getAttribute('data-shared'));
    const targets = (await players(page)).map((p) => p.target);
    expect(targets[0]).toBeCloseTo((shared - T0) / 1000, 2);
    expect(targets[1]).toBeCloseTo(Math.max(0, (shared - T0 - 4000) / 1000), 2);
    await screenshotBothLocales(page, 'case-sync', () => page.evaluate(() => window.scrollTo(0, 0)));
  });
});
