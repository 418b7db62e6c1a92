/**
 * A replacement kiosk working in seconds (issue 13): a kiosk joins a center
 * that has months of history on the county server. It opens as soon as what
 * it needs to work is here — the check-in grid shows every child and staff
 * unlock with the PINs they have — while the history is still arriving: a
 * small progress line on staff pages (never on the children's screens), and
 * the child's file and the monthly counts say in words that the history is
 * not complete. Once the history is in, both go away by themselves.
 * To keep the history "still arriving" for as long as the test looks, the
 * server's changes feed (which brings the history) is held at a gate until
 * the test lets it through. Starts: the trial server (provisioned with CORS
 * for this kiosk) with a generated center, a loopback gate in front of it,
 * a static server and headless Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKiosk, typePin, type Kiosk } from './harness';
import { startCountyServer, type CountyServer } from '../integration/countyServer';
import { startGate, type Gate } from '../integration/gateServer';
import { couch } from '../../sync/couchdb/admin';
import { parseCountyFile, provision } from '../../sync/couchdb/provision';
import { demoDocuments, generateDemoCenter } from '../../renderer/src/domain/demo';
import { addDays, localDate } from '../../renderer/src/domain/dates';
import { hashPin } from '../../renderer/src/domain/pin';

let kiosk: Kiosk;
let server: CountyServer;
let gate: Gate;
let password = '';
const CHILDREN = 16;
let center: ReturnType<typeof generateDemoCenter>;
let total = 0;

beforeAll(async () => {
  kiosk = await openKiosk();
  server = await startCountyServer();
  const origin = new URL(kiosk.url).origin;
  const report = await provision(server.admin, parseCountyFile(JSON.stringify({ county: { id: 'yunxi', name: '云溪县' }, server: server.base, centers: [{ id: 'qingshan', name: '青山' }], kioskOrigins: [origin] })));
  expect(report.errors).toEqual([]);
  password = report.credentials.find((c) => c.user === 'sync-qingshan')!.password;
  const today = localDate(new Date());
  center = generateDemoCenter({ centerId: 'qingshan', seed: 21, children: CHILDREN, from: addDays(today, -150), to: addDays(today, -1), deviceId: 'kiosk-old', pinHash: await hashPin('2580'), skipHolidays: true });
  const docs = demoDocuments(center);
  total = docs.length;
  for (let i = 0; i < docs.length; i += 2_000) {
    const res = await couch(server.admin, 'POST', 'center_qingshan/_bulk_docs', { docs: docs.slice(i, i + 2_000) });
    expect((res.json as unknown as { error?: string }[]).filter((r) => r.error)).toEqual([]);
  }
  gate = await startGate(server.base);
}, 180_000);
afterAll(async () => {
  await kiosk?.close();
  await gate?.close();
  await server?.stop();
});

describe('a replacement kiosk joins its center', () => {
  it('is usable before the history arrives, says so on staff pages and history screens, and is complete at the end', async () => {
    const { page } = kiosk;
    gate.hold = /\/_changes$/;
    await page.goto(kiosk.url);
    await page.waitForSelector('[data-testid="setup-join"]');
    await page.fill('input[name="joinUrl"]', gate.base);
    await page.fill('input[name="joinCenter"]', 'qingshan');
    await page.fill('input[name="joinPassword"]', password);
    const started = Date.now();
    await page.click('[data-testid="setup-join-go"]');
    await page.waitForSelector('[data-testid="kiosk-home"]', { timeout: 60_000 });

    // The children's screens: every child on the grid, and no progress line anywhere.
    await page.click('[data-testid="kiosk-checkin"]');
    await page.waitForSelector('[data-testid="kiosk-initials"], [data-testid="child-grid"]');
    if (await page.locator('[data-testid="kiosk-initials"]').count()) await page.click('[data-testid="kiosk-all"]');
    await expect.poll(() => page.locator('[data-testid="child-grid"] .child').count(), { timeout: 20_000 }).toBe(CHILDREN);
    expect(await page.locator('[data-testid="sync-history"]').count()).toBe(0);
    expect(await page.textContent('body')).not.toMatch(/历史记录|以前的记录/);
    await kiosk.screenshot('staged-join-kiosk-grid-before-history');
    await page.click('[data-testid="checkin-home"]');

    // Staff unlock with the PIN they already have; the history is still held back.
    // A teacher: this center is from before encryption, and an administrator would be sent to its upgrade task first (issue 14).
    const teacher = center.staff.find((s) => s.role === 'teacher' && s.active)!;
    await page.click('[data-testid="staff-entry"]');
    await page.click(`[data-testid="staff-${teacher.displayName}"]`);
    await typePin(page, '2580');
    await page.waitForSelector('[data-testid="staff-home"]', { timeout: 20_000 });
    const usableMs = Date.now() - started;
    console.log(`staged join: usable after ${usableMs} ms (${total} documents on the server, the history held back)`);
    // The history has been asked for (and is held back by the gate): it gives way to a person using the kiosk, up to 10 s (issue 13).
    await expect.poll(() => gate.requests.some((r) => r.endsWith('/_changes')), { timeout: 20_000 }).toBe(true);
    const line = page.locator('[data-testid="sync-history"]');
    await expect.poll(() => line.textContent(), { timeout: 20_000 }).toMatch(/正在下载历史记录：[\d,]+ \/ [\d,]+/);
    const [done, all] = ((await line.textContent()) ?? '').match(/[\d,]+/g)!.map((n) => Number(n.replace(/,/g, '')));
    expect(all).toBeGreaterThanOrEqual(total);
    expect(done).toBeLessThan(all!);
    await kiosk.screenshot('staged-join-staff-home-history-arriving');

    // A child's file and the monthly counts say the history is incomplete, in words.
    const child = center.children[0]!;
    await page.goto(`${kiosk.url}#/staff/children/${child._id.slice('child:'.length)}/file`);
    await expect.poll(() => page.textContent('[data-testid="history-arriving"]'), { timeout: 20_000 }).toContain('以前的记录还在下载');
    await kiosk.screenshot('staged-join-child-file-history-arriving');
    await page.goto(`${kiosk.url}#/staff/services`);
    await expect.poll(() => page.textContent('[data-testid="history-arriving"]'), { timeout: 20_000 }).toContain('这里的记录和总数暂时不完整');

    // The history comes through: the notice and the line go by themselves, and the sync is caught up.
    gate.release();
    await expect.poll(() => page.locator('[data-testid="history-arriving"]').count(), { timeout: 180_000 }).toBe(0);
    await expect.poll(() => page.getAttribute('[data-testid="sync-state"]', 'data-state'), { timeout: 120_000 }).toBe('idle');
    expect(await page.locator('[data-testid="sync-history"]').count()).toBe(0);
    console.log(`staged join: history complete after ${Date.now() - started} ms`);
    // Every document the server held is on the kiosk: the ids of the live documents in PouchDB's own IndexedDB store.
    const here = new Set(
      await page.evaluate(async () => {
        const open = indexedDB.open('_pouch_tongxin-center');
        const db = await new Promise<IDBDatabase>((ok, ko) => ((open.onsuccess = () => ok(open.result)), (open.onerror = () => ko(open.error))));
        const req = db.transaction('docs').objectStore('docs').index('deleted,id').getAllKeys(IDBKeyRange.bound([0, ''], [0, []]));
        const keys = await new Promise<IDBValidKey[]>((ok, ko) => ((req.onsuccess = () => ok(req.result)), (req.onerror = () => ko(req.error))));
        db.close();
        return keys.map((k) => String(k));
      }),
    );
    const serverIds = ((await couch(server.admin, 'GET', 'center_qingshan/_all_docs')).json as { rows: { id: string }[] }).rows.map((r) => r.id);
    expect(serverIds.length).toBeGreaterThanOrEqual(total);
    expect(serverIds.filter((id) => !here.has(id))).toEqual([]);
    await kiosk.screenshot('staged-join-history-complete');
  }, 400_000);
});
