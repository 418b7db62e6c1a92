/**
 * The children's home screen on the kiosk sizes a center has (1024×600 netbooks up to
 * 1920×1080): every way in — 我来了, 我要走了, 我想找老师聊聊 — fully on screen without
 * scrolling, and each at least 48 px in both directions.
 * Starts: a static server and headless Chromium (harness.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCenter, openKiosk, type Kiosk } from './harness';

let kiosk: Kiosk;
beforeAll(async () => {
  kiosk = await openKiosk();
  await kiosk.page.goto(kiosk.url);
  await createCenter(kiosk.page, { name: '青山村留守儿童之家', county: '云溪县', admin: '李站长', pin: '4826' });
});
afterAll(async () => kiosk?.close());

describe('the kiosk home at every screen size', () => {
  for (const [width, height] of [[1024, 600], [1280, 800], [1366, 768], [1920, 1080]] as const) {
    it(`${width}×${height}: every way in is fully on screen and big enough to touch`, async () => {
      const { page } = kiosk;
      await page.setViewportSize({ width, height });
      await page.goto(`${kiosk.url}#/kiosk`);
      await page.locator('[data-testid="kiosk-home"]').waitFor();
      for (const id of ['kiosk-checkin', 'kiosk-checkout', 'kiosk-talk', 'staff-entry']) {
        const box = await page.locator(`[data-testid="${id}"]`).boundingBox();
        expect(box, id).not.toBeNull();
        expect(box!.y, `${id} top`).toBeGreaterThanOrEqual(0);
        expect(box!.y + box!.height, `${id} bottom`).toBeLessThanOrEqual(height);
        expect(box!.x + box!.width, `${id} right`).toBeLessThanOrEqual(width);
        expect(Math.min(box!.width, box!.height), `${id} size`).toBeGreaterThanOrEqual(48);
      }
      await kiosk.screenshot(`kiosk-home-${width}x${height}`);
    });
  }
});
