/**
 * The app-wide check that no raw error or code text reaches the screen (issue 11): at the end of
 * every end-to-end test, each open kiosk's page is read once more, and whatever raw text was seen
 * during the test (after each navigation, at each screenshot, now) fails the test, naming where.
 * Loaded for every e2e file by vitest.e2e.config.ts (setupFiles).
 */
import { afterEach, expect } from 'vitest';
import { openKiosks } from './harness';

afterEach(async () => {
  const found: string[] = [];
  for (const k of openKiosks) {
    await k.scanRawText(`end of test at ${k.page.url().replace(/^https?:\/\/[^/]+/, '')}`);
    found.push(...k.takeRawText());
  }
  expect(found, 'raw error or code text on screen').toEqual([]);
});
