/**
 * Every operation over a second shows progress (issue 11). Starts: a static server for
 * dist/renderer and headless Chromium (harness.ts). The demo center (~120 children and a
 * term of records, some 15,000 documents) is exported as a USB bundle and backed up by hand
 * from Settings; a MutationObserver in the page records each text the progress line shows
 * *while* the work runs, so the test sees the count move mid-way, not only the end. Meanwhile
 * the button is off, and a second press starts nothing (one file comes out). The bundle is
 * then previewed and imported back (nothing new), with its check progress shown.
 * Then the operations that showed no progress before (issue 11, fourth round): the roster's
 * XLSX export, the sign-in sheet's CSV, the monthly counts of an older month, and a child's
 * transfer — packed, saved as a file, and accepted by a second kiosk (a new center, its own
 * Chromium profile). Those are short at the demo center, so each is also run once at
 * 1024×600 with the CPU slowed down (Chrome DevTools Protocol throttling, as on a slow kiosk)
 * to catch its line on a screenshot.
 * Screenshots progress-*.png at 1366×768 and 1024×600.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import { createCenter, openKiosk, typePin, type Kiosk } from './harness';
import { NOW } from './demoFixture';

let kiosk: Kiosk;
const go = (page: Page, hash: string) => page.goto(`${kiosk.url}#${hash}`);

beforeAll(async () => {
  kiosk = await openKiosk();
  await kiosk.page.clock.setFixedTime(new Date(NOW));
  await go(kiosk.page, '/setup?demo=1');
  await kiosk.page.waitForSelector('[data-testid="kiosk-home"]', { timeout: 240_000 });
  await go(kiosk.page, '/unlock');
  await kiosk.page.click('[data-testid="staff-陈老师"]');
  await typePin(kiosk.page, '2580');
  await kiosk.page.waitForURL((u) => u.hash.startsWith('#/staff'), { timeout: 15_000 });
}, 300_000);
afterAll(async () => kiosk?.close());

/** Starts recording, in the page, every text the progress line shows from now on. */
async function watchProgress(page: Page, buttonSelector: string): Promise<void> {
  await page.evaluate((button_selector) => {
    const w = window as unknown as { __progressSeen: string[]; __progressObserver?: MutationObserver };
    w.__progressSeen = [];
    w.__progressObserver?.disconnect();
    const note = () => {
      for (const el of document.querySelectorAll('[data-testid="progress-line"]')) {
        // With the state of the button that started it: it must be off while the line shows (its section's, or the page's).
        const button = (el.closest('section') ?? document).querySelector(button_selector) as HTMLButtonElement | null;
        const text = `${el.getAttribute('data-step')}|${el.getAttribute('data-done')}|${el.getAttribute('data-total')}|${button ? String(button.disabled) : 'none'}|${(el.textContent ?? '').trim()}`;
        if (w.__progressSeen.at(-1) !== text) w.__progressSeen.push(text);
      }
    };
    w.__progressObserver = new MutationObserver(note);
    w.__progressObserver.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  }, buttonSelector);
}

interface Seen { step: string; done: number; total: number; buttonOff: boolean; text: string }
async function seenProgress(page: Page): Promise<Seen[]> {
  const raw = await page.evaluate(() => (window as unknown as { __progressSeen: string[] }).__progressSeen);
  return raw.map((r) => {
    const [step, done, total, off, ...text] = r.split('|');
    // 'none': the button is gone (an accepted transfer's request leaves the list while the line still shows): nothing to press.
    return { step: step!, done: Number(done), total: Number(total), buttonOff: off !== 'false', text: text.join('|') };
  });
}

describe('progress of long operations', () => {
  it('a USB bundle of every record: the count of records read moves in words while it runs; the button is off; one file', async () => {
    const { page } = kiosk;
    await go(page, '/staff/settings');
    await page.click('[data-tab="bundle"]');
    await page.check('[data-scope="all"]');
    await page.fill('input[name="exportPass"]', 'county-passphrase-2026');
    await page.fill('input[name="exportPassAgain"]', 'county-passphrase-2026');
    let downloads = 0;
    page.on('download', () => downloads++);
    await watchProgress(page, '[data-testid="bundle-export"]');
    const download = page.waitForEvent('download', { timeout: 120_000 });
    await page.click('[data-testid="bundle-export"]');
    // A second press while it runs starts nothing (the button is off; forced, the guard still holds).
    await page.locator('[data-testid="bundle-export"]').click({ force: true, timeout: 2_000 }).catch(() => {});
    const line = page.locator('[data-testid="progress-line"]');
    if (await line.isVisible()) {
      await kiosk.screenshot('progress-bundle-1366');
      await page.setViewportSize({ width: 1024, height: 600 });
      await line.scrollIntoViewIfNeeded().catch(() => {});
      await kiosk.screenshot('progress-bundle-1024');
      await page.setViewportSize({ width: 1366, height: 768 });
    }
    await download.catch(async (e: unknown) => {
      console.error('[progress e2e] no download:', await page.textContent('[data-testid="bundle-settings"]'));
      throw e;
    });
    await expect.poll(() => page.textContent('[data-testid="bundle-export-result"]').catch(() => ''), { timeout: 60_000 }).toContain('已导出');
    const seen = await seenProgress(page);
    console.info('[progress e2e] bundle export showed', seen.length, 'states:', seen.slice(0, 3), '…', seen.slice(-2));
    expect(seen.every((s) => s.buttonOff)).toBe(true);
    const reads = seen.filter((s) => s.step === 'read');
    const total = reads[0]!.total;
    expect(total).toBeGreaterThan(5000);
    // Mid-way counts were on screen, in words with grouped numbers, rising to the total.
    const midway = reads.filter((s) => s.done > 0 && s.done < total);
    expect(midway.length).toBeGreaterThanOrEqual(3);
    expect(midway[0]!.text).toMatch(/^已读取 [\d,]+ \/ [\d,]+ 条记录$/);
    expect(midway[0]!.text).toContain(new Intl.NumberFormat('zh-CN').format(total));
    expect(reads.map((s) => s.done)).toEqual([...reads.map((s) => s.done)].sort((a, b) => a - b));
    expect(seen.some((s) => s.step === 'seal' && s.text.startsWith('正在加密'))).toBe(true);
    expect(await page.locator('[data-testid="progress-line"]').count()).toBe(0); // gone when done
    expect(downloads).toBe(1);
    expect(await page.textContent('[data-testid="bundle-export-result"]')).toContain(new Intl.NumberFormat('zh-CN').format(total).replace(/,/g, ''));
  }, 180_000);

  it('a backup made by hand: records read and the sealing are shown while it runs; the button is off meanwhile', async () => {
    const { page } = kiosk;
    await go(page, '/staff/settings');
    await page.click('[data-tab="backup"]');
    if (await page.locator('[data-testid="backup-setup"]').count()) {
      await page.click('[data-testid="backup-setup"]');
      const code = (await page.textContent('[data-testid="backup-new-code"]'))!.trim();
      await page.fill('[data-testid="backup-confirm"]', code.slice(-4));
      await page.click('[data-testid="backup-save-code"]');
      await expect.poll(() => page.textContent('[data-testid="backup-message"]').catch(() => ''), { timeout: 120_000 }).toContain('备份完成');
    }
    await page.waitForSelector('[data-testid="backup-now"]:not([disabled])', { timeout: 120_000 });
    await watchProgress(page, '[data-testid="backup-now"]');
    await page.click('[data-testid="backup-now"]');
    if (await page.locator('[data-testid="progress-line"]').isVisible()) await kiosk.screenshot('progress-backup-1366');
    await expect.poll(() => page.textContent('[data-testid="backup-message"]').catch(() => ''), { timeout: 120_000 }).toContain('备份完成');
    const seen = await seenProgress(page);
    expect(seen.every((s) => s.buttonOff)).toBe(true);
    const reads = seen.filter((s) => s.step === 'read');
    const total = reads.at(-1)!.total;
    expect(total).toBeGreaterThan(5000);
    expect(reads.filter((s) => s.done > 0 && s.done < total).length).toBeGreaterThanOrEqual(3);
    expect(reads.find((s) => s.done > 0 && s.done < total)!.text).toMatch(/^已读取 [\d,]+ \/ [\d,]+ 条记录$/);
    expect(seen.some((s) => s.step === 'seal')).toBe(true);
    expect(seen.some((s) => s.step === 'save' && s.text === '正在保存文件，请稍候…')).toBe(true);
    expect(await page.locator('[data-testid="progress-line"]').count()).toBe(0);
  }, 240_000);
});

/**
 * Runs `start` at 1024×600 with the CPU slowed `rate` times (a slow kiosk), waits for the progress
 * line and takes screenshot `name` of it; then back to full speed at 1366×768. @returns whether the line was caught.
 */
async function screenshotSlowed(k: Kiosk, name: string, start: () => Promise<unknown>, rate = 12): Promise<boolean> {
  const { page } = k;
  await page.setViewportSize({ width: 1024, height: 600 });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  try {
    await start();
    const line = page.locator('[data-testid="progress-line"]').first();
    const caught = await line.waitFor({ state: 'visible', timeout: 10_000 }).then(() => true, () => false);
    if (caught) {
      await line.scrollIntoViewIfNeeded().catch(() => {});
      await k.screenshot(name);
    }
    await page.locator('[data-testid="progress-line"]').first().waitFor({ state: 'detached', timeout: 120_000 });
    return caught;
  } finally {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    await cdp.detach();
    await page.setViewportSize({ width: 1366, height: 768 });
  }
}

describe('progress of the exports, the monthly counts and a transfer (issue 11, fourth round)', () => {
  it('the roster as XLSX: rows written, rising to every child, then the file saved; the buttons are off meanwhile; one file per press', async () => {
    const { page } = kiosk;
    await go(page, '/staff/children');
    await page.waitForSelector('[data-testid="child-rows"] .row');
    let downloads = 0;
    const count = () => downloads++;
    page.on('download', count);
    await watchProgress(page, '[data-testid="export-xlsx"]');
    const download = page.waitForEvent('download', { timeout: 60_000 });
    await page.click('[data-testid="export-xlsx"]');
    await page.locator('[data-testid="export-xlsx"]').click({ force: true, timeout: 1_000 }).catch(() => {});
    expect((await download).suggestedFilename()).toMatch(/^儿童名单-.*\.xlsx$/);
    await expect.poll(() => page.locator('[data-testid="progress-line"]').count(), { timeout: 30_000 }).toBe(0);
    const seen = await seenProgress(page);
    console.info('[progress e2e] roster xlsx showed', seen.length, 'states:', seen.slice(0, 3), '…', seen.slice(-2));
    expect(seen.every((s) => s.buttonOff)).toBe(true);
    const rows = seen.filter((s) => s.step === 'export');
    const total = rows[0]!.total;
    expect(total).toBeGreaterThanOrEqual(100); // the demo center's children
    expect(rows.some((s) => s.done > 0 && s.done < total)).toBe(true);
    expect(rows.map((s) => s.done)).toEqual([...rows.map((s) => s.done)].sort((a, b) => a - b));
    expect(rows.at(-1)!.text).toBe(`已导出 ${total} / ${total} 行`);
    expect(seen.some((s) => s.step === 'save' && s.text === '正在保存文件，请稍候…')).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    page.off('download', count);
    expect(downloads).toBe(1);
    const caught = await screenshotSlowed(kiosk, 'progress-roster-export-1024', () => page.click('[data-testid="export-xlsx"]'), 30);
    console.info('[progress e2e] roster export line on screen at 1024×600:', caught);
  }, 180_000);

  it("the day's sign-in sheet as CSV: its rows and the saving are shown; the button is off meanwhile", async () => {
    const { page } = kiosk;
    await go(page, '/staff/register');
    await page.waitForSelector('[data-testid="register-export"]');
    await watchProgress(page, '[data-testid="register-export"]');
    const download = page.waitForEvent('download', { timeout: 60_000 });
    await page.click('[data-testid="register-export"]');
    expect((await download).suggestedFilename()).toMatch(/^签到表-2026-11-30\.csv$/);
    await expect.poll(() => page.locator('[data-testid="progress-line"]').count(), { timeout: 30_000 }).toBe(0);
    const seen = await seenProgress(page);
    expect(seen.every((s) => s.buttonOff)).toBe(true);
    const rows = seen.filter((s) => s.step === 'export');
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows[0]!.total).toBeGreaterThanOrEqual(50);
    expect(rows.at(-1)!.text).toBe(`已导出 ${rows[0]!.total} / ${rows[0]!.total} 行`);
    expect(seen.some((s) => s.step === 'save')).toBe(true);
  }, 120_000);

  it('the monthly counts of an older month: the months of records read are shown, rising to the total; this month reads at once', async () => {
    const { page } = kiosk;
    await go(page, '/staff/services');
    await page.waitForSelector('[data-testid="service-counts"][data-month="2026-11"] tr[data-type]');
    await watchProgress(page, '[data-testid="services-print"]');
    await page.fill('[data-testid="services-month"]', '2026-09');
    await page.waitForSelector('[data-testid="service-counts"][data-month="2026-09"] tr[data-type]', { timeout: 60_000 });
    await expect.poll(() => page.locator('[data-testid="progress-line"]').count(), { timeout: 30_000 }).toBe(0);
    const seen = await seenProgress(page);
    console.info('[progress e2e] monthly counts of 2026-09 showed', seen);
    expect(seen.every((s) => s.buttonOff)).toBe(true);
    const months = seen.filter((s) => s.step === 'months');
    expect(months.length).toBeGreaterThanOrEqual(2);
    const total = months[0]!.total;
    expect(total).toBeGreaterThanOrEqual(3); // September to the end of November, a month of ids a read
    expect(months.map((s) => s.done)).toEqual([...months.map((s) => s.done)].sort((a, b) => a - b));
    expect(months.find((s) => s.done > 0)!.text).toMatch(new RegExp(`^已查看 \\d / ${total} 个月的服务记录$`));
    // The counts are September's only: every recent session listed is dated in it.
    const dates = await page.locator('[data-testid="service-open"] strong').allTextContents();
    expect(dates.length).toBeGreaterThan(0);
    expect(dates.every((d) => d.startsWith('2026-09'))).toBe(true);
    // This month is one read: no line.
    await watchProgress(page, '[data-testid="services-print"]');
    await page.fill('[data-testid="services-month"]', '2026-11');
    await page.waitForSelector('[data-testid="service-counts"][data-month="2026-11"] tr[data-type]', { timeout: 30_000 });
    expect((await seenProgress(page)).filter((s) => s.step === 'months')).toEqual([]);
    const caught = await screenshotSlowed(kiosk, 'progress-monthly-counts-1024', () => page.fill('[data-testid="services-month"]', '2026-09'), 40);
    console.info('[progress e2e] monthly counts line on screen at 1024×600:', caught);
  }, 180_000);

  it("a child's transfer: the records found, read and sealed while it packs; the file's saving; the other center's opening, check and saving", async () => {
    const { page } = kiosk;
    const b = await openKiosk();
    try {
      await b.page.goto(b.url);
      await createCenter(b.page, { name: '石桥村儿童之家', county: '云溪县', township: '石桥镇', village: '石桥村', code: 'shiqiao', admin: '王老师', pin: '2580' });
      await go(page, '/staff/children');
      await page.locator('[data-testid="child-rows"] button.row').nth(3).click();
      await page.waitForURL(/children\/[0-9A-Z]{26}/);
      const childId = /children\/([0-9A-Z]{26})/.exec(page.url())![1]!;
      await go(page, `/staff/transfers?child=${childId}`);
      await page.waitForSelector('[data-testid="transfer-send"]');
      await page.fill('input[name="transferTo"]', 'shiqiao');
      await page.locator('select[name="transferRelation"] option').nth(1).waitFor({ state: 'attached' });
      await page.selectOption('select[name="transferRelation"]', { index: 1 });
      await page.click('[data-testid="transfer-legal-yes"]');
      await page.selectOption('select[name="transferMethod"]', 'phone');
      await page.check('input[name="transferConsent"]');
      await watchProgress(page, '[data-testid="transfer-create"]');
      const packCaught = await screenshotSlowed(kiosk, 'progress-transfer-pack-1024', async () => {
        await page.click('[data-testid="transfer-create"]');
        await page.locator('[data-testid="transfer-create"]').click({ force: true, timeout: 1_000 }).catch(() => {});
      }, 6);
      console.info('[progress e2e] transfer packing line on screen at 1024×600:', packCaught);
      const code = (await page.locator('[data-testid="transfer-code"] .big').textContent({ timeout: 60_000 }))!.trim();
      const packing = await seenProgress(page);
      console.info('[progress e2e] packing a transfer showed', packing);
      expect(packing.every((s) => s.buttonOff)).toBe(true);
      const finds = packing.filter((s) => s.step === 'find');
      expect(finds.map((s) => s.done)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(finds[2]!.text).toBe('正在查找这个孩子的记录（2 / 5 类）');
      const reads = packing.filter((s) => s.step === 'read');
      expect(reads.at(-1)!.done).toBe(reads.at(-1)!.total);
      expect(reads.at(-1)!.total).toBeGreaterThan(20); // a term of attendance and moods
      expect(packing.some((s) => s.step === 'seal')).toBe(true);
      // One transfer for one press.
      expect(await page.locator('[data-testid="transfer-outgoing"] tr').count()).toBe(1);

      await watchProgress(page, '[data-testid="transfer-export-file"]');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="transfer-export-file"]')]);
      const file = await readFile((await download.path())!, 'utf8');
      await expect.poll(() => page.locator('[data-testid="progress-line"]').count(), { timeout: 30_000 }).toBe(0);
      const saving = await seenProgress(page);
      expect(saving.some((s) => s.step === 'save' && s.buttonOff)).toBe(true);

      await b.page.goto(`${b.url}#/kiosk`);
      await b.page.click('[data-testid="staff-entry"]');
      await b.page.click('[data-testid="staff-王老师"]');
      await typePin(b.page, '2580');
      await b.page.waitForSelector('[data-testid="staff-home"]', { timeout: 15_000 });
      await b.page.goto(`${b.url}#/staff/transfers`);
      await b.page.setInputFiles('[data-testid="transfer-file"]', { name: download.suggestedFilename(), mimeType: 'application/octet-stream', buffer: Buffer.from(file) });
      const item = b.page.locator('[data-testid="transfer-incoming"]');
      await expect.poll(() => item.count()).toBe(1);
      await item.locator('input[name="transferCode"]').fill(code);
      await watchProgress(b.page, '[data-testid="transfer-accept"]');
      const acceptCaught = await screenshotSlowed(b, 'progress-transfer-accept-1024', () => item.locator('[data-testid="transfer-accept"]').click(), 6);
      console.info('[progress e2e] transfer accepting line on screen at 1024×600:', acceptCaught);
      await expect.poll(() => b.page.textContent('[data-testid="transfer-message"]').catch(() => ''), { timeout: 60_000 }).toContain('已接收');
      const accepting = await seenProgress(b.page);
      console.info('[progress e2e] accepting a transfer showed', accepting);
      expect(accepting.every((s) => s.buttonOff)).toBe(true);
      expect(accepting.some((s) => s.step === 'open')).toBe(true);
      const checks = accepting.filter((s) => s.step === 'check');
      expect(checks.at(-1)!.done).toBe(reads.at(-1)!.total);
      const store = accepting.find((s) => s.step === 'store')!;
      expect(store.text).toBe(`正在保存 ${reads.at(-1)!.total} 条记录，请稍候…`);
      expect(await b.page.locator('[data-testid="progress-line"]').count()).toBe(0);
    } finally {
      await b.close();
    }
  }, 300_000);
});
