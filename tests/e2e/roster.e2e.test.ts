/**
 * Roster import end to end: a GBK CSV as Chinese Excel saves it, previewed
 * with per-row problems, nothing written until confirmed; then found by
 * pinyin initials. A file that is not a roster is refused with the reason.
 * Starts: a static server and headless Chromium (harness.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCenter, openKiosk, typePin, type Kiosk } from './harness';
import { encodeGbk } from '../gbk';

let kiosk: Kiosk;
beforeAll(async () => {
  kiosk = await openKiosk();
  const { page } = kiosk;
  await page.goto(kiosk.url);
  await createCenter(page, { name: '石桥村儿童之家', county: '云溪县', admin: '李站长', pin: '4826' });
  await page.click('[data-testid="staff-entry"]');
  await page.click('[data-testid="staff-李站长"]');
  await typePin(page, '4826');
  await page.waitForSelector('[data-testid="staff-home"]', { timeout: 15_000 });
});
afterAll(async () => kiosk?.close());

describe('roster import', () => {
  it('refuses a file that is not a roster, with the reason, and writes nothing', async () => {
    const { page } = kiosk;
    await page.goto(`${kiosk.url}#/staff/children/import`);
    await page.setInputFiles('[data-testid="import-file"]', { name: 'roster.xlsx', mimeType: 'application/octet-stream', buffer: Buffer.from('this is not a spreadsheet') });
    await expect.poll(() => page.textContent('[data-testid="import-error"]')).toContain('读不了这个文件');
    await page.setInputFiles('[data-testid="import-file"]', { name: 'notes.csv', mimeType: 'text/csv', buffer: Buffer.from('日期,内容\n2026-11-01,开会\n') });
    await expect.poll(() => page.textContent('[data-testid="import-error"]')).toContain('找不到“姓名”这一列');
    expect(await page.locator('[data-testid="import-confirm"]').count()).toBe(0);
  });

  it('previews a GBK file row by row and imports only the good rows after confirmation', async () => {
    const { page } = kiosk;
    const csv = ['姓名,性别,出生年月,年级,类别,照顾人,监护人,监护人关系,监护人电话', '张小明,男,2016-05,四年级,留守（父母都外出）,祖父母,张大山,父亲,13800001111', '李思琪,女,2014/3,6,流动,父母,,,', '王浩然,男,2015-01,3,外星,,,,'].join('\r\n');
    await page.setInputFiles('[data-testid="import-file"]', { name: '名单.csv', mimeType: 'text/csv', buffer: Buffer.from(encodeGbk(csv)) });
    await expect.poll(() => page.textContent('[data-testid="import-summary"]')).toContain('共 3 行：2 行可以导入，1 行有问题');
    expect(await page.textContent('tr[data-line="4"]')).toContain('类别“外星”看不懂');
    await kiosk.screenshot('roster-import-preview');
    // Nothing written yet.
    await page.goto(`${kiosk.url}#/staff/children`);
    await expect.poll(() => page.textContent('.toolbar .help')).toContain('共 0 人');
    await page.goto(`${kiosk.url}#/staff/children/import`);
    await page.setInputFiles('[data-testid="import-file"]', { name: '名单.csv', mimeType: 'text/csv', buffer: Buffer.from(encodeGbk(csv)) });
    await page.click('[data-testid="import-confirm"]');
    await expect.poll(() => page.textContent('[data-testid="import-done"]')).toContain('已导入 2 名儿童');
    await page.goto(`${kiosk.url}#/staff/children`);
    await page.fill('[data-testid="child-search"]', 'zxm');
    await expect.poll(() => page.locator('[data-testid="child-rows"] .row').allTextContents()).toEqual([expect.stringContaining('张小明')]);
    await page.fill('[data-testid="child-search"]', '6');
    await expect.poll(() => page.locator('[data-testid="child-rows"] .row').allTextContents()).toEqual([expect.stringContaining('李思琪')]);
    // The same file again: both children are already on the roster.
    await page.goto(`${kiosk.url}#/staff/children/import`);
    await page.setInputFiles('[data-testid="import-file"]', { name: '名单.csv', mimeType: 'text/csv', buffer: Buffer.from(encodeGbk(csv)) });
    await expect.poll(() => page.textContent('[data-testid="import-summary"]')).toContain('0 行可以导入');
  });
});
