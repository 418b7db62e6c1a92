/**
 * `npm run county-status -- <county file> [--via <url>]`: for county IT, per
 * center, whether its county copy runs, the age of its last checkpoint, the
 * changes waiting and the documents the county database refused
 * (replicationStatus.ts). Exits 1 when a copy does not run.
 * The admin password comes from TONGXIN_ADMIN_PASSWORD or a prompt.
 */
import { isStandIn } from './localServer';
import { readCountyFileOrExit, signInAdminOrExit } from './cliAdmin';
import { countyReplicationFacts, formatAge, type ReplicationState } from './replicationStatus';

const args = process.argv.slice(2);
const viaAt = args.indexOf('--via');
const via = viaAt >= 0 ? args.splice(viaAt, 2)[1] : undefined;
const file = args[0];
if (!file) {
  console.error('usage: npm run county-status -- <county file.json> [--via <url>]   (admin password from TONGXIN_ADMIN_PASSWORD or a prompt)');
  process.exit(2);
}
const county = await readCountyFileOrExit(file);
const admin = await signInAdminOrExit(county, via);
const { base } = admin;
let standIn: boolean;
try {
  standIn = await isStandIn(base);
} catch (e) {
  console.error(`Cannot reach ${base}: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}

const facts = await countyReplicationFacts(admin, county, standIn);
const rows = [
  ['center', 'state', 'last checkpoint', 'waiting', 'refused'],
  ...facts.map((f) => [f.centerId, f.state, f.checkpointAgeMs === null ? '—' : `${formatAge(f.checkpointAgeMs)} ago`, f.docsWaiting === null ? '—' : String(f.docsWaiting), f.writeFailures === null ? '—' : String(f.writeFailures)]),
];
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
console.log(`County copy of ${county.county.name} (${county.county.id}) on ${base}, ${new Date().toISOString()}`);
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
console.log('');
for (const f of facts) console.log(`${f.centerId}: the copy ${f.words}.${f.writeFailures ? ` The county database refused ${f.writeFailures} document(s): see the replication's log on the server.` : ''}`);
if (standIn) console.log("(Trial server: it has no replication scheduler, so a copy shows as started; what waits comes from PouchDB's checkpoint, which records no time, so the checkpoint's age and refused documents show as —.)");
const broken: readonly ReplicationState[] = ['crashing', 'failed', 'error', 'completed', 'missing'];
process.exit(facts.some((f) => broken.includes(f.state)) ? 1 : 0);
