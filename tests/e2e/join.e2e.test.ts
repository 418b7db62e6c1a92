/**
 * A join that fails part-way leaves the kiosk as it was (issue 16): joining a
 * center whose database holds only the county's design document (no center,
 * no administrator yet) fails in words; the kiosk keeps none of it — no
 * design document, no saved sync account — so when a new center is created
 * on it and synced to its own database, nothing is refused and nothing of the
 * other center goes up. Starts: the trial server (provisioned with CORS for
 * this kiosk), a static server and headless Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCenter, openKiosk, typePin, type Kiosk } from './harness';
import { startCountyServer, type CountyServer } from '../integration/countyServer';
import { couch } from '../../sync/couchdb/admin';
import { parseCountyFile, provision } from '../../sync/couchdb/provision';

let kiosk: Kiosk;
let server: CountyServer;
const passwords: Record<string, string> = {};

beforeAll(async () => {
  kiosk = await openKiosk();
  server = await startCountyServer();
  const origin = new URL(kiosk.url).origin;
  const report = await provision(
    server.admin,
    parseCountyFile(JSON.stringify({ county: { id: 'yunxi', name: '云溪县' }, server: server.base, centers: [{ id: 'baishui', name: '白水' }, { id: 'hongshi', name: '红石' }], kioskOrigins: [origin] })),
  );
  expect(report.errors).toEqual([]);
  for (const c of report.credentials) passwords[c.user] = c.password;
});
afterAll(async () => {
  await kiosk?.close();
  await server?.stop();
});

describe('joining a center', () => {
  it('a join that fails part-way takes back what it wrote; a new center on the kiosk then syncs with nothing refused', async () => {
    const { page } = kiosk;
    await page.goto(kiosk.url);
    await page.waitForSelector('[data-testid="setup-join"]');
    await page.fill('input[name="joinUrl"]', server.base);
    await page.fill('input[name="joinCenter"]', 'baishui');
    await page.fill('input[name="joinPassword"]', passwords['sync-baishui']!);
    await page.click('[data-testid="setup-join-go"]');
    await expect.poll(() => page.textContent('[data-testid="join-error"]'), { timeout: 60_000 }).toContain('服务器上还没有这个站点的信息');
    await kiosk.screenshot('setup-join-failed');

    // A different center is created on this kiosk and set to sync with its own database.
    await createCenter(page, { name: '红石村儿童之家', county: '云溪县', admin: '王老师', pin: '1357', code: 'hongshi' });
    await page.click('[data-testid="staff-entry"]');
    await page.click('[data-testid="staff-王老师"]');
    await typePin(page, '1357');
    await page.waitForSelector('[data-testid="staff-home"]', { timeout: 15_000 });
    // The failed join's sync account was not kept.
    expect(await page.textContent('[data-testid="sync-status"]')).toContain('未设置同步');
    await page.goto(`${kiosk.url}#/staff/settings`);
    await page.click('[data-tab="sync"]');
    await page.fill('input[name="syncUrl"]', server.base);
    await page.fill('input[name="syncUser"]', 'sync-hongshi');
    await page.fill('input[name="syncPassword"]', passwords['sync-hongshi']!);
    await page.click('[data-testid="sync-save"]');
    await expect.poll(() => page.textContent('[data-testid="sync-verdict"]')).toContain('连接成功');
    await expect.poll(() => page.textContent('[data-testid="sync-status"]'), { timeout: 60_000 }).toContain('已同步');
    // Nothing refused: the other center's design document is not on the kiosk to be sent.
    expect(await page.locator('[data-testid="sync-rejected"]').count()).toBe(0);
    const docs = (await couch(server.admin, 'GET', 'center_hongshi/_all_docs')).json as { rows: { id: string }[] };
    expect(docs.rows.some((r) => r.id === 'center:hongshi')).toBe(true);
    await kiosk.screenshot('setup-join-then-new-center-synced');
  }, 240_000);
});
