import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshotBothLocales, seedRecordings, signIn, startSite, type Browser, type Site } from './support.js';

describe('audit: the browser verifies the signed tree head and inclusion proofs itself (browser)', () => {
  let site: Site;
  let browser: Browser;

  beforeAll(async () => {
    site = await startSite([
      { username: 'sun.admin', displayName: '孙管理', roles: ['admin'] },
      { username: 'zhou.collector', displayName: '周采集', roles: ['collector'] },
    ]);
    // Some history in the ledger: imports of real recordings.
    await seedRecordings(site, [
      { device: 'A2000001', badge: '300001', at: new Date(Date.UTC(2025, 3, 1, 1)) },
      { device: 'A2000001', badge: '300001', at: new Date(Date.UTC(2025, 3, 1, 3)) },
    ]);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it('an administrator checks the head signature and an entry’s proof, recomputing every hash', async () => {
    const { page } = browser;
    await signIn(page, site.base, 'sun.admin');
    // The administrator's navigation has no recordings (polled: sign-in changes the address before the shell is drawn).
    const navLinks = page.getByRole('navigation', { name: '主导航' }).getByRole('link');
    await expect.poll(() => navLinks.allTextContents()).toEqual(expect.arrayContaining(['审计', '个人中心']));
    expect(await navLinks.allTextContents()).not.toContain('音像记录');
    // Sign-in opens the home page; the audit page is in the navigation.
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '审计', exact: true }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/audit');
    const checks = page.locator('[data-head-verified]');
    await expect.poll(() => checks.getAttribute('data-head-verified')).toBe('yes');
    expect(await checks.textContent()).not.toContain('未通过');
    const size = Number((await page.locator('.fact', { hasText: '记录条数' }).locator('dd').textContent())?.replace(/\D/g, ''));
    expect(size).toBeGreaterThan(5);
    await expect.poll(() => page.locator('.card').first().textContent()).toContain('本浏览器首次见到该站点密钥');

    for (const seq of [1, 3, size]) {
      await page.getByLabel('记录序号').fill(String(seq));
      await page.getByRole('button', { name: '核验', exact: true }).click();
      const result = page.locator('.proof-result');
      await expect.poll(() => result.getAttribute('data-verdict')).toBe('verified');
      await expect.poll(() => result.textContent()).toContain(`第 ${seq} 条记录已包含在共 ${size} 条记录的签名日志中`);
      // The administrator may read entries: the leaf hash was computed from the entry's own bytes.
      expect(await result.textContent()).toContain('记录内容的哈希与证明中的叶哈希一致');
      expect(await result.locator('.check-line', { hasText: '通过' }).count()).toBe(3);
    }
    await page.getByLabel('记录序号').fill('3');
    await page.getByRole('button', { name: '核验', exact: true }).click();
    await expect.poll(() => page.locator('.proof-result').textContent()).toContain('第 3 条记录');
    await page.reload();
    await expect.poll(() => page.locator('.card').first().textContent()).toContain('与本浏览器于');
    await page.getByLabel('记录序号').fill('3');
    await page.getByRole('button', { name: '核验', exact: true }).click();
    await expect.poll(() => page.locator('.proof-result').getAttribute('data-verdict')).toBe('verified');
    await screenshotBothLocales(page, 'audit');
  });

  it('a proof that does not lead to the signed root is shown as not verified', async () => {
    const { page } = browser;
    // Tamper in transit: the browser must not take the server's word for it.
    await page.route('**/api/audit/proof/**', async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as { path: string[] };
      body.path[0] = body.path[0]!.replace(/^./, (c) => (c === '0' ? '1' : '0'));
      await route.fulfill({ response: res, json: body });
    });
    await page.getByLabel('记录序号').fill('2');
    await page.getByRole('button', { name: '核验', exact: true }).click();
    const result = page.locator('.proof-result');
    await expect.poll(() => result.getAttribute('data-verdict')).toBe('not-verified');
    expect(await result.textContent()).toContain('第 2 条记录未通过核验');
    expect(await result.textContent()).toContain('未通过');
    await page.unroute('**/api/audit/proof/**');
  });

  it('a collector (no right to read entries) still verifies the proof against the signed head, and is told the leaf hash is the server’s', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: '退出登录' }).click();
    await signIn(page, site.base, 'zhou.collector');
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '审计', exact: true }).click();
    await expect.poll(() => page.locator('[data-head-verified]').getAttribute('data-head-verified')).toBe('yes');
    await page.getByLabel('记录序号').fill('2');
    await page.getByRole('button', { name: '核验', exact: true }).click();
    const result = page.locator('.proof-result');
    await expect.poll(() => result.getAttribute('data-verdict')).toBe('verified');
    expect(await result.textContent()).toContain('您的角色无权读取记录内容');
  });
});
