/**
 * What the walk of session walk11 left, fixed (session walk12), at the smallest kiosk screen
 * (1024×600) on the demo center (120 children, every staff PIN 2580, the pick-up rule: under 9):
 * a teacher with a 4-digit PIN; a teacher ending the day with everyone still checked in; a
 * computer whose own language is English running the app in Chinese. Each test fails on the code
 * before it. Screenshots go to test-results/screenshots/.
 * Starts: a static server and headless Chromium (harness.ts), twice (the second with --lang=en-US).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { openDemoKiosk, unlockStaff, type Kiosk } from './harness';
import { demoChildren, TODAY } from './demoFixture';
import { ageOn } from '../../renderer/src/domain/child';

const kids = demoChildren();
const byName = new Map(kids.map((k) => [k.fullName, k]));
/** Names borne by one child only: a row found by name is that child's. */
const unique = new Set(kids.filter((k) => kids.filter((o) => o.fullName === k.fullName).length === 1).map((k) => k.fullName));
const PICKUP_UNDER = 9; // the demo center's rule (center settings' default)
const young = (name: string) => ageOn(byName.get(name)!.birthMonth, TODAY) < PICKUP_UNDER;

const startDemo = (options: Parameters<typeof openDemoKiosk>[0] = {}): Promise<Kiosk> => openDemoKiosk({ ...options, viewport: { width: 1024, height: 600 } });
/** What a disabled button looks like now: not the active fill, a dashed edge, words still readable. */
async function looksDisabled(button: Locator) {
  return button.evaluate((b) => {
    const s = getComputedStyle(b);
    const rgb = (c: string) => (c.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
    const lum = (c: string) => {
      const [r, g, bl] = rgb(c).map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
    };
    const [a, z] = [lum(s.color), lum(s.backgroundColor)].sort((x, y) => y - x);
    return { disabled: (b as HTMLButtonElement).disabled, background: s.backgroundColor, border: s.borderTopStyle, contrast: (a! + 0.05) / (z! + 0.05) };
  });
}

describe('everyday leftovers of the walk, in Chinese at 1024×600', () => {
  let kiosk: Kiosk;
  beforeAll(async () => {
    kiosk = await startDemo();
  });
  afterAll(async () => kiosk?.close());

  it('the PIN pad shows what is typed (4 to 6 digits), not six empty places for a 4-digit PIN; its 确认 looks off until then', async () => {
    const { page } = kiosk;
    await page.click('[data-testid="staff-entry"]');
    await page.click('[data-testid="staff-刘老师"]');
    const dots = page.locator('[data-testid="pin-dots"] span');
    const filled = page.locator('[data-testid="pin-dots"] span.filled');
    expect(await dots.count()).toBe(4);
    for (const d of '258') await page.click(`.pinpad [data-key="${d}"]`);
    expect([await dots.count(), await filled.count()]).toEqual([4, 3]);
    // Three digits: 确认 does nothing and looks it (it was a pale orange with white words, like a working button).
    const ok = page.locator('.pinpad [data-key="ok"]');
    const off = await looksDisabled(ok);
    expect(off.disabled).toBe(true);
    expect(off.border).toBe('dashed');
    expect(off.background).not.toBe('rgb(224, 112, 58)');
    expect(off.contrast).toBeGreaterThanOrEqual(4.5);
    await kiosk.screenshot('walk12-pin-three-typed');
    await page.click('.pinpad [data-key="0"]');
    expect([await dots.count(), await filled.count()]).toEqual([4, 4]);
    expect((await looksDisabled(ok)).disabled).toBe(false);
    // A fifth and a sixth digit get their dots as they are typed, and no more than six.
    for (const d of '123') await page.click(`.pinpad [data-key="${d}"]`);
    expect([await dots.count(), await filled.count()]).toEqual([6, 6]);
    for (let i = 0; i < 2; i++) await page.click('.pinpad [data-key="erase"]');
    expect([await dots.count(), await filled.count()]).toEqual([4, 4]);
    await page.click('.pinpad [data-key="ok"]');
    await page.waitForURL((u) => u.hash.startsWith('#/staff'), { timeout: 15_000 });
  });

  it('a button that does nothing looks it on the other staff pages too (the service form)', async () => {
    const { page } = kiosk;
    await page.goto(`${kiosk.url}#/staff`);
    await page.waitForSelector('[data-testid="staff-home"]');
    await page.click('[data-testid="tile-services"]');
    await page.click('[data-testid="service-add"]');
    // Nobody is checked in yet: "everyone here today" has nobody to add.
    const pickToday = page.locator('[data-testid="service-pick-today"]');
    await pickToday.waitFor();
    const off = await looksDisabled(pickToday);
    expect(off).toMatchObject({ disabled: true, border: 'dashed' });
    expect(off.contrast).toBeGreaterThanOrEqual(4.5);
    const save = await looksDisabled(page.locator('[data-testid="service-save"]'));
    // The save button works here (a save with something missing is told what): it keeps its look.
    if (!save.disabled) expect(save.border).toBe('solid');
    await kiosk.screenshot('walk12-service-form-disabled');
    await page.click('[data-testid="page-back"]');
  });

  describe('a teacher ends the day: 40 and more children still checked in', () => {
    let present: string[] = [];
    const rows = (page: Page) => page.locator('[data-testid="register-rows"] li');
    const row = (page: Page, name: string) => page.locator(`[data-testid="register-rows"] li[data-child="${name}"]`);

    it('a child checked out shows 已签退 with the time, and is not offered a second check-out', async () => {
      const { page } = kiosk;
      await page.goto(`${kiosk.url}#/staff`);
      await page.click('[data-testid="tile-register"]');
      await page.waitForSelector('[data-testid="register-rows"] li');
      await page.click('[data-testid="register-mark-all"]');
      await expect.poll(() => page.locator('[data-testid="register-rows"] li [data-status="present"].on').count()).toBeGreaterThan(40);
      present = await rows(page).evaluateAll((lis) => lis.filter((li) => li.querySelector('[data-status="present"].on')).map((li) => li.getAttribute('data-child')!));
      expect(present.filter(young).length).toBeGreaterThan(0);
      const older = present.filter((n) => !young(n) && unique.has(n));
      // One older child goes with his grandmother, checked out on his own.
      const gone = older[0]!;
      await page.fill('[data-testid="register-search"]', gone);
      await row(page, gone).locator('[data-action="check-out"]').click();
      await row(page, gone).locator('[data-testid="pickup-select"]').selectOption('paternal-grandparent');
      await row(page, gone).locator('[data-action="confirm-out"]').click();
      const out = row(page, gone).locator('[data-action="check-out"]');
      await expect.poll(() => out.textContent()).toContain('已签退 16:30');
      expect(await out.textContent()).toContain('祖父母（爷爷 / 奶奶）');
      // It was 签退, enabled, and a second tap moved the time and could erase the grandmother.
      expect(await out.isDisabled()).toBe(true);
      // It reads as the child's state (the register's green), not as a button switched off.
      await expect.poll(() => out.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe('rgb(232, 245, 238)');
      await kiosk.screenshot('walk12-register-checked-out');
    });

    it('全部签退 says how many it will check out, leaves the young children for an adult with the reason, and touches nobody else', async () => {
      const { page } = kiosk;
      const older = present.filter((n) => !young(n));
      const little = present.filter(young);
      const [gone, absent] = older.filter((n) => unique.has(n)) as [string, string];
      // A mis-marked child is corrected to absent: nothing to check out.
      await page.fill('[data-testid="register-search"]', absent);
      await row(page, absent).locator('[data-status="absent"]').click();
      await expect.poll(() => row(page, absent).locator('[data-status="absent"]').getAttribute('class')).toContain('on');
      await page.fill('[data-testid="register-search"]', '');
      const expected = older.length - 2;

      await page.click('[data-testid="register-checkout-all"]');
      const ask = page.locator('[data-testid="register-checkout-all-ask"]');
      await ask.waitFor();
      expect(await ask.textContent()).toContain(`为还在站里的 ${expected} 个孩子签退？`);
      expect(await ask.textContent()).toContain(`${little.length} 个孩子不满 9 岁，要等大人来接，不会一起签退`);
      const leftNames = (await page.textContent('[data-testid="register-checkout-all-left"]'))!.split('、');
      expect(leftNames.sort()).toEqual([...little].sort());
      expect(await page.textContent('[data-testid="register-checkout-all-confirm"]')).toContain(`确认签退 ${expected} 人`);
      await kiosk.screenshot('walk12-register-checkout-all-ask');
      // Cancelled, nothing happens.
      await page.click('[data-testid="register-checkout-all-cancel"]');
      expect(await rows(page).locator('[data-action="check-out"].done').count()).toBe(1);

      await page.click('[data-testid="register-checkout-all"]');
      await page.click('[data-testid="register-checkout-all-confirm"]');
      await expect.poll(() => page.textContent('[data-testid="register-undo-bar"]').catch(() => ''), { timeout: 60_000 }).toContain(`已为 ${expected} 个孩子签退。`);
      await expect.poll(() => rows(page).locator('[data-action="check-out"].done').count(), { timeout: 60_000 }).toBe(expected + 1);
      for (const name of older.filter((n) => unique.has(n)).slice(2, 6)) {
        expect(await row(page, name).locator('[data-action="check-out"]').textContent()).toContain('已签退 16:30');
        expect(await row(page, name).locator('[data-action="check-out"]').isDisabled()).toBe(true);
      }
      // The grandmother recorded earlier is still there; the absent child is still only absent.
      expect(await row(page, gone).locator('[data-action="check-out"]').textContent()).toContain('祖父母（爷爷 / 奶奶）');
      expect(await row(page, absent).locator('[data-action="check-out"]').textContent()).toBe('签退');
      expect(await row(page, absent).locator('[data-action="check-out"]').isDisabled()).toBe(true);
      // The young ones are still here, 签退 open to them, and listed with why.
      const left = page.locator('[data-testid="register-left-for-adult"]');
      expect(await left.textContent()).toContain('要等大人来接');
      expect(await left.locator('button').count()).toBe(little.length);
      for (const name of little) expect(await row(page, name).locator('[data-action="check-out"]').isDisabled()).toBe(false);
      await kiosk.screenshot('walk12-register-checkout-all-done');
      // A mis-tap is taken back from the bar (the grandmother's record stays), and done again.
      await page.click('[data-testid="register-undo"]');
      await expect.poll(() => rows(page).locator('[data-action="check-out"].done').count(), { timeout: 60_000 }).toBe(1);
      expect(await row(page, gone).locator('[data-action="check-out"]').textContent()).toContain('祖父母（爷爷 / 奶奶）');
      await page.click('[data-testid="register-checkout-all"]');
      expect(await ask.textContent()).toContain(`为还在站里的 ${expected} 个孩子签退？`);
      await page.click('[data-testid="register-checkout-all-confirm"]');
      await expect.poll(() => rows(page).locator('[data-action="check-out"].done').count(), { timeout: 60_000 }).toBe(expected + 1);

      // A grandparent comes: the teacher finds the child from the list and checks her out with who came.
      const first = little.find((n) => unique.has(n))!;
      await left.locator(`button[data-child="${first}"]`).click();
      await expect.poll(() => rows(page).count()).toBe(1);
      await row(page, first).locator('[data-action="check-out"]').click();
      await row(page, first).locator('[data-testid="pickup-select"]').selectOption('maternal-grandparent');
      await row(page, first).locator('[data-action="confirm-out"]').click();
      await expect.poll(() => row(page, first).locator('[data-action="check-out"]').textContent()).toContain('外祖父母');
      await expect.poll(() => left.locator('button').count()).toBe(little.length - 1);
      await page.fill('[data-testid="register-search"]', '');

      // Again: nobody left to check out together; the rest are named.
      await page.click('[data-testid="register-checkout-all"]');
      expect(await ask.textContent()).toContain('没有可以一起签退的孩子。');
      expect(await ask.textContent()).toContain(`${little.length - 1} 个孩子不满 9 岁`);
      expect(await page.locator('[data-testid="register-checkout-all-confirm"]').count()).toBe(0);
      await page.click('[data-testid="register-checkout-all-cancel"]');
    });
  });
});

describe('a computer whose own language is English, the app in Chinese (Chromium --lang=en-US)', () => {
  let kiosk: Kiosk;
  beforeAll(async () => {
    kiosk = await startDemo({ chromiumArgs: ['--lang=en-US'], locale: null });
  });
  afterAll(async () => kiosk?.close());

  it('dates and times on the staff pages are written the Chinese way (they read 11/30/2026 and 04:00 PM)', async () => {
    const { page } = kiosk;
    // The premise: the browser's language is English, the page's Chinese.
    expect(await page.evaluate(() => [navigator.language, document.documentElement.lang])).toEqual(['en-US', 'zh-CN']);
    await unlockStaff(kiosk, '刘老师');
    await page.click('[data-testid="tile-register"]');
    await page.waitForSelector('[data-testid="register-rows"] li');
    const shown = (testid: string) => page.locator(`.date-field:has([data-testid="${testid}"]) .shown`).textContent();
    expect(await shown('register-date')).toBe('2026年11月30日周一');
    await kiosk.screenshot('walk12-en-system-register');
    // Another day chosen: still Chinese, and the register follows it.
    await page.fill('[data-testid="register-date"]', '2026-11-27');
    expect(await shown('register-date')).toBe('2026年11月27日周五');
    await expect.poll(() => page.getAttribute('[data-testid="register-rows"]', 'data-date')).toBe('2026-11-27');
    await page.goto(`${kiosk.url}#/staff/services`);
    expect(await (await page.waitForSelector('.date-field:has([data-testid="services-month"]) .shown')).textContent()).toBe('2026年11月');
    await page.click('[data-testid="service-add"]');
    await page.waitForSelector('input[name="date"]');
    expect(await page.locator('.date-field:has(input[name="date"]) .shown').textContent()).toBe('2026年11月30日周一');
    expect(await page.locator('.date-field:has(input[name="startTime"]) .shown').textContent()).toBe('16:00');
    // The whole date shows at 1024×600 (walk11: it was cut).
    expect((await page.locator('input[name="date"]').boundingBox())!.width).toBeGreaterThanOrEqual(180);
    await kiosk.screenshot('walk12-en-system-service-form');
  });
});
