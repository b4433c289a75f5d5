import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/identity/index.js';
import { actorOf } from '../support/grants.js';
import { launchBrowser, screenshotBothLocales, seedRecordings, signIn, startSite, type Browser, type SeededRecording, type Site } from './support.js';

describe('retention: a long-term mark takes a recording out of the dry run; deletion batches approved and restored; profiles edited and compared (browser)', () => {
  let site: Site;
  let browser: Browser;
  let recs: SeededRecording[];

  beforeAll(async () => {
    site = await startSite([
      { username: 'ma.disp', displayName: '马调度', roles: ['dispatcher'] },
      { username: 'he.appr', displayName: '何审批', roles: ['approver'] },
      { username: 'sun.admin', displayName: '孙管理', roles: ['admin'] },
    ]);
    // Three recordings of January 2024: past the default profile's 12 months.
    [recs, browser] = await Promise.all([
      seedRecordings(
        site,
        [0, 1, 2].map((i) => ({ device: 'D1000001', badge: '120001', at: new Date(Date.UTC(2024, 0, 10, 2 + i)) })),
        { seconds: 1 },
      ),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  const expired = () => browser.page.locator('[data-testid=expired-count]').textContent();

  it('marking a recording long-term on its page takes it out of the expired dry run', async () => {
    const { page } = browser;
    await signIn(page, site.base, 'ma.disp');
    // The dispatcher's home counts the expired recordings no batch holds yet, and leads to the retention page.
    const card = page.locator('[data-card=retentionExpired]');
    await expect.poll(() => card.locator('.home-card-count').getAttribute('data-count')).toBe('3');
    await card.getByRole('link').click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/retention');
    await expect.poll(expired).toBe('3');

    await page.goto(`${site.base}/recordings/${recs[0]!.id}`);
    const section = page.locator('section.recording-retention');
    await expect.poll(() => section.getAttribute('data-long-term')).toBe('no');
    expect(await section.textContent()).toContain('已到期');
    await page.getByLabel('事由（取自规范配置）').selectOption('major_complex_case');
    await page.getByLabel('备注（选填）').fill('复杂案件，移送检察院');
    await page.getByRole('button', { name: '标记长期保存' }).click();
    await expect.poll(() => section.getAttribute('data-long-term')).toBe('yes');
    expect(await section.textContent()).toContain('无截止日期');
    expect(await section.textContent()).toContain('已标记长期保存');

    await page.goto(`${site.base}/retention`);
    await expect.poll(expired).toBe('2');
    await page.locator('.expired-list summary').click();
    const listed = await page.locator('.expired-list li').evaluateAll((els) => els.map((e) => e.getAttribute('data-recording')));
    expect(listed.sort()).toEqual([recs[1]!.id, recs[2]!.id].sort());
    await screenshotBothLocales(page, 'retention');

    await page.getByRole('button', { name: '提出删除批次（每个单位一批）' }).click();
    await expect.poll(() => page.locator('[role=status]', { hasText: '已提出删除批次 1 个' }).count()).toBe(1);
    await expect.poll(() => page.locator('table.batches tbody tr').count()).toBe(1);
    expect(await page.locator('table.batches').textContent()).toContain('待审批');
  });

  it('an approver approves the batch with a dynamic password (it enters its recovery window) and restores it', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: '退出登录' }).click();
    await signIn(page, site.base, 'he.appr');
    // The site asks a dynamic password at deletion; the approver's authenticator is enrolled once signed in (a code of the previous step confirms it).
    const app = site.t.app;
    await app.settings.setAuthority({ ...(await app.settings.authority()), stepUpStages: ['delete'] }, null, null, 'e2e');
    const approver = await actorOf(app, 'he.appr');
    const enrolment = await app.sessions.beginTotpEnrolment(approver, { ip: null });
    await app.sessions.confirmTotpEnrolment(approver, totpCode(enrolment.secret, Date.now() - 30_000), { ip: null });
    await page.goto(`${site.base}/retention`);
    await page.locator('table.batches tbody tr a').first().click();
    const facts = page.locator('[data-status]');
    await expect.poll(() => facts.getAttribute('data-status')).toBe('proposed');
    await page.getByRole('button', { name: '批准删除' }).click();
    await page.getByLabel('说明（选填）').fill('已核对，均为到期的一般记录');
    await page.getByRole('button', { name: '确认批准删除' }).click();
    const prompt = page.getByTestId('step-up');
    await expect.poll(() => prompt.count()).toBe(1);
    expect(await facts.getAttribute('data-status')).toBe('proposed');
    await prompt.getByLabel('动态密码').fill(totpCode(enrolment.secret, Date.now()));
    await prompt.getByRole('button', { name: '输入动态密码并确认' }).click();
    await expect.poll(() => facts.getAttribute('data-status')).toBe('approved');
    expect(await facts.textContent()).toContain('之前未撤回，批次中的记录将被删除');
    await screenshotBothLocales(page, 'retention-batch');
    await page.getByRole('button', { name: '撤回（全部保留）' }).click();
    await page.getByLabel('理由（必填）').fill('其中一条需要复核');
    await page.getByRole('button', { name: '确认撤回' }).click();
    await expect.poll(() => facts.getAttribute('data-status')).toBe('restored');
  });

  it('an administrator saves an edited copy of a shipped profile and sees the diff of the key fields', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: '退出登录' }).click();
    await signIn(page, site.base, 'sun.admin');
    await page.goto(`${site.base}/retention/profiles`);
    await page.getByRole('button', { name: '查看 traffic-police@1' }).click();
    await expect.poll(() => page.locator('[data-shown]').getAttribute('data-shown')).toBe('traffic-police@1');
    await page.getByRole('button', { name: '编辑为新版本' }).click();
    expect(await page.getByLabel('配置标识').inputValue()).toBe('traffic-police-local');
    await page.getByLabel('恢复期（天）').fill('14');
    await page.getByLabel('新增事由（中文）').fill('媒体关注');
    await page.getByLabel('新增事由（英文）').fill('Media attention');
    await page.getByRole('button', { name: '添加事由' }).click();
    await page.getByLabel('修改依据').fill('本局〔2025〕5号文');
    await page.getByRole('button', { name: '另存为新版本' }).click();
    await expect.poll(() => page.locator('[role=status]', { hasText: '已保存为 traffic-police-local@1' }).count()).toBe(1);
    const diff = page.locator('table.profile-diff');
    await expect.poll(() => diff.locator('tr[data-changed=yes]').count()).toBeGreaterThan(0);
    const changed = await diff.locator('tr[data-changed=yes]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-field')));
    expect(changed).toEqual(['longTermCategories', 'recoveryWindow', 'hash']);
    expect(await diff.locator('tr[data-field=longTermCategories]').textContent()).toContain('新增：媒体关注');
    await screenshotBothLocales(page, 'retention-profiles', () => diff.scrollIntoViewIfNeeded());
  });
});
