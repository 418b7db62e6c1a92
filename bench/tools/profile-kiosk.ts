/**
 * Where a kiosk check-in's or keystroke's time goes: seeds the bench center, then records a
 * Chromium CPU profile around each check-in and each searched word, and writes them with
 * their measured durations to `<out>/` (default test-results/profiles/). Summarise with
 * `node bench/tools/profile-summary.mjs <out> checkin` (slowest tenth against the rest).
 * Not a benchmark: the profiler itself costs time; use it to find causes, then measure with
 * `npm run bench -- kiosk`. Build first without minifying for readable names:
 *   npm run build && npx vite build -c vite.bench.config.ts && npx vite build --minify false
 *   npx tsx bench/tools/profile-kiosk.ts [out]
 * `PROFILE_ONLY=cold` stops after the six cold starts (summary: `profile-summary.mjs <out> cold`);
 * `PROFILE_ONLY=checkin` skips them and the keystrokes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { CDPSession } from 'playwright-core';
import { openBenchBrowser, ROOT } from '../browser';
import { openStaffRoster, waitFor } from '../suites/kiosk';

const CHILDREN = Number(process.env.BENCH_KIOSK_CHILDREN ?? 300);
const YEARS = Number(process.env.BENCH_KIOSK_YEARS ?? 3);
const CHECKINS = Number(process.env.PROFILE_CHECKINS ?? 60);
const OUT = path.resolve(process.argv[2] ?? path.join(ROOT, 'test-results/profiles'));
const ONLY = process.env.PROFILE_ONLY;
const WORDS = ['zxm', 'zhang', 'wang', 'lsq', 'chen', 'liu', 'zy', '3', '7', '张', '王浩', '李', 'h', 'x', 'y', 'ma', 'sun', 'zhao'];


async function profiled<T>(cdp: CDPSession, run: () => Promise<T>): Promise<{ result: T; profile: unknown }> {
  await cdp.send('Profiler.start');
  const result = await run();
  const { profile } = await cdp.send('Profiler.stop');
  return { result, profile };
}

const browser = await openBenchBrowser();
try {
  await mkdir(OUT, { recursive: true });
  const seedPage = await browser.context.newPage();
  await seedPage.goto(`${browser.origin}bench/index.html`);
  await seedPage.waitForFunction(() => document.title === 'ready');
  const seeded = await seedPage.evaluate(
    ({ children, years }) => (window as unknown as { tongxinBench: { seedCenter(o: object): Promise<{ docs: number }> } }).tongxinBench.seedCenter({ centerId: 'bench-center', children, years, today: new Date().toISOString().slice(0, 10) }),
    { children: CHILDREN, years: YEARS },
  );
  console.error(`seeded ${seeded.docs} documents`);
  const codes = await seedPage.evaluate(() => (window as unknown as { tongxinBench: { codes(): Promise<Record<string, string[]>> } }).tongxinBench.codes());
  await seedPage.close();

  // Cold starts: where the time goes before the kiosk home is ready (the app marks each boot step).
  for (let i = 0; i < (ONLY === 'checkin' ? 0 : 6); i++) {
    const cold = await browser.context.newPage();
    const ccdp = await cold.context().newCDPSession(cold);
    await ccdp.send('Profiler.enable');
    await ccdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await ccdp.send('Profiler.start');
    await cold.goto(`${browser.origin}renderer/index.html#/kiosk`);
    await waitFor(cold, '[data-testid="kiosk-home"]');
    await cold.waitForFunction(() => performance.getEntriesByName('tongxin:kiosk-ready').length > 0);
    const { profile } = await ccdp.send('Profiler.stop');
    const marks = await cold.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const out: Record<string, number> = { responseEnd: nav.responseEnd, domInteractive: nav.domInteractive };
      for (const m of performance.getEntriesByType('mark')) if (m.name.startsWith('tongxin:')) out[m.name.slice(8)] = m.startTime;
      for (const r of performance.getEntriesByType('resource') as PerformanceResourceTiming[]) if (r.name.endsWith('.js')) out[`js ${r.name.split('/').pop()}`] = r.responseEnd;
      return out;
    });
    console.error(`cold ${i}: ${Object.entries(marks).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(' · ')}`);
    await writeFile(path.join(OUT, `cold-${i}.json`), JSON.stringify({ ms: marks['kiosk-ready'] ?? -1, marks, profile }));
    await cold.close();
  }
  if (ONLY !== 'cold') {

    const page = await browser.context.newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await page.goto(`${browser.origin}renderer/index.html#/kiosk`);
    await waitFor(page, '[data-testid="kiosk-home"]');
    const children = page.locator('[data-testid="child-grid"] .child');
    for (let i = 0; i < CHECKINS; i++) {
      await page.click('[data-testid="kiosk-checkin"]');
      await waitFor(page, '[data-testid="kiosk-initials"], [data-testid="child-grid"]');
      if (await page.locator('[data-testid="kiosk-initials"]').count()) await page.click('[data-testid="kiosk-all"]');
      await children.first().waitFor();
      const childId = (await children.evaluateAll((els) => els.map((e) => e.getAttribute('data-child-id')!)))[i]!;
      const button = page.locator(`[data-testid="child-grid"] [data-child-id="${childId}"]`);
      await button.scrollIntoViewIfNeeded();
      await button.click();
      const code = codes[childId] ?? [];
      for (const p of code.slice(0, -1)) await page.click(`[data-picture="${p}"]`);
      await page.evaluate(() => performance.clearMeasures('tongxin:checkin'));
      const { profile } = await profiled(cdp, async () => {
        await page.click(`[data-picture="${code.at(-1)}"]`);
        await waitFor(page, '[data-testid="mood-faces"], [data-testid="checkin-thanks"]');
        await page.waitForTimeout(50);
      });
      const ms = await page.evaluate(() => performance.getEntriesByName('tongxin:checkin')[0]?.duration ?? -1);
      await writeFile(path.join(OUT, `checkin-${String(i).padStart(3, '0')}.json`), JSON.stringify({ ms, profile }));
      await page.click('[data-testid="checkin-home"]');
      await waitFor(page, '[data-testid="kiosk-home"]');
    }
    console.error(`${CHECKINS} check-ins profiled`);

    await openStaffRoster(page);
    let n = 0;
    for (let round = 0; round < (ONLY === 'checkin' ? 0 : 3); round++)
      for (const word of WORDS)
        for (let k = 1; k <= word.length; k++) {
          const { result: ms, profile } = await profiled(cdp, () =>
            page.evaluate(async (text) => {
              const input = document.querySelector('[data-testid="child-search"]') as HTMLInputElement;
              const t0 = performance.now();
              input.value = text;
              input.dispatchEvent(new Event('input'));
              await new Promise<void>((resolve) => { const ch = new MessageChannel(); ch.port1.onmessage = () => resolve(); ch.port2.postMessage(null); });
              void document.body.offsetHeight;
              return performance.now() - t0;
            }, word.slice(0, k)),
          );
          await writeFile(path.join(OUT, `key-${String(n++).padStart(4, '0')}.json`), JSON.stringify({ ms, text: word.slice(0, k), profile }));
        }
    console.error(`${n} keystrokes profiled; profiles in ${OUT}`);
  }
} finally {
  await browser.close();
}
