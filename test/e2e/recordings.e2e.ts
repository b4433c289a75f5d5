import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/identity/routes.js';
import { launchBrowser, PASSWORD, screenshotBothLocales, seedRecordings, signIn, startSite, waitForThumbnails, type Browser, type SeededRecording, type Site } from './support.js';

const HOUR = 3600_000;
/** 2025-03-10 08:00 in Beijing. */
const START = Date.UTC(2025, 2, 10, 0, 0, 0);

describe('recordings: search, calendar, paging, detail and the player behind approval (browser)', () => {
  let site: Site;
  let browser: Browser;
  let recs: SeededRecording[];

  beforeAll(async () => {
    site = await startSite(
      [
        { username: 'zhao.lei', displayName: '赵磊', roles: ['supervisor'], badge: '200001' },
        { username: 'qian.approver', displayName: '钱审批', roles: ['approver'], badge: '200002' },
      ],
      { jobs: true },
    );
    // 30 recordings of recorder A1000001 on 10–12 March, 25 of A1000002 on 12–14 March, one damaged on the 15th.
    const files = [
      ...Array.from({ length: 30 }, (_, i) => ({ device: 'A1000001', badge: '100234', at: new Date(START + i * 2 * HOUR) })),
      ...Array.from({ length: 25 }, (_, i) => ({ device: 'A1000002', badge: '100235', at: new Date(START + 50 * HOUR + i * 2 * HOUR) })),
      { device: 'A1000003', badge: '100236', at: new Date(START + 5 * 24 * HOUR), damaged: true },
    ];
    const dongfeng = await site.t.app.identity.addUnit({ code: 'dongfeng', name: '东风派出所' }, null);
    [recs, browser] = await Promise.all([seedRecordings(site, files), launchBrowser()]);
    // Two more, of a police station below the bureau, on 1 March.
    recs.push(...(await seedRecordings(site, [0, 1].map((i) => ({ device: 'B5000001', badge: '100301', at: new Date(Date.UTC(2025, 2, 1, 1 + i)) })), { unitId: dongfeng.id })));
    expect(recs).toHaveLength(58);
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  const rows = () => browser.page.locator('table.results tbody tr');
  const count = () => browser.page.locator('.result-count').textContent();

  it('search pages with the server cursor ("show more") and filters by recorder, condition and text', async () => {
    const { page } = browser;
    await signIn(page, site.base, 'zhao.lei');
    // Sign-in opens the home page; the recordings are one click away.
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '音像记录' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/recordings');
    await expect.poll(count).toBe('已显示 50 条（下方还有更多）');
    expect(await rows().count()).toBe(50);
    // Newest first: the damaged recording of the 15th leads.
    expect(await rows().first().textContent()).toContain('已损坏');
    await page.getByRole('button', { name: '加载更多' }).click();
    await expect.poll(() => rows().count()).toBe(58);
    expect(await count()).toBe('已显示 58 条');
    expect(await page.getByRole('button', { name: '加载更多' }).count()).toBe(0);

    await page.getByLabel('执法记录仪编号').fill('A1000002');
    await page.getByRole('button', { name: '查询' }).click();
    await expect.poll(count).toBe('已显示 25 条');
    expect(new URL(page.url()).searchParams.get('device')).toBe('A1000002');

    await page.getByRole('button', { name: '清空条件' }).click();
    await page.getByLabel('单位（含下级）').selectOption({ label: '\u3000东风派出所' });
    await page.getByRole('button', { name: '查询' }).click();
    await expect.poll(count).toBe('已显示 2 条');
    expect(await rows().first().textContent()).toContain('B5000001');

    await page.getByRole('button', { name: '清空条件' }).click();
    await page.getByLabel('文件状况').selectOption('true');
    await page.getByRole('button', { name: '查询' }).click();
    await expect.poll(count).toBe('已显示 1 条');
    expect(await rows().first().textContent()).toContain('A1000003');

    await page.getByRole('button', { name: '清空条件' }).click();
    await page.getByLabel('关键词').fill('20250314');
    await page.getByRole('button', { name: '查询' }).click();
    // Until the new results replace the last ones (the damaged file of the 15th), then every row matches.
    await expect.poll(async () => {
      const texts = await rows().allTextContents();
      return texts.length > 0 && texts.every((text) => text.includes('20250314'));
    }).toBe(true);
    expect(await count()).toMatch(/^已显示 \d+ 条/);
  });

  it('the calendar browses by day and month', async () => {
    const { page } = browser;
    await page.goto(`${site.base}/recordings?from=2025-03-12T00:00&to=2025-03-13T00:00`);
    // 12 March (Beijing): A1000001 every 2 h until 18:00 (10 files), A1000002 from 10:00 (7 files).
    await expect.poll(count).toBe('已显示 17 条');
    expect(await page.locator('.calendar-title').textContent()).toBe('2025年3月');
    expect(await page.locator('.calendar-day.selected').textContent()).toBe('12');
    await page.locator('.calendar-day', { hasText: /^13$/ }).click();
    await expect.poll(count).toBe('已显示 12 条');
    expect(new URL(page.url()).searchParams.get('from')).toBe('2025-03-13T00:00');
    await page.getByRole('button', { name: '整月' }).click();
    await expect.poll(count).toBe('已显示 50 条（下方还有更多）');
    await page.getByRole('button', { name: '上个月' }).click();
    expect(await page.locator('.calendar-title').textContent()).toBe('2025年2月');
  });

  it('the search page shows each recording’s first frame (screenshots in both languages)', async () => {
    const { page } = browser;
    await waitForThumbnails(
      site,
      recs.filter((r) => !r.name.includes('A1000003')).map((r) => r.id),
    );
    await page.goto(`${site.base}/recordings`);
    await expect.poll(count).toBe('已显示 50 条（下方还有更多）');
    const firstIntact = rows().nth(1).locator('.thumb');
    const thumb = await firstIntact.evaluate((el) => getComputedStyle(el).backgroundImage);
    expect(thumb).toContain('/thumbnails');
    const res = await page.request.get(`${site.base}/api/recordings/${recs[recs.length - 2]!.id}/thumbnails`);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('image/jpeg');
    await page.waitForLoadState('networkidle');
    await screenshotBothLocales(page, 'recordings');
  });

  it('the detail page shows every fact, device and corrected time side by side; the player refuses without approval and offers a request', async () => {
    const { page } = browser;
    const target = recs.find((r) => r.name.startsWith('DSJ_A1000002_100235_20250313_1000'))!;
    await page.getByLabel('关键词').fill(target.name);
    await page.getByRole('button', { name: '查询' }).click();
    await expect.poll(count).toBe('已显示 1 条');
    await rows().first().getByRole('link').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe(target.name);

    const facts = page.locator('.facts-grid');
    // The unit's name arrives with the unit tree, a query of its own: poll until nothing is missing.
    const shown = [target.sha256, target.id, 'A1000002', '100235', 'e2e-dock', '记录仪接入采集', '记录仪文件名', 'h264', 'aac', '640 × 360', '城东分局 (root)'];
    await expect
      .poll(async () => {
        const text = (await facts.textContent()) ?? '';
        return shown.filter((s) => !text.includes(s));
      })
      .toEqual([]);
    const timeRows = page.locator('.time-table tbody tr');
    expect(await timeRows.first().textContent()).toContain('2025/03/13 10:00:00');
    expect(await page.locator('.time-table thead').textContent()).toContain('记录仪时间');
    expect(await page.locator('.time-table thead').textContent()).toContain('校正时间');

    const player = page.locator('section.player');
    await expect.poll(() => player.getAttribute('data-state')).toBe('refused');
    expect(await player.textContent()).toContain('grant_required');
    expect(await player.textContent()).toContain('查看内容须先申请调阅并经审批');
    expect(await page.locator('video').count()).toBe(0);
    await page.getByLabel('调阅事由').selectOption('quality_assessment');
    // The access history is a query of its own.
    await expect.poll(() => page.locator('#access-history').locator('..').textContent()).toContain('尚无人调阅');
    await screenshotBothLocales(page, 'recording-request');

    await page.getByLabel('补充说明（选填）').fill('2025年一季度执法质量考评抽查');
    await page.getByRole('button', { name: '提交申请' }).click();
    await expect.poll(() => player.textContent()).toContain('grant_pending');
    expect(await player.textContent()).toContain('您的调阅申请正在等待审批');
  });

  it('once approved, the player plays (readyState ≥ 2, time advances), steps frames by keyboard, changes speed and shows its grant', async () => {
    const { page } = browser;
    const login = await fetch(`${site.base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'qian.approver', password: PASSWORD }) });
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))!.split(';')[0]!;
    const inbox = (await (await fetch(`${site.base}/api/access-requests?scope=inbox`, { headers: { cookie } })).json()) as { items: Array<{ id: string }> };
    expect(inbox.items).toHaveLength(1);
    const approved = await fetch(`${site.base}/api/access-requests/${inbox.items[0]!.id}/approve`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' });
    expect(approved.status).toBe(200);

    await page.reload();
    const player = page.locator('section.player');
    await expect.poll(() => player.getAttribute('data-state')).toBe('ready');
    expect(await player.textContent()).toContain('依据调阅审批');
    const video = page.locator('video');
    await video.evaluate((v: HTMLVideoElement) => v.play());
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThanOrEqual(2);
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(0.3);

    await page.getByRole('button', { name: '暂停' }).click();
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.paused)).toBe(true);
    const before = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
    await page.getByRole('toolbar', { name: '播放控制' }).getByRole('button', { name: '下一帧 ▶' }).focus();
    await player.press('.');
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(before);
    const after = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
    // One frame of a 15 fps video (or 1/30 s before a frame rate was measured).
    expect(after - before).toBeGreaterThan(0.02);
    expect(after - before).toBeLessThan(0.1);
    await page.getByLabel('倍速').selectOption('2');
    expect(await video.evaluate((v: HTMLVideoElement) => v.playbackRate)).toBe(2);

    // The thumbnail timeline seeks: the 8th of 10 frames stands at 75% of the recording, and is then marked current.
    const timeline = page.getByRole('group', { name: /^时间轴/ });
    const duration = await video.evaluate((v: HTMLVideoElement) => v.duration);
    await timeline.getByRole('button', { name: /^第 8 帧：跳转到/ }).click();
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeCloseTo(duration * 0.75, 1);
    await expect.poll(() => timeline.locator('[aria-current=true]').getAttribute('aria-label')).toMatch(/^第 8 帧/);
  });

  it('the access register on the page lists each use with its reason, linked to a ledger entry the audit page verifies', async () => {
    const { page } = browser;
    await page.reload();
    const history = page.locator('#access-history').locator('..');
    await expect.poll(() => history.locator('tbody tr').count()).toBeGreaterThan(0);
    const first = history.locator('tbody tr').first();
    expect(await first.textContent()).toContain('赵磊');
    expect(await first.textContent()).toContain('执法质量考评');
    expect(await first.textContent()).toContain('2025年一季度执法质量考评抽查');
    await expect.poll(() => page.locator('section.player').getAttribute('data-state')).toBe('ready');
    await screenshotBothLocales(page, 'recording-detail');

    const link = first.getByRole('link');
    const seq = Number((await link.textContent())!.replace(/^#(\d+).*$/s, '$1'));
    await link.click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/audit');
    const result = page.locator('.proof-result');
    await expect.poll(() => result.getAttribute('data-verdict')).toBe('verified');
    expect(await result.textContent()).toContain(`第 ${seq} 条记录已包含在`);
    // The entry itself (a supervisor may read the ledger): its action, as the ledger holds it.
    expect(await result.locator('.fact', { hasText: '操作' }).locator('dd').textContent()).toMatch(/^[a-z_]+\.[a-z_]+$/);
  });
});
