/**
 * Issue 15: a kiosk whose microphone may not be used (here: headless Chromium without the
 * fake-media flags, which refuses or finds no device) tells the child so in words, keeps
 * the drawing way open beside it, and the drawing goes through.
 * Starts: a static server and headless Chromium (harness.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKiosk, type Kiosk } from './harness';
import { demoChildren, NOW } from './demoFixture';
import { tapOwnTile } from './kioskFind';

const kids = demoChildren();
const child = kids.find((k) => kids.filter((o) => o.fullName === k.fullName || o.displayName === k.displayName).length === 1)!;
let kiosk: Kiosk;

beforeAll(async () => {
  kiosk = await openKiosk();
  // The demo center is generated for the fixture's day (demoFixture.ts), as in family.e2e.
  await kiosk.page.clock.setFixedTime(new Date(NOW));
  await kiosk.page.goto(`${kiosk.url}#/setup?demo=1`);
  await kiosk.page.waitForSelector('[data-testid="kiosk-home"]', { timeout: 90_000 });
}, 120_000);
afterAll(async () => kiosk?.close());

describe('亲情连线 without a microphone', () => {
  it('says the microphone cannot be used, in words, and the child draws instead', async () => {
    const { page } = kiosk;
    await page.click('[data-testid="kiosk-family"]');
    await tapOwnTile(page, child);
    for (const p of child.code) await page.click(`[data-picture="${p}"]`);
    await page.waitForSelector('[data-testid="family-voice"]');
    await page.click('[data-testid="family-voice"]');
    await page.click('[data-testid="family-record"]');
    const problem = page.locator('[data-testid="family-problem"]').first();
    await problem.waitFor({ timeout: 15_000 });
    const text = (await problem.textContent()) ?? '';
    expect(text).toMatch(/这台电脑(不让用麦克风|没有能用的麦克风)。可以画画或写字给爸爸妈妈。/);
    expect(text).not.toMatch(/Error|Permission|denied|NotAllowed|NotFound/i);
    await kiosk.screenshot('family-mic-refused');
    await page.click('[data-testid="family-fallback-drawing"]');
    const canvas = page.locator('[data-testid="family-canvas"]');
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + 20, box.y + 20);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();
    await page.click('[data-testid="family-send-drawing"]');
    await page.waitForSelector('[data-testid="family-sent"]');
  }, 120_000);
});
