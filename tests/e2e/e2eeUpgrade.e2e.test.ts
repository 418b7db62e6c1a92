/**
 * Issue 14: a center from before encryption upgrades at the first start of this version.
 * Starts: a static server for dist/renderer and headless Chromium (harness.ts). The old
 * center is a backup file made in Node from a generated center whose private records are in
 * clear (as every center's were before this version), restored on a fresh kiosk from the setup
 * screen. The kiosk opens as before (kiosk mode, no prompt); the administrator who unlocks staff
 * mode lands on the upgrade task: a backup, the recovery code, then the sealing with progress.
 * The kiosk is closed (Chromium quits) in the middle of the sealing; after it the sealing resumes by itself and
 * ends with every private record sealed and every child still readable by name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKiosk, typePin, confirmRecoveryCode, type Kiosk } from './harness';
import { PouchDB } from '../../renderer/src/storage/pouch/createPouch';
import MemoryAdapter from 'pouchdb-adapter-memory';
import { generateRecoveryCode, makeBackup } from '../../sync/backup/backup';
import { demoDocuments, generateDemoCenter } from '../../renderer/src/domain/demo';
import { hashPin } from '../../renderer/src/domain/pin';

PouchDB.plugin(MemoryAdapter);
let k: Kiosk;
beforeAll(async () => {
  k = await openKiosk();
});
afterAll(async () => k?.close());

/** The kiosk is closed (Chromium quits) and started again on the same profile. */
async function closeAndStart() {
  await k.restart();
  await k.page.goto(k.url);
  await k.page.waitForSelector('[data-testid="kiosk-home"]', { timeout: 30_000 });
}

async function signIn(name: string, pin: string) {
  await k.page.goto(`${k.url}#/unlock`);
  await k.page.click(`[data-testid="staff-${name}"]`);
  await typePin(k.page, pin);
  await k.page.waitForURL((u) => u.hash.startsWith('#/staff'), { timeout: 15_000 });
}

describe('an existing center upgrades to encryption at the first start', () => {
  const code = generateRecoveryCode();
  let names: string[] = [];
  let privateCount = 0;

  it('the old center (records in clear) is restored on the kiosk, which opens as before', async () => {
    const old = new PouchDB(`old-${Math.random()}`, { adapter: 'memory' });
    const demo = generateDemoCenter({ centerId: 'laocun', seed: 5, children: 40, from: '2026-10-08', to: '2026-11-27', deviceId: 'old-kiosk', pinHash: await hashPin('2580', 10_000) });
    const docs = demoDocuments(demo);
    privateCount = docs.filter((d) => d.type === 'childPrivate').length;
    names = demo.privates.slice(0, 3).map((p) => p.fullName);
    await old.bulkDocs(docs);
    const backup = await makeBackup(old, { centerId: 'laocun', centerName: '老村儿童之家', deviceId: 'old-kiosk', appVersion: '0.0.9', reason: 'daily', now: new Date(), secret: code, iterations: 100_000 });
    expect(backup.text).not.toContain(names[0]); // the backup itself is sealed
    const { page } = k;
    await page.goto(k.url);
    await page.setInputFiles('[data-testid="backup-file"]', { name: backup.fileName, buffer: Buffer.from(backup.text), mimeType: 'application/octet-stream' });
    await page.fill('[data-testid="backup-code"]', code);
    await page.click('[data-testid="backup-preview"]');
    await page.waitForSelector('[data-testid="backup-plan"]', { timeout: 60_000 });
    await page.click('[data-testid="backup-restore-go"]');
    await page.waitForSelector('[data-testid="kiosk-home"]', { timeout: 120_000 });
    // Unattended start: the kiosk is the kiosk, no upgrade prompt for the children.
    await page.reload();
    await page.waitForSelector('[data-testid="kiosk-home"]');
    expect(await page.$('[data-testid="e2ee-upgrade"]')).toBeNull();
  }, 300_000);

  it('the administrator lands on the upgrade: backup, code shown again after a close, then the sealing with progress', async () => {
    const { page } = k;
    await signIn('陈老师', '2580');
    await page.waitForSelector('[data-testid="e2ee-upgrade"][data-step="backup"]', { timeout: 30_000 });
    // Another staff page leads back to the task while it waits.
    await page.goto(`${k.url}#/staff/children`);
    await page.waitForSelector('[data-testid="e2ee-upgrade"][data-step="backup"]');
    await k.screenshot('e2ee-upgrade-task');
    await page.click('[data-testid="e2ee-upgrade-start"]');
    const shown = await (async () => {
      await page.waitForSelector('[data-testid="recovery-code"]', { timeout: 60_000 });
      return (await page.textContent('[data-testid="recovery-code"]'))!.trim();
    })();
    await k.screenshot('e2ee-upgrade-code');
    // Closed on the code: the next time the same code comes back, nothing was sealed meanwhile.
    await closeAndStart();
    await signIn('陈老师', '2580');
    await k.page.click('[data-testid="e2ee-upgrade-start"]');
    expect(await confirmRecoveryCode(k.page)).toBe(shown);
    await k.page.waitForSelector('[data-testid="e2ee-upgrade-progress"]', { timeout: 30_000 });
    // Closed in the middle of the sealing.
    await k.page.waitForFunction(() => {
      const el = document.querySelector('[data-testid="e2ee-upgrade-progress"]');
      const done = Number(el?.getAttribute('data-done') ?? 0);
      const total = Number(el?.getAttribute('data-total') ?? 0);
      return done > 0 && done < total;
    }, undefined, { timeout: 60_000, polling: 20 });
    await k.screenshot('e2ee-upgrade-progress');
    await closeAndStart();
  }, 300_000);

  it('after the restart the sealing resumes by itself; nothing is left in clear and every child is still there by name', async () => {
    const { page } = k;
    await signIn('陈老师', '2580');
    // No more upgrade task: the key is in place.
    expect(page.url()).not.toContain('encryption-upgrade');
    await page.goto(`${k.url}#/staff/settings?tab=e2ee`);
    await expect
      .poll(
        async () => {
          await page.click('[data-tab="device"]');
          await page.click('[data-tab="e2ee"]');
          return page.getAttribute('[data-testid="e2ee-unsealed"]', 'data-count', { timeout: 5_000 }).catch(() => null);
        },
        { timeout: 120_000, interval: 1_000 },
      )
      .toBe('0');
    expect(await page.getAttribute('[data-testid="e2ee-status"]', 'data-status')).toBe('ok');
    await k.screenshot('e2ee-upgrade-settings-after');
    await page.goto(`${k.url}#/staff/children`);
    for (const n of names) {
      await page.fill('[data-testid="child-search"]', n);
      await expect.poll(() => page.textContent('[data-testid="child-rows"]'), { timeout: 10_000 }).toContain(n);
    }
    // Every child of the old center is there, and none is shown as "?" (a record that would not open).
    await page.fill('[data-testid="child-search"]', '');
    await page.check('.toolbar input[type="checkbox"]');
    await expect.poll(() => page.textContent('.toolbar .help'), { timeout: 10_000 }).toContain(String(privateCount));
    const shownNames = await page.locator('[data-testid="child-rows"] strong.name').allTextContents();
    expect(shownNames.length).toBeGreaterThan(10);
    expect(shownNames.filter((n) => n.trim() === '?')).toEqual([]);
  }, 300_000);
});
