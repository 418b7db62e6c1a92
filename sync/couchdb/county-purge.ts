/**
 * `npm run county-purge -- <county file> [--center <id>] [--erasures | --clear-revisions] [--via <url>]`:
 * for county IT, as a server administrator (purge.ts says why a center's account cannot):
 *
 *  1. erasures: carries out each center's pending erasure requests (a child erased at a kiosk
 *     from Settings or the child's file) — every revision purged from the center database,
 *     the child's coverage key from the county database, both compacted, the request marked
 *     done so the kiosk shows it;
 *  2. clear revisions: removes what the encryption migration (Settings → 加密) left in clear
 *     on the server.
 *
 * Both by default, for every center of the county file. Progress is printed as it goes.
 * Exits 1 when something failed or a clear revision of a migrated document remains.
 */
import { readCountyFileOrExit, signInAdminOrExit } from './cliAdmin';
import { carryOutErasures, purgeClearRevisions } from './purge';
import { isStandIn } from './localServer';

const args = process.argv.slice(2);
function option(name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : undefined;
}
function flag(name: string): boolean {
  const at = args.indexOf(name);
  if (at >= 0) args.splice(at, 1);
  return at >= 0;
}
const via = option('--via');
const only = option('--center');
const erasuresOnly = flag('--erasures');
const clearOnly = flag('--clear-revisions');
const file = args[0];
if (!file || args.length > 1) {
  console.error('usage: npm run county-purge -- <county file.json> [--center <id>] [--erasures | --clear-revisions] [--via <url>]   (admin password from TONGXIN_ADMIN_PASSWORD or a prompt)');
  process.exit(2);
}
const county = await readCountyFileOrExit(file);
const admin = await signInAdminOrExit(county, via);
const centers = county.centers.filter((c) => !only || c.id === only);
if (centers.length === 0) {
  console.error(`No center ${only} in ${file}.`);
  process.exit(2);
}
const say = (line: string) => console.log(line);
if (await isStandIn(admin.base))
  say('(Trial server: it has no _purge; each document is deleted instead — a tombstone with only its type and center — and compaction removes every earlier body.)');
let failed = false;
for (const c of centers) {
  try {
    if (!clearOnly) {
      const done = await carryOutErasures(admin, county.county.id, c.id, say);
      if (done.length === 0) say(`${c.id}: no erasure request waiting`);
    }
    if (!erasuresOnly) {
      const report = await purgeClearRevisions(admin, c.id, say);
      if (report.remaining > 0) failed = true;
    }
  } catch (e) {
    failed = true;
    console.error(`${c.id}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
process.exit(failed ? 1 : 0);
