/**
 * Every screen a child sees on the kiosk, at the sizes a center has (1024×600 netbooks up to
 * 1920×1080): every button fully on screen without scrolling, and each at least 48 px in
 * both directions. The home screen at four sizes; the rest of a check-in (family name, own
 * tile, picture code with both rows and 不是我, mood, thank-you), a repeat check-in and a
 * talk request at 1024×600 and 1280×800, on the demo center (120 children). Screenshots go to
 * test-results/screenshots/.
 * Starts: a static server and headless Chromium (harness.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openKiosk, type Kiosk } from './harness';
import { demoChildren, NOW } from './demoFixture';
import { checkInFromHome, tapOwnTile } from './kioskFind';

const kids = demoChildren();
const unique = kids.filter((k) => kids.filter((o) => o.displayName === k.displayName).length === 1);
const withMood = unique.filter((k) => k.consents.some((c) => c.action === 'grant' && c.scopes.includes('mood') && c.scopes.includes('attendance')));

let kiosk: Kiosk;
beforeAll(async () => {
  kiosk = await openKiosk();
  await kiosk.page.clock.setFixedTime(new Date(NOW));
  await kiosk.page.goto(`${kiosk.url}#/setup?demo=1`);
  await kiosk.page.waitForSelector('[data-testid="kiosk-home"]', { timeout: 90_000 });
});
afterAll(async () => kiosk?.close());

/** Each element matching the selector is fully inside the viewport and at least 48 px each way. */
async function onScreen(page: Page, selector: string, what: string) {
  const { width, height } = page.viewportSize()!;
  const boxes = await page.locator(selector).evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return { x: r.x, y: r.y, w: r.width, h: r.height, label: (e.textContent ?? '').trim().slice(0, 12) || e.getAttribute('data-testid') || e.className };
    }),
  );
  expect(boxes.length, `${what}: ${selector} is shown`).toBeGreaterThan(0);
  for (const b of boxes) {
    const name = `${what} ${b.label} (${width}×${height})`;
    expect(b.y, `${name} top`).toBeGreaterThanOrEqual(0);
    expect(b.x, `${name} left`).toBeGreaterThanOrEqual(0);
    expect(b.y + b.h, `${name} bottom`).toBeLessThanOrEqual(height + 0.5);
    expect(b.x + b.w, `${name} right`).toBeLessThanOrEqual(width + 0.5);
    expect(Math.min(b.w, b.h), `${name} size`).toBeGreaterThanOrEqual(48);
  }
}

describe('the kiosk home at every screen size', () => {
  for (const [width, height] of [[1024, 600], [1280, 800], [1366, 768], [1920, 1080]] as const) {
    it(`${width}×${height}: every way in is fully on screen and big enough to touch`, async () => {
      const { page } = kiosk;
      await page.setViewportSize({ width, height });
      await page.goto(`${kiosk.url}#/kiosk`);
      await page.locator('[data-testid="kiosk-home"]').waitFor();
      for (const id of ['kiosk-checkin', 'kiosk-checkout', 'kiosk-talk', 'staff-entry']) await onScreen(page, `[data-testid="${id}"]`, 'home');
      // The demo roster is bigger than one screen: the family names of a check-in are on the home screen itself.
      await onScreen(page, '[data-testid="kiosk-home-by-name"] [data-testid="kiosk-group"]', 'home family names');
      await kiosk.screenshot(`kiosk-home-${width}x${height}`);
    });
  }
});

describe('read-aloud without a system voice', () => {
  it('the home screen plays its recorded prompts; a name with no voice to say it shows staff a note', async () => {
    const { page } = kiosk;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${kiosk.url}#/kiosk`);
    await page.locator('[data-testid="kiosk-home"]').waitFor();
    const played: string[] = [];
    const onResponse = (r: { url(): string; status(): number }) => {
      if (r.url().includes('/prompts/')) played.push(`${r.status()} ${decodeURIComponent(r.url().split('/prompts/')[1]!)}`);
    };
    page.on('response', onResponse);
    await page.click('[data-testid="home-read-aloud"]');
    // Each prompt is asked for only once the one before it has finished.
    await expect.poll(() => played.filter((p) => p.startsWith('200 ')).length, { timeout: 30_000 }).toBe(4);
    expect(played).toEqual(['200 zh-CN/kiosk.hello.ogg', '200 zh-CN/everyday2.home.checkInByName.ogg', '200 zh-CN/kiosk.checkOut.ogg', '200 zh-CN/kiosk.talk.ogg']);
    // Every part had its recording and it played: no note for staff.
    await page.waitForTimeout(1500);
    expect(await page.locator('[data-testid="speech-missing"]').count()).toBe(0);

    // The code step says the child's name: Chromium here has no voice, so staff are told.
    const kid = unique[12]!;
    await page.click('[data-testid="kiosk-checkin"]');
    await page.click('[data-testid="read-aloud"]');
    await tapOwnTile(page, kid);
    await page.waitForSelector('[data-picture]');
    await expect.poll(() => played.some((p) => p === '200 zh-CN/everyday2.speech.codePrompt.ogg'), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => page.locator('[data-testid="speech-missing"]').count(), { timeout: 30_000 }).toBe(1);
    expect(await page.textContent('[data-testid="speech-missing"]')).toContain('没有中文语音');
    await kiosk.screenshot('kiosk-speech-missing-1280x800');
    page.off('response', onResponse);
    await page.click('[data-testid="checkin-home"]');
  });
});

describe('a whole check-in in five taps', () => {
  it('1024×600: family name on the home screen, own tile, three pictures — the check-in is saved at the fifth tap', async () => {
    const { page } = kiosk;
    await page.setViewportSize({ width: 1024, height: 600 });
    // Children not checked in by the other tests in this file, one per family name at most.
    const seen = new Set<string>();
    const sample = unique.slice(20).filter((k) => !seen.has([...k.fullName][0]!) && seen.add([...k.fullName][0]!)).slice(0, 8);
    expect(sample.length).toBe(8);
    for (const kid of sample) {
      await page.goto(`${kiosk.url}#/kiosk`);
      const found = await checkInFromHome(page, kid);
      expect(found.offscreen, `${kid.displayName}: own tile on screen`).toBe(false);
      await page.waitForSelector('[data-picture]');
      for (const p of kid.code) await page.click(`[data-picture="${p}"]`);
      const taps = found.taps + kid.code.length;
      expect(taps, `${kid.displayName}: taps to a saved check-in`).toBeLessThanOrEqual(5);
      await page.locator('[data-testid="mood-faces"], [data-testid="checkin-thanks"]').first().waitFor();
      // The mood question comes after the save: skipping it shows the saved check-in's words.
      if (await page.locator('[data-testid="mood-faces"]').count()) await page.click('[data-testid="mood-skip"]');
      await expect.poll(() => page.textContent('[data-testid="checkin-thanks"]')).toContain('签到好了');
      await page.click('[data-testid="checkin-home"]');
    }
    await page.goto(`${kiosk.url}#/kiosk`);
    await page.locator('[data-testid="kiosk-home-by-name"]').waitFor();
    await kiosk.screenshot('kiosk-home-by-name-1024x600');
  });
});

describe('every child-facing screen', () => {
  const sizes = [[1024, 600], [1280, 800]] as const;
  sizes.forEach(([width, height], i) => {
    it(`${width}×${height}: family name, own tile, picture code, mood, thank-you, a repeat check-in and a talk request`, async () => {
      const { page } = kiosk;
      const kid = withMood[i]!;
      const talker = withMood[i + sizes.length]!;
      const size = `${width}x${height}`;
      await page.setViewportSize({ width, height });
      await page.goto(`${kiosk.url}#/kiosk`);
      await page.click('[data-testid="kiosk-checkin"]');
      await page.waitForSelector('[data-testid="kiosk-initials"]');
      await onScreen(page, '[data-testid="kiosk-group"], [data-testid="kiosk-all"], [data-testid="checkin-home"], [data-testid="read-aloud"]', 'family names');
      await kiosk.screenshot(`child-initials-${size}`);

      await page.click(`[data-testid="kiosk-group"][data-initial="${[...kid.fullName][0]}"]`);
      await onScreen(page, '[data-testid="child-grid"] .child, [data-testid="kiosk-initials-back"]', 'group');
      await kiosk.screenshot(`child-group-${size}`);
      await page.click('[data-testid="kiosk-initials-back"]');
      await tapOwnTile(page, kid);

      // Both rows of pictures, 擦掉 and 不是我, all on screen.
      await page.waitForSelector('[data-picture]');
      expect(await page.locator('[data-picture]').count()).toBe(12);
      await onScreen(page, '[data-picture], [data-testid="code-erase"], [data-testid="code-not-me"]', 'picture code');
      await kiosk.screenshot(`child-code-${size}`);
      for (const p of kid.code) await page.click(`[data-picture="${p}"]`);

      await page.waitForSelector('[data-testid="mood-faces"]');
      await onScreen(page, '[data-face], [data-testid="mood-talk"], [data-testid="mood-skip"]', 'mood');
      await kiosk.screenshot(`child-mood-${size}`);
      await page.click('[data-face="4"]');

      await page.waitForSelector('[data-testid="checkin-thanks"]');
      await onScreen(page, '[data-testid="thanks-home"], [data-testid="checkin-undo"]', 'thank-you');
      await kiosk.screenshot(`child-thanks-${size}`);
      await page.click('[data-testid="thanks-home"]');

      // The same child again within a minute: "没错，回到首页" first, undo beside it.
      await page.click('[data-testid="kiosk-checkin"]');
      await tapOwnTile(page, kid);
      for (const p of kid.code) await page.click(`[data-picture="${p}"]`);
      await page.waitForSelector('[data-testid="undo-recent"]');
      await onScreen(page, '[data-testid="keep-recent"], [data-testid="undo-recent"]', 'repeat check-in');
      expect(await page.textContent('.primary')).toContain('没错，回到首页');
      expect(await page.getAttribute('[data-testid="keep-recent"]', 'class')).toContain('primary');
      expect(await page.getAttribute('[data-testid="undo-recent"]', 'class')).not.toContain('primary');
      await kiosk.screenshot(`child-repeat-${size}`);
      await page.click('[data-testid="keep-recent"]');

      // A talk request: the code screen with "talk without a code", then the thank-you.
      await page.waitForSelector('[data-testid="kiosk-home"]');
      await page.click('[data-testid="kiosk-talk"]');
      await tapOwnTile(page, talker);
      await page.waitForSelector('[data-testid="talk-no-code"]');
      await onScreen(page, '[data-picture], [data-testid="code-not-me"], [data-testid="talk-no-code"]', 'talk code');
      await kiosk.screenshot(`child-talk-code-${size}`);
      for (const p of talker.code) await page.click(`[data-picture="${p}"]`);
      await page.waitForSelector('[data-testid="checkin-thanks"]');
      await onScreen(page, '[data-testid="thanks-home"]', 'talk thank-you');
      await kiosk.screenshot(`child-talk-thanks-${size}`);
      await page.click('[data-testid="thanks-home"]');
    });
  });
});
