/**
 * Everything that prints, printed to PDF by Chromium on A4 and read back with poppler's
 * pdftotext/pdfinfo (Debian's poppler-utils): the sign-in sheet (签到表) of the demo center's
 * 120 children, a child file (一人一档) and the guardians' picture-code cards.
 * Starts: a static server and headless Chromium (harness.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { openKiosk, ROOT, typePin, type Kiosk } from './harness';
import { NOW } from './demoFixture';

const OUT = path.join(ROOT, 'test-results', 'print');
let kiosk: Kiosk;

async function unlock(page: Page, name: string, next: string) {
  await page.goto(`${kiosk.url}#/unlock?next=${encodeURIComponent(next)}`);
  await page.click(`[data-testid="staff-${name}"]`);
  await typePin(page, '2580');
  await page.waitForURL((u) => u.hash.startsWith('#/staff'), { timeout: 15_000 });
}

/** Prints the page as the app's print button would (print media, A4, the page's own @page rules). */
async function printToPdf(page: Page, name: string): Promise<{ pages: string[]; file: string }> {
  mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, `${name}.pdf`);
  await page.pdf({ path: file, format: 'A4', preferCSSPageSize: true, printBackground: true });
  const count = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))![1]);
  const pages = Array.from({ length: count }, (_, i) => execFileSync('pdftotext', ['-layout', '-f', String(i + 1), '-l', String(i + 1), file, '-'], { encoding: 'utf8' }));
  return { pages, file };
}

beforeAll(async () => {
  kiosk = await openKiosk();
  await kiosk.page.clock.setFixedTime(new Date(NOW));
  await kiosk.page.goto(`${kiosk.url}#/setup?demo=1`);
  await kiosk.page.waitForSelector('[data-testid="kiosk-home"]', { timeout: 90_000 });
});
afterAll(async () => kiosk?.close());

describe('printing on A4', () => {
  it('prints the whole sign-in sheet: title, every child, the header on every page, page numbers — even when scrolled down first', async () => {
    const { page } = kiosk;
    await unlock(page, '陈老师', '/staff/register');
    await page.click('[data-testid="register-mark-all"]');
    await expect.poll(() => page.textContent('[data-testid="register-counts"]')).toContain('未点名 0');
    const names = await page.locator('[data-testid="register-rows"] li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-child') ?? ''));
    expect(names.length).toBeGreaterThan(100);
    // Scrolled to the bottom, as a teacher would be after the last child.
    await page.locator('[data-testid="register-rows"] li').last().scrollIntoViewIfNeeded();
    const { pages } = await printToPdf(page, 'sign-in-sheet');
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages[0]).toContain('签到表');
    pages.forEach((text, i) => {
      expect(text, `page ${i + 1} repeats the table header`).toMatch(/姓名\s+年级\s+出勤\s+签到时间/);
      expect(text, `page ${i + 1} carries its number`).toMatch(new RegExp(`\\b${i + 1}\\s*/\\s*${pages.length}\\b`));
    });
    const all = pages.join('\n');
    // One line per child: name, grade, 到, check-in time.
    const rows = all.split('\n').filter((l) => /^\s*\S+\s+\d\s+到\s+\d{2}:\d{2}/.test(l));
    expect(rows.length).toBe(names.length);
    for (const n of names) expect(all, `${n} is on the sheet`).toContain(n);
  });

  it('prints a child file within the page width, in colour', async () => {
    const { page } = kiosk;
    await page.goto(`${kiosk.url}#/staff/children`);
    await page.locator('[data-testid="child-rows"] .row').first().click();
    await page.click('[data-testid="child-file"]');
    await page.waitForSelector('[data-testid="file-attendance-count"]');
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 718, height: 1000 }); // A4 less the page margins, at 96 dpi
    const overflow = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      return [...document.querySelectorAll('main *')].filter((el) => el.getBoundingClientRect().right > width + 1).map((el) => el.tagName + '.' + el.className);
    });
    expect(overflow, 'nothing runs off the right edge').toEqual([]);
    await page.screenshot({ path: path.join(ROOT, 'test-results', 'screenshots', 'print-child-file.png'), fullPage: true });
    await page.emulateMedia({ media: null }); // page.pdf() prints with print media unless told otherwise
    await page.setViewportSize({ width: 1366, height: 768 });
    const { pages } = await printToPdf(page, 'child-file');
    const all = pages.join('\n');
    for (const heading of ['出勤', '心情', '同意']) expect(all).toContain(heading);
    pages.forEach((text, i) => expect(text).toMatch(new RegExp(`\\b${i + 1}\\s*/\\s*${pages.length}\\b`)));
  });

  it('prints picture-code cards for guardians, eight to a page, with each child’s pictures', async () => {
    const { page } = kiosk;
    await page.goto(`${kiosk.url}#/staff/children`);
    await page.click('[data-testid="cards-open"]');
    await page.waitForSelector('[data-testid="code-cards"] .code-card');
    const cards = await page.locator('.code-card').count();
    expect(cards).toBeGreaterThan(100);
    await kiosk.screenshot('code-cards');
    const { pages } = await printToPdf(page, 'code-cards');
    expect(pages.length).toBe(Math.ceil(cards / 8));
    const all = pages.join('\n');
    expect(all.match(/签到时，先点自己的头像/g)?.length).toBe(cards);
  });
});

describe('printing the month of services', () => {
  it('prints the month’s counts per service type with the center and month in the title', async () => {
    const { page } = kiosk;
    await page.goto(`${kiosk.url}#/staff/services`);
    await page.waitForSelector('[data-testid="service-counts"] tr[data-type]');
    const types = await page.locator('[data-testid="service-counts"] tr[data-type] td:first-child').allTextContents();
    expect(types.length).toBeGreaterThan(2);
    const { pages } = await printToPdf(page, 'services-month');
    const all = pages.join('\n');
    expect(all).toContain('服务月统计（2026-11）');
    for (const type of types) expect(all).toContain(type.slice(0, 6));
    expect(all).not.toContain('打印月统计'); // the buttons stay on screen
  });
});
