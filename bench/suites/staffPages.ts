/**
 * Staff pages that count over the history, at the big bench center (300 children × 3 school
 * years, the kiosk suite's fixture): how long the monthly counts (服务统计, /staff/services) take
 * to draw. Issue 11: every operation over a second shows progress — or is made fast.
 *   services_month_ms       staff home → 服务统计 opened and last month chosen → its counts drawn (median of 5;
 *                           last month: this month may have no sessions yet, on the 1st)
 *   services_old_month_ms   the month picker set to a month ~2.5 years back → its counts drawn (median of 5)
 * `npm run bench -- staff-pages`; BENCH_KIOSK_CHILDREN / BENCH_KIOSK_YEARS as for the kiosk suite.
 */
import type { Page } from 'playwright-core';
import { openBenchBrowser } from '../browser';
import { openStaffRoster, seedCenter, waitFor } from './kiosk';
import { percentile, round1, type Suite } from './types';

const LOADS = 5;

/** The month `back` months before this one, as yyyy-mm. */
function monthBack(back: number): string {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - back);
  return d.toISOString().slice(0, 7);
}

/** From the staff home: ms until the counts of last month are drawn (the table marks the month it shows once loaded). */
async function openCounts(page: Page, origin: string): Promise<number> {
  await page.goto(`${origin}renderer/index.html#/staff`);
  await waitFor(page, '[data-testid="staff-home"]');
  const t0 = Date.now();
  await page.goto(`${origin}renderer/index.html#/staff/services`);
  await page.fill('[data-testid="services-month"]', monthBack(1));
  await waitFor(page, `[data-testid="service-counts"][data-month="${monthBack(1)}"] tr[data-type]`);
  return Date.now() - t0;
}

async function pickMonth(page: Page, month: string): Promise<number> {
  const t0 = Date.now();
  await page.fill('[data-testid="services-month"]', month);
  await waitFor(page, `[data-testid="service-counts"][data-month="${month}"] tr[data-type]`);
  return Date.now() - t0;
}

export const staffPagesSuite: Suite = {
  description: 'staff pages that count over three years of history (the monthly counts)',
  async run(log) {
    const browser = await openBenchBrowser();
    try {
      log('seeding (not measured)…');
      const { seeded } = await seedCenter(browser.context, browser.origin, false);
      log(`seeded ${seeded.docs} documents in ${seeded.seconds.toFixed(1)} s`);
      const page = await browser.context.newPage();
      await page.goto(`${browser.origin}renderer/index.html#/kiosk`);
      await openStaffRoster(page);
      const now: number[] = [];
      const old: number[] = [];
      // Months with sessions ~2.5 years back: the fixture leaves out school holidays (February, July, August).
      const olderMonths = Array.from({ length: 12 }, (_, i) => monthBack(26 + i)).filter((m) => !/-(02|07|08)$/.test(m));
      for (let i = 0; i < LOADS; i++) {
        const older = olderMonths[i % olderMonths.length]!;
        now.push(await openCounts(page, browser.origin));
        old.push(await pickMonth(page, older));
        log(`load ${i + 1}: last month ${now.at(-1)} ms, ${older} ${old.at(-1)} ms`);
      }
      return [
        { name: 'services_month_ms', value: round1(percentile(now, 50)), unit: 'ms', note: `median of ${LOADS}: ${now.join(', ')}` },
        { name: 'services_old_month_ms', value: round1(percentile(old, 50)), unit: 'ms', note: `median of ${LOADS}: ${old.join(', ')}` },
      ];
    } finally {
      await browser.close();
    }
  },
};
