import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshotBothLocales, seedRecordings, signIn, startSite, type Browser, type SeededRecording, type Site } from './support.js';

const DAY = 86_400_000;
const two = (n: number) => String(n).padStart(2, '0');
/** An <input type="datetime-local"> value in Beijing time (the browser's zone in these tests). */
const beijingInput = (ms: number) => {
  const d = new Date(ms + 8 * 3600_000);
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}T${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
};

/**
 * Access in the browser (issue 5): a collector asks, an approver decides in the inbox with each
 * recording's context (narrowing one request, setting an expiry), the collector plays under the
 * grant; an approver's own request is refused by the server and the page says so; revocation,
 * withdrawal, the retrieval form and the access register.
 */
describe('access: my requests, the approvals inbox, decisions and the register (browser)', () => {
  let site: Site;
  let browser: Browser;
  let recs: SeededRecording[];
  const byName = (prefix: string) => recs.find((r) => r.name.includes(prefix))!;

  beforeAll(async () => {
    site = await startSite([
      { username: 'sun.collector', displayName: '孙采集', roles: ['collector'], badge: '300001' },
      { username: 'qian.approver', displayName: '钱审批', roles: ['approver'], badge: '300002' },
    ]);
    [recs, browser] = await Promise.all([
      seedRecordings(site, [
        { device: 'A5000001', badge: '100501', at: new Date(Date.UTC(2025, 3, 2, 1, 0)) },
        { device: 'A5000002', badge: '100502', at: new Date(Date.UTC(2025, 3, 2, 2, 0)) },
        { device: 'A5000003', badge: '100503', at: new Date(Date.UTC(2025, 3, 2, 3, 0)) },
      ]),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it('a collector asks from the recording page and through the API; “my requests” lists them and withdraws one', async () => {
    const { page } = browser;
    await signIn(page, site.base, 'sun.collector');
    await page.goto(`${site.base}/recordings/${byName('A5000001').id}`);
    await expect.poll(() => page.locator('section.player').getAttribute('data-state')).toBe('refused');
    await page.getByLabel('调阅事由').selectOption('complaint');
    await page.getByLabel('补充说明（选填）').fill('群众投诉 2025-0402 号');
    await page.getByRole('button', { name: '提交申请' }).click();
    await expect.poll(() => page.locator('section.player').textContent()).toContain('grant_pending');

    const ask = async (names: string[], reason: string) => {
      const res = await page.request.post(`${site.base}/api/access-requests`, { data: { recordingIds: names.map((n) => byName(n).id), action: 'view', reason, reasonText: '案件 2025-17 办理' } });
      expect(res.status()).toBe(201);
    };
    await ask(['A5000002', 'A5000003'], 'case_handling');
    await ask(['A5000003'], 'quality_assessment');

    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '我的申请' }).click();
    const cards = page.locator('article.request-card');
    await expect.poll(() => cards.count()).toBe(3);
    expect(await page.locator('.result-count').textContent()).toBe('共 3 条申请');
    const quality = cards.filter({ hasText: '执法质量考评' });
    page.once('dialog', (d) => void d.accept());
    await quality.getByRole('button', { name: '撤回' }).click();
    await expect.poll(() => quality.getAttribute('data-state')).toBe('withdrawn');
    expect(await quality.textContent()).toContain('已撤回');
    await page.getByLabel('状态').selectOption('pending');
    await expect.poll(() => cards.count()).toBe(2);
    await page.getByRole('button', { name: '退出登录' }).click();
  });

  it('the approver’s home counts the waiting requests; the inbox shows each recording in context (screenshots)', async () => {
    const { page } = browser;
    await signIn(page, site.base, 'qian.approver');
    expect(new URL(page.url()).pathname).toBe('/');
    const approvals = page.locator('[data-card=approvals]');
    await expect.poll(() => approvals.locator('.home-card-count').getAttribute('data-count')).toBe('2');
    expect(await approvals.textContent()).toContain('待我审批的调阅申请');
    await expect.poll(() => page.locator('[data-card=myPending] .home-card-count').getAttribute('data-count')).toBe('0');
    await screenshotBothLocales(page, 'home', async () => {
      await expect.poll(() => page.locator('.home-card-count', { hasText: '…' }).count()).toBe(0);
    });

    await approvals.getByRole('link').click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/access/approvals');
    const cards = page.locator('article.request-card');
    await expect.poll(() => cards.count()).toBe(2);
    const two = cards.filter({ hasText: '案件办理' });
    // Unit names arrive with the unit tree, a query of their own.
    await expect.poll(() => two.textContent()).toContain('城东分局');
    const text = (await two.textContent()) ?? '';
    for (const s of ['孙采集', 'sun.collector', '警号 300001', '案件 2025-17 办理', byName('A5000002').name, byName('A5000003').name, 'A5000002', '100503', '2025/04/02 10:00:00']) expect(text, s).toContain(s);
    expect(await two.getByRole('link', { name: byName('A5000002').name }).getAttribute('href')).toBe(`/recordings/${byName('A5000002').id}`);
    await screenshotBothLocales(page, 'approvals-inbox');
  });

  it('approves one request until a chosen time, and another narrowed to one of its recordings', async () => {
    const { page } = browser;
    const cards = page.locator('article.request-card');
    const one = cards.filter({ hasText: '投诉举报核查' });
    await one.getByRole('button', { name: '批准…' }).click();
    const until = Date.now() + 2 * DAY;
    await one.getByLabel('授权截止时间（选填）').fill(beijingInput(until));
    await one.getByLabel('审批意见（选填）').fill('同意调阅');
    await one.getByRole('button', { name: '批准', exact: true }).click();
    await expect.poll(() => cards.count()).toBe(1);

    const two = cards.filter({ hasText: '案件办理' });
    await two.getByRole('button', { name: '批准…' }).click();
    await two.getByRole('checkbox', { name: byName('A5000003').name }).uncheck();
    await two.getByRole('button', { name: '批准', exact: true }).click();
    await expect.poll(() => page.locator('.result-count').textContent()).toBe('没有等待您审批的申请。');

    await page.getByRole('link', { name: '全部申请' }).click();
    const narrowed = cards.filter({ hasText: '案件办理' });
    await expect.poll(() => narrowed.getAttribute('data-state')).toBe('approved');
    expect(await narrowed.locator('tr', { hasText: byName('A5000002').name }).textContent()).toContain('已批准');
    expect(await narrowed.locator('tr', { hasText: byName('A5000003').name }).textContent()).toContain('未批准');
    const first = cards.filter({ hasText: '投诉举报核查' });
    expect(await first.textContent()).toContain('同意调阅');
    expect(await first.locator('.fact', { hasText: '授权截止' }).textContent()).toContain(beijingInput(until).slice(0, 10).replace(/-/g, '/'));
  });

  it('an approver cannot approve their own request: the page shows the server’s refusal', async () => {
    const { page } = browser;
    const res = await page.request.post(`${site.base}/api/access-requests`, { data: { recordingIds: [byName('A5000003').id], action: 'view', reason: 'quality_assessment' } });
    expect(res.status()).toBe(201);
    await page.reload();
    const own = page.locator('article.request-card', { hasText: '本人申请' });
    await expect.poll(() => own.getAttribute('data-state')).toBe('pending');
    await own.getByRole('button', { name: '批准…' }).click();
    await own.getByRole('button', { name: '批准', exact: true }).click();
    const alert = own.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('不能审批本人提交的申请');
    expect(await alert.textContent()).toContain('self_approval_forbidden');
    expect(await alert.textContent()).toContain('未能办理');
    await page.reload();
    await expect.poll(() => own.getAttribute('data-state')).toBe('pending');
  });

  it('the retrieval form opens as a PDF, and a server without the route says so', async () => {
    const { page } = browser;
    const card = page.locator('article.request-card', { hasText: '投诉举报核查' });
    const [pdf, tab] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/form.pdf')), page.context().waitForEvent('page'), card.getByRole('link', { name: '调用单（PDF）' }).click()]);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect(Number(pdf.headers()['content-length'] ?? '0')).toBeGreaterThan(1000);
    await expect.poll(() => tab.url()).toMatch(/^blob:/);
    await tab.close();

    await page.route('**/form.pdf', (route) => route.fulfill({ status: 404, contentType: 'application/json', body: JSON.stringify({ message: 'Route GET:/x not found', error: 'Not Found', statusCode: 404 }) }));
    await card.getByRole('link', { name: '调用单（PDF）' }).click();
    await expect.poll(() => card.getByRole('alert').textContent()).toContain('本服务器暂不能打印调用单');
    await page.unroute('**/form.pdf');
  });

  it('the requester plays under the grant; the register lists the use; revoking ends the grant', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: '退出登录' }).click();
    await signIn(page, site.base, 'sun.collector');
    await page.goto(`${site.base}/recordings/${byName('A5000001').id}`);
    const player = page.locator('section.player');
    await expect.poll(() => player.getAttribute('data-state')).toBe('ready');
    expect(await player.textContent()).toContain('依据调阅审批');
    const video = page.locator('video');
    await video.evaluate((v: HTMLVideoElement) => v.play());
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThanOrEqual(2);
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(0.3);
    await page.getByRole('button', { name: '退出登录' }).click();

    await signIn(page, site.base, 'qian.approver');
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '调阅登记' }).click();
    await page.getByLabel('人员').selectOption({ label: '孙采集 (sun.collector)' });
    await page.getByRole('button', { name: '筛选' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('user')).not.toBeNull();
    const rows = page.locator('table.access-register tbody tr');
    // The address changes before the page re-renders: until the filtered answer replaces the unfiltered list, then every row is the collector's use.
    const used = ['孙采集', byName('A5000001').name, '投诉举报核查'];
    await expect.poll(() => rows.allTextContents()).toSatisfy((texts: string[]) => texts.length > 0 && texts.every((row) => used.every((s) => row.includes(s))));
    expect(await rows.first().getByRole('link', { name: /^#\d+/ }).getAttribute('href')).toMatch(/^\/audit\?seq=\d+$/);

    await page.goto(`${site.base}/access/approvals?view=all`);
    const card = page.locator('article.request-card', { hasText: '投诉举报核查' });
    await card.getByRole('button', { name: '撤销授权…' }).click();
    await card.getByLabel('撤销理由').fill('核查完毕');
    await card.getByRole('button', { name: '立即撤销' }).click();
    await expect.poll(() => card.getAttribute('data-state')).toBe('revoked');
    expect(await card.textContent()).toContain('核查完毕');
  });
});
