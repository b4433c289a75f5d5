import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, PASSWORD, screenshotBothLocales, setLocale, signIn, startSite, type Browser, type Site } from './support.js';

describe('sign-in, the shell and the account page (browser)', () => {
  let site: Site;
  let browser: Browser;

  beforeAll(async () => {
    site = await startSite([
      { username: 'wang.fang', displayName: '王芳', roles: ['supervisor'], badge: '100234' },
      { username: 'liu.new', displayName: '刘新', roles: ['officer'], badge: '100240', mustChangePassword: true },
    ]);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it('a visitor is sent to sign-in, in Chinese by default; a wrong password says so in either language', async () => {
    const { page } = browser;
    await page.goto(`${site.base}/recordings?q=巡逻`);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/sign-in');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.locator('h1').textContent()).toBe('登录');
    expect(await page.locator('.sign-in-site').textContent()).toBe('城东分局');
    await screenshotBothLocales(page, 'sign-in');

    await page.getByLabel('用户名').fill('wang.fang');
    await page.getByLabel('密码').fill('not the password');
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('用户名或密码错误');
    expect(await page.getByRole('alert').textContent()).toContain('bad_credentials');

    await setLocale(page, 'en');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong username or password.');
    // The language choice is remembered by this browser.
    await page.reload();
    expect(await page.locator('h1').textContent()).toBe('Sign in');
    await setLocale(page, 'zh-CN');
  });

  it('signing in returns to the page asked for; the header shows the user, roles and site; nav follows the role', async () => {
    const { page } = browser;
    await page.goto(`${site.base}/recordings?q=巡逻`);
    await page.getByLabel('用户名').fill('wang.fang');
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.url()).toBe(`${site.base}/recordings?q=${encodeURIComponent('巡逻')}`);
    expect(await page.locator('.shell-user-name').textContent()).toBe('王芳');
    expect(await page.locator('.shell-user-roles').textContent()).toBe('法制监督');
    expect(await page.locator('.shell-site').textContent()).toBe('城东分局');
    const nav = await page.getByRole('navigation', { name: '主导航' }).getByRole('link').allTextContents();
    expect(nav[0]).toBe('首页');
    expect(nav).toEqual(expect.arrayContaining(['音像记录', '审计', '个人中心']));
    expect(nav).not.toContain('采集工作台');
    expect(await page.getByLabel('关键词').inputValue()).toBe('巡逻');
  });

  it('the account page changes the password and signs out everywhere', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: '个人中心' }).click();
    await page.getByRole('heading', { name: '修改密码' }).waitFor();
    await screenshotBothLocales(page, 'account');

    await page.getByLabel('当前密码').fill(PASSWORD);
    await page.getByLabel('新密码', { exact: true }).fill('a brand new secret');
    await page.getByLabel('再次输入新密码').fill('a different secret');
    await page.getByRole('button', { name: '修改密码' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('两次输入的新密码不一致');

    await page.getByLabel('再次输入新密码').fill('a brand new secret');
    await page.getByRole('button', { name: '修改密码' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: '密码已修改' }).count()).toBe(1);

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: '退出所有登录' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/sign-in');
    // The session is gone on the server too: the app asks again and stays on sign-in.
    await page.goto(`${site.base}/account`);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/sign-in');

    await signIn(page, site.base, 'wang.fang', 'a brand new secret');
    await page.getByRole('button', { name: '退出登录' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/sign-in');
  });

  it('a password someone else chose must be replaced first: every page leads to the account page until it is', async () => {
    const { page } = browser;
    await signIn(page, site.base, 'liu.new');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/account');
    expect(await page.getByRole('alert').textContent()).toContain('您的密码由他人设置');
    await page.goto(`${site.base}/recordings`);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/account');

    await page.getByLabel('当前密码').fill(PASSWORD);
    await page.getByLabel('新密码', { exact: true }).fill('my own secret 2025');
    await page.getByLabel('再次输入新密码').fill('my own secret 2025');
    await page.getByRole('button', { name: '修改密码' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: '密码已修改' }).count()).toBe(1);
    await page.getByRole('navigation').getByRole('link', { name: '音像记录' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/recordings');
    await expect.poll(() => page.locator('.result-count').textContent()).toBe('没有符合条件的音像记录。');
  });
});
