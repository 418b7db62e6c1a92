/**
 * Every operation over a second shows progress (issue 11). Starts: a static server for
 * dist/renderer and headless Chromium (harness.ts). The demo center (~120 children and a
 * term of records, some 15,000 documents) is exported as a USB bundle and backed up by hand
 * from Settings; a MutationObserver in the page records each text the progress line shows
 * *while* the work runs, so the test sees the count move mid-way, not only the end. Meanwhile
 * the button is off, and a second press starts nothing (one file comes out). The bundle is
 * then previewed and imported back (nothing new), with its check progress shown.
 * Screenshots progress-*.png at 1366×768 and 1024×600.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openKiosk, typePin, type Kiosk } from './harness';
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
        // With the state of the button that started it: it must be off while the line shows.
        const button = el.closest('section')?.querySelector(button_selector) as HTMLButtonElement | null;
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
    return { step: step!, done: Number(done), total: Number(total), buttonOff: off === 'true', text: text.join('|') };
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
