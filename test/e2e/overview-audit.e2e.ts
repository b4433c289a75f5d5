import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf } from '../support/grants.js';
import { launchBrowser, screenshotBothLocales, seedRecordings, signIn, startSite, type Browser, type SeededRecording, type Site } from './support.js';

describe('the overview dashboard and the audit browser: charts, ledger filters, chain of custody, verify now (browser)', () => {
  let site: Site;
  let browser: Browser;
  let recs: SeededRecording[];

  beforeAll(async () => {
    site = await startSite([
      { username: 'lin.sup', displayName: '林监督', roles: ['supervisor'] },
      { username: 'gao.cust', displayName: '高保管', roles: ['custodian'] },
      { username: 'tang.officer', displayName: '唐警官', roles: ['officer'], badge: '130001' },
    ]);
    const now = Date.now();
    // Recordings of the last days (collected now), and devices: one issued, one in store.
    [recs, browser] = await Promise.all([
      seedRecordings(
        site,
        [1, 30, 50, 98, 146].map((h, i) => ({ device: `E100000${i % 2}`, badge: '130001', at: new Date(now - h * 3600_000) })),
        { seconds: 2 },
      ),
      launchBrowser(),
    ]);
    const keeper = await actorOf(site.t.app, 'gao.cust');
    const unitId = (await site.t.app.identity.resolveUnit(undefined)).id;
    const officer = await site.t.app.identity.userByUsername('tang.officer');
    const d1 = await site.t.app.devices.registerDevice(keeper, { code: 'E-001', kind: 'body_worn', unitId }, { ip: null });
    await site.t.app.devices.registerDevice(keeper, { code: 'E-002', kind: 'body_worn', unitId }, { ip: null });
    await site.t.app.devices.issueDevice(keeper, d1.id, { officerId: officer!.id, dueAt: now + 8 * 3600_000 }, { ip: null });
    // Two interruptions the officer reported (one for a flat battery), waiting for the head.
    const tang = await actorOf(site.t.app, 'tang.officer');
    for (const reason of ['battery_or_storage', 'battery_or_storage', 'device_fault'])
      await site.t.app.cases.fileWorkRecord(tang, { kind: 'interrupted', reason, statedOnRestart: true, occurredAt: now - 5 * 3600_000 }, { ip: null });
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it('the dashboard draws its charts from the overview and shows the figures in words', async () => {
    const { page } = browser;
    await signIn(page, site.base, 'lin.sup');
    await page.goto(`${site.base}/overview`);
    for (const chart of ['chart-daily', 'chart-timeliness', 'chart-devices', 'chart-storage']) {
      await expect.poll(() => page.locator(`[data-testid=${chart}] .chart`).getAttribute('data-rendered'), { timeout: 15_000 }).toBe('yes');
      expect(await page.locator(`[data-testid=${chart}] canvas`).count()).toBeGreaterThan(0);
    }
    const stats = page.locator('.dash-stats').first();
    expect(await stats.textContent()).toContain('最近 30 天的音像记录5');
    // Recorded days ago and collected only now: four of five are past their 24-hour deadline.
    expect(await stats.textContent()).toContain('按时采集率20%');
    expect(await stats.textContent()).toContain('超时：4 条');
    // Work records of the period by reason (most first) and officer, worded as the regulation words them.
    const work = page.getByTestId('work-record-stats');
    await expect.poll(() => work.locator('table').first().locator('tbody tr').allTextContents()).toEqual(['记录中断 · 电量、存储空间不足2', '记录中断 · 设备故障、损坏1']);
    expect(await work.textContent()).toContain('批准 0 · 驳回 0 · 待审批 3');
    expect(await page.locator('[data-testid=chart-devices] .chart-frame').getAttribute('aria-label')).toContain('已领用 1 台');
    await page.locator('[data-testid=chart-daily] summary').click();
    expect(await page.locator('[data-testid=chart-daily] tbody tr').count()).toBe(30);
    await page.locator('[data-testid=chart-daily] summary').click();
    await screenshotBothLocales(page, 'overview', async () => {
      await page.evaluate(() => window.scrollTo(0, 0));
      await expect.poll(() => page.locator('[data-testid=chart-daily] .chart').getAttribute('data-rendered')).toBe('yes');
    });
  });

  it('“verify now” runs on the server with its progress shown and ends intact', async () => {
    const { page } = browser;
    await page.goto(`${site.base}/audit`);
    const card = page.locator('section.verify-now');
    await expect.poll(() => card.textContent()).toContain('本服务器启动以来尚未核验');
    await card.getByRole('button', { name: '立即核验' }).click();
    await expect.poll(() => card.getAttribute('data-state')).toMatch(/running|done/);
    await expect.poll(() => card.getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    const progress = card.locator('progress');
    expect(await progress.count()).toBe(2);
    for (const p of await progress.all()) expect(await p.evaluate((el: HTMLProgressElement) => el.value === el.max && el.max > 0)).toBe(true);
    expect(await card.textContent()).toContain('已重新计算哈希的原始文件5 / 5');
    expect(await card.locator('[data-ok]').getAttribute('data-ok')).toBe('yes');
    expect(await card.textContent()).toContain('全部完好');
    await screenshotBothLocales(page, 'audit-verify', () => card.scrollIntoViewIfNeeded());
  });

  it('the ledger browser filters by action and subject, verifies an entry, and shows a recording’s chain of custody, all verified', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: '审计日志', exact: true }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/audit/entries');
    await page.getByLabel('操作', { exact: true }).fill('recording.import');
    await page.getByRole('button', { name: '筛选' }).click();
    await expect.poll(() => page.locator('.result-count').textContent()).toBe('已显示 5 条');
    expect(new URL(page.url()).searchParams.get('action')).toBe('recording.import');
    const first = page.locator('table.ledger-entries tbody tr').first();
    await first.getByRole('button', { name: /^核验第 \d+ 条$/ }).click();
    await expect.poll(() => first.locator('[data-verdict]').getAttribute('data-verdict')).toBe('verified');
    await screenshotBothLocales(page, 'audit-ledger');

    // Someone viewed nothing yet, but the recording has its import and the verify run's neighbours: its custody.
    await page.goto(`${site.base}/audit/custody/recording/${recs[0]!.id}`);
    await expect.poll(() => page.locator('table.ledger-entries tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('table.ledger-entries tbody tr').first().textContent()).toContain('recording.import');
    await page.getByRole('button', { name: /^全部核验/ }).click();
    await expect.poll(() => page.locator('[data-custody-verdict]').getAttribute('data-custody-verdict')).toBe('verified');
    await screenshotBothLocales(page, 'audit-custody');
  });
});
