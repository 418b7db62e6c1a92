/**
 * Issue 14: a new kiosk gets the center key from another kiosk of the center, both screens
 * driven in Chromium. Starts: the county's trial server (pouchdb-server on a free loopback
 * port, provisioned with CORS for both kiosks' origins), and two kiosks (static server +
 * headless Chromium each, own profiles). Kiosk A creates the center and syncs it; kiosk B joins
 * with the sync account but without the recovery code, asks for the key in Settings → 加密;
 * A answers; both show the same verification code; A's administrator confirms; B has the key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCenter, openKiosk, typePin, type Kiosk } from './harness';
import { startCountyServer, type CountyServer } from '../integration/countyServer';
import { couch } from '../../sync/couchdb/admin';
import { parseCountyFile, provision } from '../../sync/couchdb/provision';

let a: Kiosk;
let b: Kiosk;
let server: CountyServer;
let password = '';

beforeAll(async () => {
  a = await openKiosk();
  b = await openKiosk();
  server = await startCountyServer();
  const kioskOrigins = [new URL(a.url).origin, new URL(b.url).origin];
  const report = await provision(server.admin, parseCountyFile(JSON.stringify({ county: { id: 'yunxi', name: '云溪县' }, server: server.base, centers: [{ id: 'qingshan', name: '青山' }], kioskOrigins })));
  expect(report.errors).toEqual([]);
  password = report.credentials[0]!.password;
}, 120_000);
afterAll(async () => {
  await a?.close();
  await b?.close();
  await server?.stop();
});

async function signIn(k: Kiosk, name: string, pin: string) {
  await k.page.goto(`${k.url}#/unlock`);
  await k.page.click(`[data-testid="staff-${name}"]`);
  await typePin(k.page, pin);
  await k.page.waitForURL((u) => u.hash.startsWith('#/staff'), { timeout: 15_000 });
}

describe('the center key from another kiosk', () => {
  it('kiosk A creates the center and syncs it to the county server', async () => {
    const { page } = a;
    await page.goto(a.url);
    await createCenter(page, { name: '青山村儿童之家', county: '云溪县', admin: '李老师', pin: '2468', code: 'qingshan' });
    await signIn(a, '李老师', '2468');
    await page.goto(`${a.url}#/staff/settings?tab=sync`);
    await page.fill('input[name="syncUrl"]', server.base);
    await page.fill('input[name="syncPassword"]', password);
    await page.click('[data-testid="sync-save"]');
    await expect.poll(() => page.textContent('[data-testid="sync-verdict"]'), { timeout: 30_000 }).toContain('连接成功');
    await expect
      .poll(async () => JSON.stringify((await couch(server.admin, 'GET', 'center_qingshan/_all_docs?startkey=%22centerkey%3A%22&endkey=%22centerkey%3A%EF%BF%B0%22')).json), { timeout: 120_000, interval: 1000 })
      .toContain('centerkey:');
  }, 240_000);

  it('kiosk B joins without the recovery code: it has no key and says so', async () => {
    const { page } = b;
    await page.goto(b.url);
    await page.waitForSelector('[data-testid="setup-join"]');
    await page.fill('input[name="joinUrl"]', server.base);
    await page.fill('input[name="joinCenter"]', 'qingshan');
    await page.fill('input[name="joinPassword"]', password);
    await page.check('[data-testid="join-key-from-kiosk"]');
    await b.screenshot('pair-join-option');
    await page.click('[data-testid="setup-join-go"]');
    await page.waitForSelector('[data-testid="kiosk-home"]', { timeout: 120_000 });
    await signIn(b, '李老师', '2468');
    await page.goto(`${b.url}#/staff/settings`);
    await page.click('[data-tab="e2ee"]');
    expect(await page.getAttribute('[data-testid="e2ee-status"]', 'data-status')).toBe('missing');
  }, 240_000);

  it('B asks, A answers, both screens show the same code, A confirms, and B has the key', async () => {
    await b.page.click('[data-testid="pair-ask"]');
    const number = (await b.page.textContent('[data-testid="pair-number"]'))!.trim();
    expect(number).toMatch(/^[0-9A-F]{3} [0-9A-F]{3}$/);
    await b.screenshot('pair-new-kiosk-number');

    await signIn(a, '李老师', '2468');
    await a.page.goto(`${a.url}#/staff/settings`);
    await a.page.click('[data-tab="e2ee"]');
    const answer = `[data-testid="pair-answer-${number.replace(' ', '').toLowerCase()}"]`;
    await a.page.waitForSelector(answer, { timeout: 90_000 });
    await a.screenshot('pair-old-kiosk-request');
    await a.page.click(answer);

    await a.page.waitForSelector('[data-testid="pair-send"][data-step="compare"]', { timeout: 90_000 });
    await b.page.waitForSelector('[data-testid="pair-receive"][data-step="compare"]', { timeout: 90_000 });
    const codeA = (await a.page.textContent('[data-testid="pair-code"]'))!.trim();
    const codeB = (await b.page.textContent('[data-testid="pair-code"]'))!.trim();
    expect(codeA).toMatch(/^\d{3} \d{3}$/);
    expect(codeB).toBe(codeA);
    await a.screenshot('pair-old-kiosk-code');
    await b.screenshot('pair-new-kiosk-code');

    await a.page.click('[data-testid="pair-same"]');
    await expect.poll(() => a.page.textContent('[data-testid="pair-message"]').catch(() => ''), { timeout: 30_000 }).toContain('已加密发给新电脑');
    await expect.poll(() => b.page.getAttribute('[data-testid="e2ee-status"]', 'data-status').catch(() => ''), { timeout: 90_000 }).toBe('ok');
    await b.screenshot('pair-new-kiosk-done');
    // The pairing document is gone from the server once the new kiosk has the key.
    await expect
      .poll(async () => JSON.stringify((await couch(server.admin, 'GET', 'center_qingshan/_all_docs?startkey=%22keypair%3A%22&endkey=%22keypair%3A%EF%BF%B0%22')).json.rows), { timeout: 60_000, interval: 1000 })
      .toBe('[]');
  }, 300_000);
});
