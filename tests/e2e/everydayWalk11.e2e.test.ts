/**
 * The kiosk's everyday use as its people walk it (session walk11), at the smallest kiosk screen
 * (1024×600), on the demo center (120 children, every staff PIN 2580): a volunteer grandmother
 * recording a service who makes the usual mistakes; a teacher correcting the register of a
 * full afternoon; a child who cannot read turning read-aloud on half way. Each test is a defect
 * the walk found and its fix. Screenshots go to test-results/screenshots/.
 * Starts: a static server and headless Chromium (harness.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openDemoKiosk, unlockStaff, type Kiosk } from './harness';
import { demoChildren } from './demoFixture';
import { checkInFromHome } from './kioskFind';

const kids = demoChildren();
const unique = kids.filter((k) => kids.filter((o) => o.displayName === k.displayName).length === 1);

let kiosk: Kiosk;
beforeAll(async () => {
  kiosk = await openDemoKiosk({ viewport: { width: 1024, height: 600 } });
});
afterAll(async () => kiosk?.close());

async function lock(page: Page) {
  await page.goto(`${kiosk.url}#/staff`);
  await page.click('[data-testid="staff-lock"]');
  await page.waitForSelector('[data-testid="kiosk-home"]');
}
/** Whether the element is inside the window as it is now (not scrolled away). */
async function inView(page: Page, selector: string): Promise<boolean> {
  const box = await page.locator(selector).boundingBox();
  const view = page.viewportSize()!;
  return box !== null && box.y >= 0 && box.y + box.height <= view.height;
}

describe('a volunteer grandmother records a service at 1024×600', () => {
  it('a save with nothing chosen says so where she is looking', async () => {
    const { page } = kiosk;
    await unlockStaff(kiosk, '吴阿姨 (代理家长)');
    await page.click('[data-testid="tile-services"]');
    await page.click('[data-testid="service-add"]');
    await page.waitForSelector('textarea[name="notes"]');
    // The whole date shows (it was cut to "11/30/202" at this size).
    expect((await page.locator('input[name="date"]').boundingBox())!.width).toBeGreaterThanOrEqual(180);
    // She starts at the bottom of the form, with the notes, and taps 保存 at the top.
    await page.locator('textarea[name="notes"]').scrollIntoViewIfNeeded();
    await page.click('[data-testid="service-save"]');
    await page.waitForSelector('[data-testid="service-errors"]');
    expect(await page.textContent('[data-testid="service-errors"]')).toContain('有 1 处要改');
    await expect.poll(() => inView(page, '[data-testid="service-errors"]')).toBe(true);
    await kiosk.screenshot('walk11-service-nothing-chosen');
  });

  it('leaving half way loses nothing: the services page offers to carry on, and the form comes back as she left it', async () => {
    const { page } = kiosk;
    await page.selectOption('select[name="serviceType"]', 'community-space');
    await page.fill('textarea[name="notes"]', '剪纸活动，孩子们很开心');
    const chosen = page.locator('.kids button');
    const first = (await chosen.nth(0).getAttribute('data-child'))!;
    const second = (await chosen.nth(1).getAttribute('data-child'))!;
    await chosen.nth(0).click();
    await chosen.nth(1).click();
    // Someone calls her away: she taps 返回.
    await page.click('[data-testid="page-back"]');
    await page.waitForSelector('[data-testid="service-draft"]');
    expect(await page.textContent('[data-testid="service-draft"]')).toContain('社区空间活动，已选 2 人');
    await kiosk.screenshot('walk11-service-draft-offered');
    // Another volunteer unlocking the kiosk does not see her notes.
    await lock(page);
    await unlockStaff(kiosk, '小杨 (志愿者)');
    await page.click('[data-testid="tile-services"]');
    await page.waitForSelector('[data-testid="service-counts"]');
    expect(await page.locator('[data-testid="service-draft"]').count()).toBe(0);
    await page.click('[data-testid="service-add"]');
    await page.waitForSelector('textarea[name="notes"]');
    expect(await page.inputValue('textarea[name="notes"]')).toBe('');
    expect(await page.locator('[data-testid="service-draft-restored"]').count()).toBe(0);
    await lock(page);
    // She comes back (the kiosk was locked meanwhile) and carries on.
    await unlockStaff(kiosk, '吴阿姨 (代理家长)');
    await page.click('[data-testid="tile-services"]');
    await page.click('[data-testid="service-draft-continue"]');
    await page.waitForSelector('[data-testid="service-draft-restored"]');
    expect(await page.inputValue('textarea[name="notes"]')).toBe('剪纸活动，孩子们很开心');
    expect(await page.inputValue('select[name="serviceType"]')).toBe('community-space');
    expect(await page.getAttribute(`.kids button[data-child="${first}"]`, 'class')).toContain('on');
    expect(await page.getAttribute(`.kids button[data-child="${second}"]`, 'class')).toContain('on');
    await kiosk.screenshot('walk11-service-draft-restored');
  });

  it('a date in the future is refused in words; once saved she is told so, and the draft is gone', async () => {
    const { page } = kiosk;
    await page.fill('input[name="date"]', '2026-12-05');
    await page.click('[data-testid="service-save"]');
    await expect.poll(() => page.locator('.field-error').allTextContents()).toContain('不能记录未来的服务');
    await page.fill('input[name="date"]', '2026-11-30');
    await page.click('[data-testid="service-save"]');
    await page.waitForSelector('[data-testid="service-saved"]');
    expect(await page.textContent('[data-testid="service-saved"]')).toContain('已保存：社区空间活动，2 人参加');
    expect(await page.locator('[data-testid="service-draft"]').count()).toBe(0);
    await kiosk.screenshot('walk11-service-saved');
    await page.click('[data-testid="service-add"]');
    await page.waitForSelector('textarea[name="notes"]');
    expect(await page.inputValue('textarea[name="notes"]')).toBe('');
  });

  it('a home visit (代理家长探访) for one child, the draft thrown away on purpose first', async () => {
    const { page } = kiosk;
    await page.fill('textarea[name="notes"]', '写错了');
    await page.click('[data-testid="page-back"]');
    await page.click('[data-testid="service-draft-continue"]');
    await page.click('[data-testid="service-draft-discard"]');
    expect(await page.inputValue('textarea[name="notes"]')).toBe('');
    // 120 children, 60 name buttons: the rest were hidden without a word; now she is told to search.
    expect(await page.locator('.kids button').count()).toBe(60);
    expect(await page.textContent('[data-testid="service-not-shown"]')).toContain('还有 60 个孩子没有列出来');
    const kid = unique[0]!;
    await page.selectOption('select[name="serviceType"]', 'surrogate-parent-visit');
    await page.fill('.search', kid.fullName);
    await page.click(`.kids button[data-child="${kid.fullName}"]`);
    expect(await page.locator('[data-testid="service-not-shown"]').count()).toBe(0);
    await page.fill('textarea[name="notes"]', '到家里看了看，奶奶身体还好');
    await page.click('[data-testid="service-save"]');
    await page.waitForSelector('[data-testid="service-saved"]');
    expect(await page.textContent('[data-testid="service-saved"]')).toContain('已保存：代理家长探访，1 人参加');
    expect(await page.locator('[data-testid="service-draft"]').count()).toBe(0);
    await lock(page);
  });
});

describe('a teacher corrects the register of a full afternoon at 1024×600', () => {
  it('finds a child among 120 rows by name or pinyin initials instead of scrolling', async () => {
    const { page } = kiosk;
    await unlockStaff(kiosk, '刘老师');
    await page.click('[data-testid="tile-register"]');
    await page.waitForSelector('[data-testid="register-rows"] li');
    expect(await page.locator('[data-testid="register-rows"] li').count()).toBe(120);
    const kid = unique[60]!;
    await page.fill('[data-testid="register-search"]', kid.fullName);
    await expect.poll(() => page.locator('[data-testid="register-rows"] li').count()).toBe(1);
    const row = page.locator(`[data-testid="register-rows"] li[data-child="${kid.fullName}"]`);
    await row.locator('[data-status="absent"]').click();
    await expect.poll(() => page.textContent('[data-testid="register-counts"]')).toContain('缺 1');
    // Absent was a mis-tap: the child is here, and came late.
    await row.locator('[data-status="present"]').click();
    await expect.poll(() => page.textContent('[data-testid="register-counts"]')).toContain('缺 0');
    await row.locator('[data-action="late"]').click();
    await expect.poll(() => page.textContent('[data-testid="register-counts"]')).toContain('迟到 1');
    await kiosk.screenshot('walk11-register-search');
    await page.fill('[data-testid="register-search"]', 'qqqq');
    await page.waitForSelector('[data-testid="register-search-none"]');
    await page.click('[data-testid="register-search-clear"]');
    await expect.poll(() => page.locator('[data-testid="register-rows"] li').count()).toBe(120);
  });

  it('a button that does nothing for an unmarked child looks it; the pick-up choice fits the row and can be cancelled', async () => {
    const { page } = kiosk;
    const kid = unique[60]!;
    const other = unique[61]!;
    const otherRow = page.locator(`[data-testid="register-rows"] li[data-child="${other.fullName}"]`);
    // Not marked: 迟到 and 签退 are disabled, and look it (they looked exactly like the buttons that work).
    expect(await otherRow.locator('[data-action="late"]').isDisabled()).toBe(true);
    expect(Number(await otherRow.locator('[data-action="late"]').evaluate((b) => getComputedStyle(b).opacity))).toBeLessThan(0.6);
    expect(Number(await otherRow.locator('[data-action="check-out"]').evaluate((b) => getComputedStyle(b).opacity))).toBeLessThan(0.6);
    await page.fill('[data-testid="register-search"]', kid.fullName);
    const row = page.locator(`[data-testid="register-rows"] li[data-child="${kid.fullName}"]`);
    expect(Number(await row.locator('[data-action="late"]').evaluate((b) => getComputedStyle(b).opacity))).toBe(1);
    await row.locator('[data-action="check-out"]').click();
    await row.locator('[data-testid="pickup-select"]').waitFor();
    // Every word on one line (at 1024 px 请假 / 迟到 / 确认签退 broke into two lines each) and every button inside the window.
    const buttons = await row.locator('button, select').evaluateAll((els) => els.map((el) => ({ text: (el.textContent ?? '').trim().slice(0, 8), h: el.getBoundingClientRect().height, right: el.getBoundingClientRect().right })));
    for (const b of buttons) {
      expect(b.h, b.text).toBeLessThanOrEqual(60);
      expect(b.right, b.text).toBeLessThanOrEqual(1024);
    }
    await kiosk.screenshot('walk11-register-pickup');
    await row.locator('[data-action="cancel-out"]').click();
    expect(await row.locator('[data-testid="pickup-select"]').count()).toBe(0);
    expect(await row.textContent()).not.toContain('走');
    await page.fill('[data-testid="register-search"]', '');
    await lock(page);
  });
});

describe('a 7-year-old who reads little turns read-aloud on half way', () => {
  it('the screen she is on is read at once (it stayed silent until the next step), and what cannot be said is told to staff', async () => {
    const { page } = kiosk;
    const kid = unique.find((k) => k.grade === 1 && k.consents.some((c) => c.action === 'grant' && c.scopes.includes('attendance')))!;
    const asked: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/prompts/')) asked.push(decodeURIComponent(r.url().split('/prompts/')[1]!));
    });
    await page.goto(`${kiosk.url}#/kiosk`);
    await checkInFromHome(page, kid);
    await page.waitForSelector('[data-testid="code-slots"]');
    expect(await page.getAttribute('[data-testid="read-aloud"]', 'aria-pressed')).toBe('false');
    // 擦掉一个 with nothing to erase looks disabled (it looked like every other button), and comes alive with the first picture.
    const eraseOpacity = () => page.locator('[data-testid="code-erase"]').evaluate((b) => Number(getComputedStyle(b).opacity));
    expect(await eraseOpacity()).toBeLessThan(0.6);
    await page.click(`[data-picture="${kid.code[0]}"]`);
    expect(await eraseOpacity()).toBe(1);
    await page.click('[data-testid="code-erase"]');
    expect(await eraseOpacity()).toBeLessThan(0.6);
    await page.waitForTimeout(300);
    expect(asked).toEqual([]);
    await page.click('[data-testid="read-aloud"]');
    // Her name has no recording and headless Chromium has no system voice: the note says so; the prompt is played.
    await page.waitForSelector('[data-testid="speech-missing"]', { timeout: 10_000 });
    await expect.poll(() => asked, { timeout: 10_000 }).toContain('zh-CN/everyday2.speech.codePrompt.ogg');
    await kiosk.screenshot('walk11-readaloud-code');
    // The note covers no part of anything she taps (it lay over the lower part of 不是我).
    const covered = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('main button')).flatMap((b) => {
        const r = b.getBoundingClientRect();
        const corners = [[r.left + 6, r.top + 6], [r.right - 6, r.top + 6], [r.left + 6, r.bottom - 6], [r.right - 6, r.bottom - 6]] as const;
        return corners.some(([x, y]) => !b.contains(document.elementFromPoint(x, y))) ? [(b.textContent ?? '').trim() || b.dataset.picture || '?'] : [];
      }),
    );
    expect(covered).toEqual([]);
    // Turned off, nothing more is asked for on this screen.
    await page.click('[data-testid="read-aloud"]');
    const before = asked.length;
    await page.waitForTimeout(500);
    expect(asked.length).toBe(before);
    // On the family-name step too: turned on, the title is read.
    await page.click('[data-testid="code-not-me"]');
    await page.click('[data-testid="kiosk-initials-back"]');
    await page.waitForSelector('[data-testid="kiosk-initials"]');
    asked.length = 0;
    await page.click('[data-testid="read-aloud"]');
    await expect.poll(() => asked, { timeout: 10_000 }).toContain('zh-CN/checkin.pickTitle.ogg');
    await page.click('[data-testid="checkin-home"]');
  });
});

describe('English, spot-checked at 1024×600', () => {
  it('the family-name step: "Show everyone" stays inside its button', async () => {
    const { page } = kiosk;
    await unlockStaff(kiosk, '刘老师');
    await page.click('text=English');
    await lock(page);
    await page.click('[data-testid="kiosk-checkin"]');
    await page.waitForSelector('[data-testid="kiosk-initials"]');
    const all = page.locator('[data-testid="kiosk-all"]');
    expect(await all.textContent()).toContain('Show everyone');
    const fits = await all.evaluate((b) => b.scrollWidth <= b.clientWidth && b.scrollHeight <= b.clientHeight);
    expect(fits).toBe(true);
    await kiosk.screenshot('walk11-en-initials');
    await page.click('[data-testid="checkin-home"]');
    await unlockStaff(kiosk, '刘老师');
    await page.click('text=简体中文');
    await lock(page);
  });
});
