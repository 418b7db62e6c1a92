/**
 * Issue 19: the last picture of a right code starts the save before anything is drawn. Filling
 * the last slot and greying the pictures used to make Chromium draw a frame that the save's first
 * reply from IndexedDB then waited behind; the screen that answers the tap (the mood faces or the
 * thank-you) comes with the save. A save that is slow to answer (a busy or failing disk) shows,
 * after one frame, the code in full and the pictures greyed, and takes no second tap.
 * Starts: a static server and headless Chromium on the demo center (harness.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openDemoKiosk, type Kiosk } from './harness';
import { demoChildren } from './demoFixture';
import { tapOwnTile } from './kioskFind';

const kids = demoChildren();
const unique = kids.filter((k) => kids.filter((o) => o.displayName === k.displayName).length === 1);
const withMood = unique.filter((k) => k.consents.some((c) => c.action === 'grant' && c.scopes.includes('mood')));
const [first, second] = withMood as [typeof kids[0], typeof kids[0]];

let kiosk: Kiosk;
beforeAll(async () => {
  kiosk = await openDemoKiosk();
});
afterAll(async () => kiosk?.close());

/** The check-in screen with all but the last picture of the child's code entered. */
async function upToLastPicture(page: Page, kid: typeof first): Promise<string> {
  await page.click('[data-testid="kiosk-checkin"]');
  await tapOwnTile(page, kid);
  for (const p of kid.code.slice(0, -1)) await page.click(`[data-picture="${p}"]`);
  return kid.code.at(-1)!;
}

/** Taps a picture from inside the page and reports the screen once the tap's own microtasks have run, before any other task. */
function tapAndLook(page: Page, picture: string) {
  return page.evaluate(async (p) => {
    (document.querySelector(`[data-picture="${p}"]`) as HTMLButtonElement).click();
    for (let i = 0; i < 20; i++) await Promise.resolve();
    return {
      filled: document.querySelectorAll('[data-testid="code-slots"] .filled').length,
      disabled: document.querySelectorAll('.pictures button:disabled').length,
    };
  }, picture);
}

describe('the last picture saves first', () => {
  it('changes nothing on screen before the save is under way, then answers with the next screen', async () => {
    const { page } = kiosk;
    const last = await upToLastPicture(page, first);
    const seen = await tapAndLook(page, last);
    expect(seen).toEqual({ filled: first.code.length - 1, disabled: 0 });
    await page.waitForSelector('[data-testid="mood-faces"]');
    await page.click('[data-face="4"]');
    await page.waitForSelector('[data-testid="checkin-thanks"]');
    await page.click('[data-testid="checkin-home"]');
    await page.waitForSelector('[data-testid="kiosk-home"]');
  });

  it('a save slow to answer shows the code in full and the wait after a frame, and takes no second tap', async () => {
    const { page } = kiosk;
    const last = await upToLastPicture(page, second);
    // Hold IndexedDB's document store with a write of our own, as a slow disk would: the
    // check-in's write waits behind it until released.
    await page.evaluate(async () => {
      const name = (await indexedDB.databases()).map((d) => d.name!).find((n) => n.endsWith('tongxin-center') && !n.includes('mrview'))!;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(name);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      const w = window as unknown as { releaseHold: boolean; held: Promise<void> };
      w.releaseHold = false;
      w.held = new Promise<void>((resolve) => {
        const tx = db.transaction(db.objectStoreNames, 'readwrite');
        const store = tx.objectStore(db.objectStoreNames[0]!);
        const spin = () => {
          if (w.releaseHold) return;
          store.get('hold').onsuccess = spin;
        };
        spin();
        tx.oncomplete = () => {
          db.close();
          resolve();
        };
      });
    });
    const seen = await tapAndLook(page, last);
    expect(seen.disabled).toBe(0);
    await expect.poll(() => page.locator('[data-testid="code-slots"] .filled').count()).toBe(second.code.length);
    await expect.poll(() => page.locator('.pictures button:disabled').count()).toBeGreaterThan(0);
    await kiosk.screenshot('kiosk-save-waiting');
    // A second tap while the save waits is not taken as a new code.
    await page.locator(`[data-picture="${second.code[0]}"]`).click({ force: true });
    expect(await page.textContent('[data-testid="code-message"]')).not.toContain('不对哦');
    await page.evaluate(async () => {
      const w = window as unknown as { releaseHold: boolean; held: Promise<void> };
      w.releaseHold = true;
      await w.held;
    });
    await page.waitForSelector('[data-testid="mood-faces"]');
    await page.click('[data-face="3"]');
    await page.waitForSelector('[data-testid="checkin-thanks"]');
    expect(await page.textContent('main')).toContain('签到好了');
  });
});
