/**
 * What bounds a first push on the trial server, measured without a browser:
 * `npx tsx bench/tools/profile-push.ts [outDir]`.
 *
 * A term (135 days) of a center's records, each with a revision as a kiosk
 * holds it, is pushed by this process as the kiosk's first push does
 * (initialPush.ts: `_revs_diff` for the first page, then one `_bulk_docs` with
 * `new_edits: false` per page of 2,000, as the center's sync account) into
 * four center databases of one trial server, one after the other:
 *
 *   full         provisioned as in the field: validate_doc_update and the county copy replicating
 *   no-copy      the same, with its `_replicator` document deleted (no county copy while pushing)
 *   no-validate  the same as no-copy, with validate_doc_update removed from its design document
 *   full-again   as `full`, last (the server then holds the most data: storage growth shows here)
 *
 * The last two configurations are measurements only, never a way to write. For each it prints
 * the time of every request, docs/s, and the server's CPU profile summary (self time by
 * function; the server is started with bench/tools/server-profiler.cjs preloaded).
 * Sizes: PROFILE_PUSH_CHILDREN (default 100), PROFILE_PUSH_DAYS (135), PROFILE_PUSH_PAGE (2,000).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { couch, type Admin } from '../../sync/couchdb/admin';
import { createFirstAdmin, freePort, localServer } from '../../sync/couchdb/localServer';
import { parseCountyFile, provision } from '../../sync/couchdb/provision';
import { replicationDocId } from '../../sync/couchdb/replicationStatus';
import { basicAuth } from '../../sync/client/replication';
import { demoDocuments, generateDemoCenter } from '../../renderer/src/domain/demo';
import { addDays } from '../../renderer/src/domain/dates';
import { hashPin } from '../../renderer/src/domain/pin';

const CHILDREN = Number(process.env.PROFILE_PUSH_CHILDREN ?? 100);
const DAYS = Number(process.env.PROFILE_PUSH_DAYS ?? 135);
const PAGE = Number(process.env.PROFILE_PUSH_PAGE ?? 2_000);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const outDir = process.argv[2] ?? (await mkdtemp(path.join(tmpdir(), 'push-profile-')));

/** A revision as PouchDB gives a document written on the kiosk: `1-<md5>`. */
function withRevision<T extends object>(doc: T): T & { _rev: string; _revisions: { start: number; ids: string[] } } {
  const id = createHash('md5').update(JSON.stringify(doc)).digest('hex');
  return { ...doc, _rev: `1-${id}`, _revisions: { start: 1, ids: [id] } };
}

async function post(base: string, user: { username: string; password: string }, p: string, body: unknown): Promise<{ ms: number; bytes: number; json: unknown }> {
  const text = JSON.stringify(body);
  const t0 = performance.now();
  const res = await fetch(`${base}/${p}`, { method: 'POST', headers: { Authorization: basicAuth(user.username, user.password), 'Content-Type': 'application/json' }, body: text });
  const json = (await res.json()) as unknown;
  if (!res.ok) throw new Error(`${p}: HTTP ${res.status} ${JSON.stringify(json).slice(0, 200)}`);
  return { ms: performance.now() - t0, bytes: text.length, json };
}

/** Self time by function (ms) of a V8 CPU profile, idle left out. */
function selfTimes(profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[]; timeDeltas: number[] }): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((s, i) => {
    const cf = byId.get(s)!.callFrame;
    const key = `${cf.functionName || '(anonymous)'} ${cf.url.split('node_modules/').slice(-1)[0]}:${cf.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return self;
}

/** Self time summed by package (the folder under node_modules), plus GC, idle and program. */
function byPackage(self: Map<string, number>): [string, number][] {
  const out = new Map<string, number>();
  for (const [k, ms] of self) {
    const m = /^\((garbage collector|idle|program)\)/.exec(k);
    const file = k.slice(k.lastIndexOf(' ') + 1);
    const pkg = m ? `(${m[1]})` : file.startsWith('node:') || !file.includes('/') ? '(node core / native)' : file.split('/')[0]!.startsWith('@') ? file.split('/').slice(0, 2).join('/') : file.split('/')[0]!;
    out.set(pkg, (out.get(pkg) ?? 0) + ms);
  }
  return [...out].sort((a, b) => b[1] - a[1]);
}

const dataDir = await mkdtemp(path.join(tmpdir(), 'push-server-'));
const port = await freePort();
const server = localServer(dataDir, port, undefined, ['--require', path.join(HERE, 'server-profiler.cjs')]);
const admin: Admin = { base: server.base, username: 'admin', password: 'profile-admin-password' };
await server.start();
await createFirstAdmin(admin);
const pid = Number(await readFile(path.join(dataDir, 'server.pid'), 'utf8'));
const configs = ['full', 'no-copy', 'no-validate', 'full-again'] as const;
const centers = configs.map((c) => `push-${c}`);
const report = await provision(admin, parseCountyFile(JSON.stringify({ county: { id: 'prof', name: 'prof' }, server: server.base, centers: centers.map((id) => ({ id, name: id })), kioskOrigins: ['http://127.0.0.1:1'] })));
if (report.errors.length) throw new Error(report.errors.join('; '));
const today = new Date().toISOString().slice(0, 10);
const pinHash = await hashPin('2580', 10_000);
console.log(`out: ${outDir}; children ${CHILDREN}, ${DAYS} days, pages of ${PAGE}`);

try {
  for (const [i, config] of configs.entries()) {
    const centerId = centers[i]!;
    const db = `center_${centerId}`;
    if (config !== 'full' && config !== 'full-again') {
      const id = replicationDocId('prof', centerId);
      const cur = await couch(admin, 'GET', `_replicator/${encodeURIComponent(id)}`);
      await couch(admin, 'DELETE', `_replicator/${encodeURIComponent(id)}?rev=${String(cur.json._rev)}`);
    }
    if (config === 'no-validate') {
      const ddoc = (await couch(admin, 'GET', `${db}/_design/tongxin`)).json;
      delete ddoc.validate_doc_update;
      await couch(admin, 'PUT', `${db}/_design/tongxin`, ddoc);
    }
    const docs = demoDocuments(generateDemoCenter({ centerId, seed: 7, children: CHILDREN, from: addDays(today, -DAYS), to: addDays(today, -1), deviceId: 'bench', pinHash, skipHolidays: true })).map(withRevision);
    const user = { username: `sync-${centerId}`, password: report.credentials.find((c) => c.user === `sync-${centerId}`)!.password };
    await new Promise((r) => setTimeout(r, 2_000)); // let the server settle after set-up
    process.kill(pid, 'SIGUSR2'); // profile on
    const lines: string[] = [];
    const t0 = performance.now();
    let serverMs = 0;
    for (let p = 0; p < docs.length; p += PAGE) {
      const page = docs.slice(p, p + PAGE);
      if (p === 0) {
        const leaves = Object.fromEntries(page.map((d) => [d._id, [d._rev]]));
        const r = await post(server.base, user, `${db}/_revs_diff`, leaves);
        serverMs += r.ms;
        lines.push(`_revs_diff ${page.length} ids, ${(r.bytes / 1024).toFixed(0)} KB: ${r.ms.toFixed(0)} ms`);
      }
      const r = await post(server.base, user, `${db}/_bulk_docs`, { docs: page, new_edits: false });
      serverMs += r.ms;
      const refused = (r.json as { error?: string }[]).filter((x) => x.error).length;
      if (refused) throw new Error(`${config}: ${refused} refused`);
      lines.push(`_bulk_docs ${page.length} docs, ${(r.bytes / 1024).toFixed(0)} KB: ${r.ms.toFixed(0)} ms (${(page.length / (r.ms / 1000)).toFixed(0)} docs/s)`);
    }
    const ms = performance.now() - t0;
    process.kill(pid, 'SIGUSR2'); // profile off, written
    const held = Number((await couch(admin, 'GET', db)).json.doc_count) - 1;
    console.log(`\n== ${config}: ${docs.length} docs in ${(ms / 1000).toFixed(1)} s = ${(docs.length / (ms / 1000)).toFixed(0)} docs/s (server held ${held}; requests ${(serverMs / 1000).toFixed(1)} s)`);
    for (const l of lines) console.log(`   ${l}`);
    let file: string | undefined;
    for (let tries = 0; !file && tries < 100; tries++) {
      await new Promise((r) => setTimeout(r, 200));
      file = (await readdir(dataDir)).find((f) => f === `${i + 1}.cpuprofile`);
    }
    const profile = JSON.parse(await readFile(path.join(dataDir, file!), 'utf8'));
    const self = selfTimes(profile);
    const total = [...self.values()].reduce((a, b) => a + b, 0);
    console.log(`   server CPU profile (${(total / 1000).toFixed(1)} s sampled), self time by package:`);
    for (const [pkg, t] of byPackage(self).slice(0, 12)) console.log(`     ${((100 * t) / total).toFixed(1).padStart(5)}%  ${pkg}`);
    console.log('   top functions:');
    for (const [k, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`     ${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`);
    await (await import('node:fs/promises')).copyFile(path.join(dataDir, file!), path.join(outDir, `${config}.cpuprofile`));
    // Wait for the county copy to finish (it runs after the push returns) before the next configuration.
    await new Promise((r) => setTimeout(r, 3_000));
  }
} finally {
  await server.kill();
  await rm(dataDir, { recursive: true, force: true });
}
