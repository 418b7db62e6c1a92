/**
 * Sync set up from the kiosk's own settings screen, in Chromium: the county's
 * trial server (pouchdb-server on a free loopback port, provisioned with the
 * real design documents and CORS for this kiosk's origin), a wrong password
 * refused in words, then the demo center going up and the status saying so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKiosk, typePin, type Kiosk } from './harness';
import { startCountyServer, type CountyServer } from '../integration/countyServer';
import { couch } from '../../sync/couchdb/admin';
import { parseCountyFile, provision } from '../../sync/couchdb/provision';

let kiosk: Kiosk;
let server: CountyServer;
let password: string;

beforeAll(async () => {
  kiosk = await openKiosk();
  server = await startCountyServer();
  const origin = new URL(kiosk.url).origin;
  const report = await provision(server.admin, parseCountyFile(JSON.stringify({ county: { id: 'yunxi', name: '云溪县' }, server: server.base, centers: [{ id: 'demo-qingshan', name: '青山' }], kioskOrigins: [origin] })));
  expect(report.errors).toEqual([]);
  password = report.credentials[0]!.password;
  await kiosk.page.goto(`${kiosk.url}#/setup?demo=1`);
  await kiosk.page.waitForSelector('[data-testid="kiosk-home"]', { timeout: 90_000 });
});
afterAll(async () => {
  await kiosk?.close();
  await server?.stop();
});

describe('sync settings', () => {
  it('refuses a wrong password in words, then syncs the center up and shows it', async () => {
    const { page } = kiosk;
    await page.click('[data-testid="staff-entry"]');
    await page.click('[data-testid="staff-陈老师"]');
    await typePin(page, '2580');
    await page.waitForSelector('[data-testid="staff-home"]', { timeout: 15_000 });
    expect(await page.textContent('[data-testid="sync-status"]')).toContain('未设置同步');
    await page.goto(`${kiosk.url}#/staff/settings`);
    await page.click('[data-tab="sync"]');
    await page.fill('input[name="syncUrl"]', server.base);
    await page.fill('input[name="syncPassword"]', 'not-the-password');
    await page.click('[data-testid="sync-test"]');
    await expect.poll(() => page.textContent('[data-testid="sync-verdict"]')).toContain('账号或密码不对');
    await page.fill('input[name="syncPassword"]', password);
    await page.click('[data-testid="sync-save"]');
    await expect.poll(() => page.textContent('[data-testid="sync-verdict"]')).toContain('连接成功');
    const local = await page.evaluate(async () => {
      const dbs = await indexedDB.databases();
      return dbs.map((d) => d.name);
    });
    expect(local.length).toBeGreaterThan(0);
    await expect.poll(async () => Number((await couch(server.admin, 'GET', 'center_demo-qingshan')).json.doc_count), { timeout: 120_000, interval: 1000 }).toBeGreaterThan(15_000);
    await expect.poll(() => page.textContent('[data-testid="sync-status"]'), { timeout: 60_000 }).toContain('已同步');
    await kiosk.screenshot('settings-sync');
  });
});
