import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/identity/index.js';
import { makeVideo, tempDir } from '../support/app.js';
import { launchBrowser, screenshotBothLocales, signIn, startSite, type Browser, type Site } from './support.js';

const MIN = 60_000;
const NO_STEP_UP = { stepUpStages: [], sensitiveApprovalMaxDepth: 0, grantDefaultHours: 72, grantMaxHours: 720 };

/**
 * The device desk in the browser (issue 5): a custodian enrols a dynamic password, registers a
 * recorder, issues it to an officer picked by badge (the step-up prompt asks for the code), takes
 * it back with the clock 7 minutes fast; the recorder's next import is corrected by those 7
 * minutes on the recording page. Overdue, maintenance, repair and allocation views follow.
 */
describe('device desk: issue, return with clock calibration, and the corrected import (browser)', () => {
  let site: Site;
  let browser: Browser;
  let media: { dir: string; cleanup(): Promise<void> };
  let secret = '';
  let deviceUrl = '';

  beforeAll(async () => {
    site = await startSite([
      { username: 'zhou.custodian', displayName: '周保管', roles: ['custodian'] },
      { username: 'wang.wei', displayName: '王伟', roles: ['officer'], badge: '012345' },
      { username: 'li.na', displayName: '李娜', roles: ['officer'], badge: '054321' },
      { username: 'zhao.sup', displayName: '赵监督', roles: ['supervisor'] },
    ]);
    [browser, media] = await Promise.all([launchBrowser(), tempDir('custodia-e2e-desk-')]);
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await media?.cleanup();
  });

  it('the account page enrols an authenticator: a QR code and the secret, confirmed with a correct code', async () => {
    const { page } = browser;
    await signIn(page, site.base, 'zhou.custodian');
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '个人中心' }).click();
    await page.getByRole('button', { name: '绑定身份验证器' }).click();
    const qr = page.getByTestId('totp-qr');
    await expect.poll(() => qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(100);
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);

    await page.getByLabel('验证码').fill('000000');
    await page.getByRole('button', { name: '确认绑定' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('otp_invalid');
    await page.getByLabel('验证码').fill(totpCode(secret, Date.now()));
    await page.getByRole('button', { name: '确认绑定' }).click();
    await expect.poll(() => page.locator('#totp').textContent()).toContain('已绑定：登录时需输入验证码');
  });

  it('registers a recorder and issues it to an officer chosen by badge; the step asks for the dynamic password', async () => {
    const { page } = browser;
    await site.t.app.settings.setAuthority({ ...NO_STEP_UP, stepUpStages: ['issue_return'] }, null, null, 'e2e');
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '设备管理' }).click();
    await page.getByRole('link', { name: '全部设备' }).click();
    await page.getByRole('button', { name: '登记设备' }).click();
    const form = page.getByTestId('register-form');
    await form.getByLabel('设备编号').fill('N-001');
    await form.getByLabel('产品序号（文件名中）').fill('A7F0001');
    await form.getByLabel('型号').fill('DSJ-A7');
    await form.getByRole('button', { name: '登记' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/devices\/[0-9a-f-]{36}$/);
    deviceUrl = page.url();
    await expect.poll(() => page.locator('h1').textContent()).toContain('执法记录仪 N-001');
    expect(await page.locator('h1').textContent()).toContain('在库');
    // The true time, measured from the server's Date headers, ticks on the page.
    await expect.poll(() => page.locator('[data-true-time]').getAttribute('data-true-time')).not.toBe('');
    const shown = Number(await page.locator('[data-true-time]').getAttribute('data-true-time'));
    expect(Math.abs(shown - Date.now())).toBeLessThan(3000);

    const issue = page.getByTestId('issue-form');
    await issue.getByLabel('警号或姓名').fill('0123');
    await issue.getByRole('radio', { name: /王伟/ }).check();
    await expect.poll(() => issue.textContent()).toContain('领用人：王伟，警号 012345。');
    await issue.getByLabel('电量（%）').fill('100');
    await issue.getByRole('button', { name: '确认领用' }).click();

    const prompt = page.getByTestId('step-up');
    await expect.poll(() => prompt.textContent()).toContain('此环节（设备领用与归还）需要输入身份验证器当前显示的验证码');
    await prompt.getByLabel('动态密码').fill('000000');
    await prompt.getByRole('button', { name: '确认并继续' }).click();
    await expect.poll(() => prompt.getByRole('alert').textContent()).toContain('验证码错误、已过期或已被使用');
    // The code of the next 30 s step: the enrolment spent this one.
    await prompt.getByLabel('动态密码').fill(totpCode(secret, Date.now() + 30_000));
    await prompt.getByRole('button', { name: '确认并继续' }).click();
    await expect.poll(() => page.getByTestId('desk-done').textContent()).toContain('设备 N-001 已领用。');
    await expect.poll(() => page.locator('h1').textContent()).toContain('已领用');
    await expect.poll(() => page.locator('.fact', { hasText: '领用人' }).locator('dd').textContent()).toBe('王伟 (012345)');
  });

  it('the desk shows the device out now (screenshots at 1280 and tablet width)', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: '← 返回设备管理台' }).click();
    const out = page.locator('tr[data-device="N-001"]');
    await expect.poll(() => out.textContent()).toContain('王伟 (012345)');
    const clockShown = async () => {
      await expect.poll(() => page.locator('[data-true-time]').getAttribute('data-true-time')).not.toBe('');
    };
    await screenshotBothLocales(page, 'devices-desk', clockShown);
    await page.setViewportSize({ width: 800, height: 1100 });
    for (const link of await page.getByRole('navigation').getByRole('link').all()) expect((await link.boundingBox())!.height).toBeGreaterThanOrEqual(48);
    expect((await page.getByRole('button', { name: '查找' }).boundingBox())!.height).toBeGreaterThanOrEqual(56);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(800);
    await screenshotBothLocales(page, 'devices-desk-tablet', clockShown);
    await page.setViewportSize({ width: 1280, height: 800 });
    // A scanner types the number and Enter: one exact match opens the device.
    await page.getByLabel('设备编号或产品序号').fill('N-001');
    await page.getByLabel('设备编号或产品序号').press('Enter');
    await expect.poll(() => page.url()).toBe(deviceUrl);
  });

  it('takes the recorder back with the clock 7 minutes fast', async () => {
    const { page } = browser;
    await site.t.app.settings.setAuthority(NO_STEP_UP, null, null, 'e2e');
    const ret = page.getByTestId('return-form');
    await expect.poll(() => ret.textContent()).toContain('领用人 王伟（警号 012345）');
    await ret.getByLabel('电量（%）').fill('35');
    await ret.getByLabel('存储').selectOption('ok');
    await ret.getByRole('radio', { name: '直接输入偏差' }).check();
    await ret.getByLabel('记录仪时钟').selectOption('fast');
    await ret.getByLabel('分', { exact: true }).fill('7');
    await ret.getByLabel('秒', { exact: true }).fill('0');
    expect(await ret.locator('.clock-result').textContent()).toContain('快 7 分 0 秒');
    await ret.getByRole('button', { name: '确认归还' }).click();
    await expect.poll(() => page.getByTestId('desk-done').textContent()).toContain('设备 N-001 已归还。');
    expect(await page.getByTestId('desk-done').textContent()).toContain('时钟：快 7 分 0 秒。');
    await expect.poll(() => page.getByTestId('device-clock').textContent()).toContain('快 7 分 0 秒');
    await expect.poll(() => page.locator('h1').textContent()).toContain('在库');
    // The history shows the loan, the calibration and each step with its ledger entry.
    const calibrations = page.getByTestId('device-calibrations');
    await expect.poll(() => calibrations.textContent()).toContain('直接输入偏差');
    expect(await calibrations.textContent()).toContain('归还检查');
    const events = await page.getByTestId('device-events').locator('tbody tr').allTextContents();
    expect(events.map((e) => e.replace(/\s+/g, ''))).toEqual([expect.stringContaining('归还已领用→在库#'), expect.stringContaining('领用在库→已领用#'), expect.stringContaining('登记入库在库#')]);
  });

  it('overdue and maintenance lists, a fault through repair to retirement, and the allocation standard', async () => {
    const { page } = browser;
    const me = await site.t.app.identity.resolveUnit(undefined);
    // A second recorder, lent until a moment from now (through the API, as another desk would).
    const reg = await page.request.post(`${site.base}/api/devices`, { data: { code: 'N-002', serial: 'B7F0002', kind: 'body_worn', unitId: me.id } });
    expect(reg.status()).toBe(201);
    const n2 = ((await reg.json()) as { id: string }).id;
    const issued = await page.request.post(`${site.base}/api/devices/${n2}/issue`, { data: { officerBadge: '054321', dueAt: Date.now() + 1500 } });
    expect(issued.status()).toBe(201);
    // Until its due time has passed and the server counts it overdue.
    const overdue = async () => ((await (await page.request.get(`${site.base}/api/devices/overdue`)).json()) as { items: Array<{ id: string }> }).items.map((d) => d.id);
    await expect.poll(overdue, { timeout: 15_000, interval: 250 }).toContain(n2);
    const reg3 = await page.request.post(`${site.base}/api/devices`, { data: { code: 'N-003', kind: 'handheld_terminal', unitId: me.id } });
    const n3 = ((await reg3.json()) as { id: string }).id;

    // Home: the custodian's cards.
    await page.goto(`${site.base}/`);
    await expect.poll(() => page.locator('[data-card=overdueDevices] .home-card-count').getAttribute('data-count')).toBe('1');
    await page.locator('[data-card=overdueDevices] a').click();
    await expect.poll(() => page.locator('tr[data-device="N-002"]').textContent()).toContain('李娜 (054321)');
    expect(new URL(page.url()).search).toBe('?view=overdue');

    await page.goto(`${site.base}/devices/${n3}`);
    await page.getByRole('button', { name: '报告故障' }).click();
    const fault = page.getByTestId('fault-form');
    await fault.getByLabel('原因').selectOption('damage');
    await fault.getByLabel('情况说明').fill('屏幕碎裂');
    await fault.getByRole('button', { name: '报告故障' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toContain('故障');
    await page.goto(`${site.base}/devices?view=maintenance`);
    await expect.poll(() => page.locator('tr[data-device="N-003"]').textContent()).toContain('故障');

    await page.locator('tr[data-device="N-003"]').getByRole('link').click();
    await page.getByRole('button', { name: '送修', exact: true }).click();
    await page.getByTestId('repair-form').getByLabel('维修单位').fill('市局装备维修中心');
    await page.getByTestId('repair-form').getByRole('button', { name: '确认送修' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toContain('维修中');
    await page.getByTestId('repair-done-form').getByRole('radio', { name: '未修复（仍为故障）' }).check();
    await page.getByTestId('repair-done-form').getByRole('button', { name: '登记维修结果' }).click();
    await expect.poll(() => page.getByTestId('desk-done').textContent()).toContain('设备 N-003 已维修返回。');
    await page.getByRole('button', { name: '报废', exact: true }).click();
    await page.getByTestId('retire-form').getByLabel('报废原因').fill('无法修复');
    await page.getByTestId('retire-form').getByRole('button', { name: '确认报废' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toContain('已报废');
    expect(await page.locator('.action-picker').count()).toBe(0);

    // Allocation: two officers, two devices allocated (the retired one doesn't count).
    await page.goto(`${site.base}/devices?view=allocation`);
    const root = page.locator('table.allocation tbody tr').first();
    await expect.poll(() => root.locator('td').allTextContents()).toEqual(['2', '2', '2', '1', '每台 1.0 人', '✓达标']);
    await page.getByLabel('单位类别').selectOption('C');
    await expect.poll(() => root.locator('td').nth(3).textContent()).toBe('2');
  });

  it('the recorder’s next import is corrected by the calibration: the recording page shows a start 7 minutes before the device time', async () => {
    const folder = path.join(media.dir, 'A7F0001');
    await mkdir(folder, { recursive: true });
    await makeVideo(path.join(folder, 'A7F0001_012345_20250310093000_0001.MP4'), { seconds: 2, size: '320x240' });
    const unitId = (await site.t.app.identity.resolveUnit(undefined)).id;
    const result = await site.t.app.ingest.importSource(folder, { sourceKind: 'dock', unitId, station: 'e2e-desk', actor: null, meta: { ip: null } });
    expect(result.files.map((f) => f.status)).toEqual(['imported']);

    const { page } = browser;
    await page.getByRole('button', { name: '退出登录' }).click();
    await signIn(page, site.base, 'zhao.sup');
    await page.goto(`${site.base}/recordings/${result.files[0]!.recordingId!}`);
    const start = page.locator('.time-table tbody tr').first();
    await expect.poll(() => start.textContent()).toContain('2025/03/10 09:30:00');
    const [device, corrected] = await start.locator('td').allTextContents();
    expect(device).toBe('2025/03/10 09:30:00');
    expect(corrected).toBe('2025/03/10 09:23:00');
    expect(new Date(corrected!.replace(/\//g, '-')).getTime() - new Date(device!.replace(/\//g, '-')).getTime()).toBe(-7 * MIN);
    expect(await page.locator('.fact', { hasText: '记录仪时钟偏差' }).locator('dd').textContent()).toMatch(/420/);
    await page.getByRole('button', { name: '退出登录' }).click();
  });
});
