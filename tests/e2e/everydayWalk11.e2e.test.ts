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
import { openKiosk, typePin, type Kiosk } from './harness';
import { demoChildren, NOW } from './demoFixture';

const kids = demoChildren();
const unique = kids.filter((k) => kids.filter((o) => o.displayName === k.displayName).length === 1);

let kiosk: Kiosk;
beforeAll(async () => {
  kiosk = await openKiosk();
  await kiosk.page.setViewportSize({ width: 1024, height: 600 });
  await kiosk.page.clock.setFixedTime(new Date(NOW));
  await kiosk.page.goto(`${kiosk.url}#/setup?demo=1`);
  await kiosk.page.waitForSelector('[data-testid="kiosk-home"]', { timeout: 90_000 });
});
afterAll(async () => kiosk?.close());

async function unlock(page: Page, name: string) {
  await page.goto(`${kiosk.url}#/kiosk`);
  await page.click('[data-testid="staff-entry"]');
  await page.click(`[data-testid="staff-${name}"]`);
  await typePin(page, '2580');
  await page.waitForURL((u) => u.hash.startsWith('#/staff'), { timeout: 15_000 });
  if (!page.url().endsWith('#/staff')) await page.goto(`${kiosk.url}#/staff`);
  await page.waitForSelector('[data-testid="staff-home"]', { timeout: 15_000 });
}
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
    await unlock(page, '吴阿姨 (代理家长)');
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
    await unlock(page, '小杨 (志愿者)');
    await page.click('[data-testid="tile-services"]');
    await page.waitForSelector('[data-testid="service-counts"]');
    expect(await page.locator('[data-testid="service-draft"]').count()).toBe(0);
    await page.click('[data-testid="service-add"]');
    await page.waitForSelector('textarea[name="notes"]');
    expect(await page.inputValue('textarea[name="notes"]')).toBe('');
    expect(await page.locator('[data-testid="service-draft-restored"]').count()).toBe(0);
    await lock(page);
    // She comes back (the kiosk was locked meanwhile) and carries on.
    await unlock(page, '吴阿姨 (代理家长)');
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
    const kid = unique[0]!;
    await page.selectOption('select[name="serviceType"]', 'surrogate-parent-visit');
    await page.fill('.search', kid.fullName);
    await page.click(`.kids button[data-child="${kid.fullName}"]`);
    await page.fill('textarea[name="notes"]', '到家里看了看，奶奶身体还好');
    await page.click('[data-testid="service-save"]');
    await page.waitForSelector('[data-testid="service-saved"]');
    expect(await page.textContent('[data-testid="service-saved"]')).toContain('已保存：代理家长探访，1 人参加');
    expect(await page.locator('[data-testid="service-draft"]').count()).toBe(0);
    await lock(page);
  });
});
