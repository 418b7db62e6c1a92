/**
 * `npm run bench [-- <suite>…] [-- --json]`: runs the benchmark suites and
 * prints their figures. Figures are measured, never asserted: these machines
 * are noisy, so a slow run reports a slow number instead of failing.
 * With --json, stdout is exactly one JSON array of {name, value, unit};
 * progress goes to stderr.
 */
import { kioskSealedSuite, kioskSuite } from './suites/kiosk';
import { syncSuite } from './suites/sync';
import { countySuite } from './suites/county';
import { staffPagesSuite } from './suites/staffPages';
import type { Figure, Suite } from './suites/types';
import { BrowserMissingError, ensureChromium } from '../electron/chromium.mjs';

const SUITES: Record<string, Suite> = { kiosk: kioskSuite, 'kiosk-sealed': kioskSealedSuite, sync: syncSuite, county: countySuite, 'staff-pages': staffPagesSuite };

const args = process.argv.slice(2);
const json = args.includes('--json');
const names = args.filter((a) => !a.startsWith('--'));
const unknown = names.filter((n) => !(n in SUITES));
if (unknown.length > 0) {
  console.error(`unknown suite(s): ${unknown.join(', ')}; available: ${Object.keys(SUITES).join(', ')}`);
  process.exit(2);
}

try {
  ensureChromium({ why: 'the benchmarks run in it' });
} catch (e) {
  if (!(e instanceof Error)) throw e;
  console.error(e instanceof BrowserMissingError ? e.message : `${e.message}`);
  process.exit(1);
}

const figures: Figure[] = [];
for (const name of names.length > 0 ? names : Object.keys(SUITES)) {
  console.error(`— ${name}: ${SUITES[name]!.description}`);
  const result = await SUITES[name]!.run((msg) => console.error(`  ${msg}`));
  figures.push(...result);
  if (!json) for (const f of result) console.log(`${f.name.padEnd(28)} ${String(f.value).padStart(10)} ${f.unit}${f.note ? `   (${f.note})` : ''}`);
}
if (json) console.log(JSON.stringify(figures.map(({ name, value, unit }) => ({ name, value, unit }))));
