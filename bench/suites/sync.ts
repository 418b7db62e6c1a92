/**
 * Sync on a big center: 300 children and three school years (≈272,000
 * documents) on the county's trial server (pouchdb-server, started here on
 * loopback), pulled by a fresh kiosk in Chromium through PouchDB's indexeddb
 * adapter with the app's batch size; beside it, the same documents written
 * straight into IndexedDB in the same run. The kiosk syncs through the app's
 * ReplicationController (first pull, then live two-way sync) and counts as
 * done when it is idle with nothing waiting to go up. Figures:
 *   first_sync_docs_per_s   documents per second of the first sync
 *   idb_raw_docs_per_s      the raw IndexedDB bulk-write rate of the same documents
 *   first_sync_vs_raw       their ratio (target ≥ 0.5)
 *   pouch_local_docs_per_s  the same documents written by PouchDB itself into the app's
 *                           adapter, no network: the ceiling of any replication into it
 *   first_sync_vs_pouch_local  how close the sync comes to that ceiling
 *   incremental_sync_ms     a day of kiosk activity recorded offline (≈ 600 documents), then online until caught up
 *   first_push_docs_per_s   a kiosk holding a term (135 days) of the same center's records pushes them
 *                           to an empty center database until the server holds everything
 *   first_push_vs_first_pull  its ratio to first_sync_docs_per_s (target ≥ 0.5)
 *   first_push_plain_docs_per_s  (BENCH_PUSH_PLAIN=1) the same push left to PouchDB's live replication
 *   BENCH_SYNC_ONLY=push runs only the first pull and the first push (the ratio), and prints the push's
 *   requests (count, MB sent, time awaited) and how long the kiosk worked with none open.
 *   What bounds the push on the trial server (bench/tools/profile-push.ts, README "A fast first push"):
 *   before stand-in fix 4 its validation plugin read the design documents and compiled the ~110 KB
 *   validate_doc_update for every document (142 docs/s; 1,414 without the function). Since then
 *   (session field4, loads 13–20): our function builds its schema table once per compile, not per
 *   call; fix 4 lists the design documents once per _bulk_docs, not per document; and the kiosk
 *   sends records with one revision as the changes page gave them (re-reading 2,000 bodies with
 *   bulkGet had become longer than the server's store). first_push_vs_first_pull 0.41–0.56 after
 *   the first change, 0.751 after all three (load 15–20). The records pushed here are all first
 *   revisions; edited ones still take bulkGet. Now the bound is the trial server's own work per
 *   document: pouchdb-validation's look-up of the stored version ("not found" for a new one, behind
 *   a read of _local/_security each), garbage collection, and the county copy replicating in the
 *   same process; on the kiosk, the first page (its _revs_diff and read) before the server has work.
 *   Not round trips: 6 _bulk_docs, 1 _revs_diff and 7 checkpoint requests for 10,121 documents.
 *   Real CouchDB 3 validates in couchjs (no JIT), one document at a time (~250 docs/s seen on 3.4.3
 *   before the table change); not measured here.
 *   first_sync_docs_per_s_sealed  issue 14: the same first sync from a center database whose private
 *                           records are sealed under a center key (encryption on), in a fresh profile
 *   first_sync_sealed_vs_plain    its ratio to first_sync_docs_per_s (BENCH_SYNC_SEALED=0 leaves both out)
 *   time_to_usable_ms       a replacement kiosk joins the center through the real setup screen (a fresh
 *                           profile): from the join button to the check-in grid showing every child and a
 *                           staff member unlocked with their PIN (the staged first pull's usable stage)
 *   history_after_join_ms   from the same tap until the history is all on the kiosk and sync is caught up
 *   docs_before_usable      the documents the usable stage fetched (of all the server's, in the note)
 *
 * Each write is measured in a fresh Chromium profile, as on a fresh kiosk:
 * Chromium keeps all of an origin's IndexedDB databases in one LevelDB, so a
 * measurement run after another would pay for the earlier one's data.
 *
 * Before measuring, the server's changes feed is read once, unmeasured: right
 * after a bulk load pouchdb-server's first read of it is several times slower
 * than any later one (a stand-in effect, not the kiosk's work).
 *
 * Sizes and switches (environment):
 *   BENCH_SYNC_CHILDREN, BENCH_SYNC_YEARS   the center (default 300 × 3, the size)
 *   BENCH_SYNC_ONLY=usable   only the staged join (time_to_usable_ms, history_after_join_ms,
 *                            docs_before_usable): the server is seeded with large `_bulk_docs`
 *                            batches (BENCH_SYNC_SEED_BATCH documents, default 10,000) and
 *                            nothing else is measured — the full size in a few minutes:
 *                              BENCH_SYNC_ONLY=usable npm run bench -- sync --json
 *   BENCH_SYNC_HISTORY=0     with it, stop once the kiosk is usable (history_after_join_ms left out)
 *   BENCH_SYNC_SERVER_DIR=<folder>  keep the trial server's data there between runs (and its port, in
 *                            `bench-port`): a center seeded for the same size on the same day is used
 *                            again without seeding (the server's `_local/tongxin-bench-seed` says
 *                            what it holds); any other is refused with what to do. Delete the folder
 *                            to start over. Seeding 300 × 3 takes minutes; a re-run then starts at once.
 *   BENCH_SYNC_SERVER_PROFILE=1  CPU-profile the trial server (bench/tools/server-profiler.cjs) from the
 *                            join button to usable; the staged join also profiles the page. Both are
 *                            summarised in the log and kept in test-results/bench-sync/.
 *
 * Before the staged join the bench waits until the county copy (the server's own `_replicator`
 * job, which on the trial server runs in the same Node process) has caught up with the center:
 * a replacement kiosk joins a center whose county copy has long caught up, and on a seeded
 * 273,000-document center the stand-in's copy runs for many minutes after the seeding
 * (BENCH_SYNC_COPY_WAIT=0 joins without waiting; the log says how much the copy had left).
 *
 * What bounds time_to_usable_ms (README, "Where the usable stage's time went"): the kiosk storing the
 * usable stage's ~4,000 documents in IndexedDB; the trial server answers all of the stage's requests
 * in a few seconds and is idle most of the join.
 */
import { openBenchBrowser, ROOT, type BenchBrowser } from '../browser';
import type { Figure, Suite } from './types';
import { couch, resetPassword } from '../../sync/couchdb/admin';
import { isStandIn } from '../../sync/couchdb/localServer';
import { replicationFacts } from '../../sync/couchdb/replicationStatus';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { parseCountyFile, provision } from '../../sync/couchdb/provision';
import { DEFAULT_BATCH_SIZE } from '../../sync/client/replication';
import { startCountyServer, type CountyServer } from '../../tests/integration/countyServer';
import { freePort } from '../../sync/couchdb/localServer';
import { demoDocuments, generateDemoCenter } from '../../renderer/src/domain/demo';
import { addDays } from '../../renderer/src/domain/dates';
import { generateCenterKey } from '../../sync/crypto/centerKey';
import { sealDoc } from '../../sync/crypto/sealDoc';
import { hashPin } from '../../renderer/src/domain/pin';
import { joinRanges } from '../../renderer/src/features/setup/joinCenter';
import { inRanges } from '../../sync/client/initialPull';
import { typePin } from '../../tests/e2e/harness';

// The center; smaller for a quick look: BENCH_SYNC_CHILDREN=50 BENCH_SYNC_YEARS=1 npm run bench -- sync
const CHILDREN = Number(process.env.BENCH_SYNC_CHILDREN ?? 300);
const YEARS = Number(process.env.BENCH_SYNC_YEARS ?? 3);
/** A term of records recorded offline, for the first push. */
const TERM_DAYS = 135;
/** Only the staged join's figures (see the header comment). */
const ONLY_USABLE = process.env.BENCH_SYNC_ONLY === 'usable';
/** Documents per `_bulk_docs` request while seeding the server (not measured). */
const SEED_BATCH = Number(process.env.BENCH_SYNC_SEED_BATCH ?? 10_000);
/** BENCH_SYNC_ONLY=push: the first pull and the first push only (a quick look at the push). */
const PUSH_ONLY = process.env.BENCH_SYNC_ONLY === 'push';
/** A folder the trial server keeps its data in between runs (see the header comment). */
const SERVER_DIR = process.env.BENCH_SYNC_SERVER_DIR ? path.resolve(process.env.BENCH_SYNC_SERVER_DIR) : null;
/** Profile the trial server and the page during the staged join. */
const PROFILE = process.env.BENCH_SYNC_SERVER_PROFILE === '1';
/** Where the profiles go. */
const OUT_DIR = path.join(ROOT, 'test-results', 'bench-sync');
/** Marks what a kept server folder holds. */
const SEED_MARK = '_local/tongxin-bench-seed';

type BenchServer = CountyServer & { readonly dir: string };

/** The trial server, in BENCH_SYNC_SERVER_DIR (on the port it had there before) or a temporary folder. */
async function startBenchServer(): Promise<BenchServer> {
  // The push and sealed measurements write into databases of their own each run: only the staged join can start from a kept server.
  if (SERVER_DIR && !ONLY_USABLE) throw new Error('BENCH_SYNC_SERVER_DIR works with BENCH_SYNC_ONLY=usable only');
  const nodeArgs = PROFILE ? ['--require', path.join(ROOT, 'bench', 'tools', 'server-profiler.cjs')] : [];
  if (!SERVER_DIR) {
    const dir = await mkdtemp(path.join(tmpdir(), 'tongxin-bench-server-'));
    const server = await startCountyServer({ dir, nodeArgs });
    return { ...server, dir, stop: () => server.stop().then(() => rm(dir, { recursive: true, force: true })) };
  }
  await mkdir(SERVER_DIR, { recursive: true });
  // The same port each run: the county copy's replication document names the server's address,
  // and a new address would start that replication again from the beginning.
  const portFile = path.join(SERVER_DIR, 'bench-port');
  const port = existsSync(portFile) ? Number(await readFile(portFile, 'utf8')) : await freePort();
  await writeFile(portFile, String(port));
  return { ...(await startCountyServer({ dir: SERVER_DIR, port, nodeArgs })), dir: SERVER_DIR };
}

/**
 * Tries a request to the trial server up to four times: it now and then drops a connection after a
 * quiet spell (a kept-alive socket it closed meanwhile) or a large request under load. Seeding only.
 */
async function withRetries<T>(f: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await f();
    } catch (e) {
      if (attempt >= 4) throw e;
      await new Promise((r) => setTimeout(r, 2_000));
    }
  }
}

/**
 * Seeds bench-center with `docs` unless a kept server already holds exactly this seed.
 * @returns true when it seeded. @throws Error in words when a kept folder holds another center.
 */
async function seedCenter(server: CountyServer, docs: readonly object[], mark: Record<string, unknown>, log: (msg: string) => void): Promise<boolean> {
  const had = await withRetries(() => couch(server.admin, 'GET', `center_bench-center/${SEED_MARK}`));
  if (had.status === 200 && Object.entries(mark).every(([k, v]) => had.json[k] === v)) {
    log(`the server in ${SERVER_DIR} holds this center already (${JSON.stringify(mark)}): not seeded again`);
    return false;
  }
  const held = Number((await couch(server.admin, 'GET', 'center_bench-center')).json.doc_count ?? 0);
  if (held > 1)
    throw new Error(`BENCH_SYNC_SERVER_DIR ${SERVER_DIR} holds a center seeded for ${had.status === 200 ? JSON.stringify({ ...had.json, _id: undefined, _rev: undefined }) : 'another run'}, not ${JSON.stringify(mark)} (sizes and day must match): delete the folder, or give another one`);
  log(`loading ${docs.length} documents into the server (not measured)…`);
  const loading = Date.now();
  for (let i = 0; i < docs.length; i += SEED_BATCH) {
    const chunk = { docs: docs.slice(i, i + SEED_BATCH) };
    // A document written by a dropped try answers a conflict the next time: it is there. The count below checks that nothing is missing.
    await withRetries(() => couch(server.admin, 'POST', 'center_bench-center/_bulk_docs', chunk));
  }
  const count = Number((await couch(server.admin, 'GET', 'center_bench-center')).json.doc_count) - 1; // less the design document
  if (count !== docs.length) throw new Error(`seeding: the server holds ${count} of ${docs.length} documents`);
  if (SERVER_DIR) {
    const cur = await withRetries(() => couch(server.admin, 'GET', `center_bench-center/${SEED_MARK}`));
    await withRetries(() => couch(server.admin, 'PUT', `center_bench-center/${SEED_MARK}`, { ...mark, ...(cur.status === 200 ? { _rev: cur.json._rev } : {}) }));
  }
  const warm = Date.now();
  for (let since: unknown = 0; ; ) {
    const s = since;
    const res = (await withRetries(() => couch(server.admin, 'GET', `center_bench-center/_changes?include_docs=true&limit=20000&since=${encodeURIComponent(String(s))}`))).json as { results: unknown[]; last_seq: unknown };
    if (res.results.length === 0) break;
    since = res.last_seq;
  }
  log(`loaded in ${((warm - loading) / 1000).toFixed(1)} s; server warm-up read: ${((Date.now() - warm) / 1000).toFixed(1)} s (not measured)`);
  return true;
}

/** Waits (unmeasured) until the county copy of bench-center has caught up; says how long it took. */
async function countyCopyCaughtUp(server: CountyServer, log: (msg: string) => void): Promise<void> {
  const standIn = await isStandIn(server.base);
  const t0 = Date.now();
  let said = 0;
  for (;;) {
    const f = await replicationFacts(server.admin, 'bench', 'bench-center', standIn);
    if (f.docsWaiting === 0 || f.state === 'missing' || f.state === 'error') {
      log(`county copy: ${f.state}, caught up after ${((Date.now() - t0) / 1000).toFixed(1)} s of waiting (not measured)`);
      return;
    }
    if (Date.now() - said > 30_000) {
      said = Date.now();
      log(`county copy: ${f.docsWaiting ?? '?'} changes still to copy, waiting (not measured)…`);
    }
    if (Date.now() - t0 > 3_600_000) throw new Error(`the county copy of bench-center did not catch up in an hour (${f.words})`);
    await new Promise((r) => setTimeout(r, 2_000));
  }
}

type Call = (fn: string, arg: unknown) => Promise<{ docs: number; ms: number }>;

/** The bench fixture page in that browser, and a way to call its functions. */
async function fixturePage(browser: BenchBrowser, log?: (msg: string) => void): Promise<Call> {
  const page = await browser.context.newPage();
  if (log && process.env.BENCH_DEBUG) page.on('console', (m) => log(m.text()));
  await page.goto(`${browser.origin}bench/index.html`);
  await page.waitForFunction(() => document.title === 'ready');
  type Api = Record<string, (o: unknown) => Promise<{ docs: number; ms: number }>>;
  return (fn, arg) => page.evaluate(([f, a]) => (window as unknown as { tongxinBench: Api }).tongxinBench[f as string]!(a), [fn, arg] as const);
}

/** One measurement in a browser of its own (a fresh profile, closed afterwards). */
async function inFreshProfile<T>(measure: (call: Call) => Promise<T>): Promise<T> {
  const browser = await openBenchBrowser();
  try {
    return await measure(await fixturePage(browser));
  } finally {
    await browser.close();
  }
}

export const syncSuite: Suite = {
  description: `first sync of ${CHILDREN} children × ${YEARS} school years from the county server, vs raw IndexedDB`,
  async run(log) {
    const browser = await openBenchBrowser();
    const server = await startBenchServer();
    try {
      const origin = new URL(browser.origin).origin;
      const report = await provision(server.admin, parseCountyFile(JSON.stringify({ county: { id: 'bench', name: 'bench' }, server: server.base, centers: [{ id: 'bench-center', name: 'bench' }, { id: 'bench-push', name: 'push' }, { id: 'bench-push-plain', name: 'push, plain' }], kioskOrigins: [origin] })));
      if (report.errors.length) throw new Error(report.errors.join('; '));
      // A kept server has its accounts already (their passwords were printed once): give them new ones.
      const passwordOf = async (user: string) => report.credentials.find((c) => c.user === user)?.password ?? (await resetPassword(server.admin, user));
      const password = await passwordOf('sync-bench-center');
      const today = new Date().toISOString().slice(0, 10);
      const options = { centerId: 'bench-center', children: CHILDREN, years: YEARS, today };
      // A real PIN (2580, the app's iteration count): the replacement kiosk's staff unlock with it.
      const pinHash = await hashPin(BENCH_PIN);
      const gen = (from: string, to: string, seed: number) => demoDocuments(generateDemoCenter({ centerId: 'bench-center', seed, children: CHILDREN, from, to, deviceId: 'bench', pinHash, skipHolidays: true }));
      const docs = gen(addDays(today, -Math.round(365.25 * YEARS)), addDays(today, -1), 7);
      await seedCenter(server, docs, { children: CHILDREN, years: YEARS, today, docs: docs.length }, log);
      if (ONLY_USABLE) {
        if (process.env.BENCH_SYNC_COPY_WAIT !== '0') await countyCopyCaughtUp(server, log);
        const join = await stagedJoin(server, origin, { password, today, docs, history: process.env.BENCH_SYNC_HISTORY !== '0', log });
        log(`staged join: usable after ${join.usableMs} ms (${join.usableDocs} of ${docs.length} docs), history in after ${join.historyMs ?? '—'} ms`);
        return joinFigures(join, docs.length);
      }

      // BENCH_SYNC_ONLY=push: only the first pull and the first push (their ratio); the raw and PouchDB writes are skipped.
      const notMeasured = { docs: 0, ms: 0 };
      const raw = PUSH_ONLY ? notMeasured : await inFreshProfile((call) => call('rawIdbWrite', options));
      log(`raw IndexedDB: ${raw.docs} docs in ${(raw.ms / 1000).toFixed(1)} s`);
      const pouch = PUSH_ONLY ? notMeasured : await inFreshProfile((call) => call('pouchLocalWrite', options));
      log(`PouchDB, no network: ${pouch.docs} docs in ${(pouch.ms / 1000).toFixed(1)} s`);
      const call = await fixturePage(browser, log);
      const url = `${server.base}/center_bench-center`;
      const first = await call('firstSync', { url, username: 'sync-bench-center', password, batchSize: DEFAULT_BATCH_SIZE, pageSize: process.env.BENCH_PAGE ? Number(process.env.BENCH_PAGE) : undefined });
      log(`first sync: ${first.docs} docs in ${(first.ms / 1000).toFixed(1)} s (batch ${DEFAULT_BATCH_SIZE})`);
      // One more open day for every child (the next weekday after the history, so the ids are
      // new), as the kiosk records it, then one two-way sync.
      let next = today;
      while ([0, 6].includes(new Date(`${next}T12:00:00`).getDay())) next = addDays(next, 1);
      const day = gen(next, next, 8).filter((d) => d.type === 'attendance' || d.type === 'mood' || d.type === 'activity');
      if (day.length === 0) throw new Error(`no documents generated for ${next}`);
      const inc = await call('incrementalSync', { day });
      log(`incremental: ${inc.docs} docs up in ${inc.ms.toFixed(0)} ms`);
      const pushOne = async (centerId: string, fast: boolean) => {
        // A fresh profile (as on a kiosk), served from an origin of its own: the county allows it too (provisioning again changes only that).
        const fresh = await openBenchBrowser();
        let pushed: { docs: number; ms: number; requests: string[] };
        try {
          const again = await provision(server.admin, parseCountyFile(JSON.stringify({ county: { id: 'bench', name: 'bench' }, server: server.base, centers: [{ id: centerId, name: centerId }], kioskOrigins: [origin, new URL(fresh.origin).origin] })));
          if (again.errors.length) throw new Error(again.errors.join('; '));
          const c = await fixturePage(fresh, log);
          pushed = (await c('firstPush', { url: `${server.base}/center_${centerId}`, username: `sync-${centerId}`, password: await passwordOf(`sync-${centerId}`), batchSize: DEFAULT_BATCH_SIZE, centerId, children: CHILDREN, days: TERM_DAYS, today, fast })) as typeof pushed;
        } finally {
          await fresh.close();
        }
        const held = Number((await couch(server.admin, 'GET', `center_${centerId}`)).json.doc_count) - 1; // less the design document
        if (held !== pushed.docs) throw new Error(`the server holds ${held} of ${pushed.docs} pushed documents`);
        log(`first push${fast ? '' : ' (plain live replication)'}: ${pushed.docs} docs in ${(pushed.ms / 1000).toFixed(1)} s`);
        for (const line of pushed.requests) log(`  ${line}`);
        return pushed;
      };
      if (PUSH_ONLY) {
        const push = await pushOne('bench-push', true);
        const plain = process.env.BENCH_PUSH_PLAIN ? await pushOne('bench-push-plain', false) : null;
        const rate = (r: { docs: number; ms: number }) => r.docs / (r.ms / 1000);
        return [
          { name: 'first_sync_docs_per_s', value: Math.round(rate(first)), unit: 'docs/s', note: `${first.docs} docs, batch ${DEFAULT_BATCH_SIZE}` },
          { name: 'first_push_docs_per_s', value: Math.round(rate(push)), unit: 'docs/s', note: `${push.docs} docs, a term recorded offline, to an empty center database` },
          { name: 'first_push_vs_first_pull', value: Number((rate(push) / rate(first)).toFixed(3)), unit: 'ratio' },
          ...(plain ? [{ name: 'first_push_plain_docs_per_s', value: Math.round(rate(plain)), unit: 'docs/s', note: 'the same push by PouchDB live replication alone' }] : []),
        ] satisfies Figure[];
      }
      if (process.env.BENCH_SYNC_COPY_WAIT !== '0') await countyCopyCaughtUp(server, log);
      const join = await stagedJoin(server, origin, { password, today, docs, log });
      log(`staged join: usable after ${join.usableMs} ms (${join.usableDocs} of ${docs.length} docs), history in after ${join.historyMs} ms`);
      const push = await pushOne('bench-push', true);
      const plain = process.env.BENCH_PUSH_PLAIN ? await pushOne('bench-push-plain', false) : null;
      // Issue 14: the same history with every private record sealed, as the server holds a center with encryption on.
      const sealedSync = async () => {
        const key = await generateCenterKey();
        const history = demoDocuments(generateDemoCenter({ centerId: 'bench-sealed', seed: 7, children: CHILDREN, from: addDays(today, -Math.round(365.25 * YEARS)), to: addDays(today, -1), deviceId: 'bench', pinHash, skipHolidays: true }));
        const sealedDocs = await Promise.all(history.map((d) => sealDoc(d, key)));
        const fresh = await openBenchBrowser();
        try {
          const again = await provision(server.admin, parseCountyFile(JSON.stringify({ county: { id: 'bench', name: 'bench' }, server: server.base, centers: [{ id: 'bench-sealed', name: 'sealed' }], kioskOrigins: [origin, new URL(fresh.origin).origin] })));
          if (again.errors.length) throw new Error(again.errors.join('; '));
          for (let i = 0; i < sealedDocs.length; i += 5_000) {
            const chunk = { docs: sealedDocs.slice(i, i + 5_000) };
            await couch(server.admin, 'POST', 'center_bench-sealed/_bulk_docs', chunk).catch(() => couch(server.admin, 'POST', 'center_bench-sealed/_bulk_docs', chunk));
          }
          for (let since: unknown = 0; ; ) {
            const res = (await couch(server.admin, 'GET', `center_bench-sealed/_changes?include_docs=true&limit=20000&since=${encodeURIComponent(String(since))}`)).json as { results: unknown[]; last_seq: unknown };
            if (res.results.length === 0) break;
            since = res.last_seq;
          }
          const c = await fixturePage(fresh, log);
          const r = await c('firstSync', { url: `${server.base}/center_bench-sealed`, username: 'sync-bench-sealed', password: again.credentials.find((x) => x.user === 'sync-bench-sealed')!.password, batchSize: DEFAULT_BATCH_SIZE });
          log(`first sync, sealed: ${r.docs} docs in ${(r.ms / 1000).toFixed(1)} s`);
          return r;
        } finally {
          await fresh.close();
        }
      };
      const sealed = process.env.BENCH_SYNC_SEALED === '0' ? null : await sealedSync();
      const pushRate = push.docs / (push.ms / 1000);
      const firstRate = first.docs / (first.ms / 1000);
      const rawRate = raw.docs / (raw.ms / 1000);
      const pouchRate = pouch.docs / (pouch.ms / 1000);
      return [
        { name: 'first_sync_docs_per_s', value: Math.round(firstRate), unit: 'docs/s', note: `${first.docs} docs, batch ${DEFAULT_BATCH_SIZE}` },
        { name: 'idb_raw_docs_per_s', value: Math.round(rawRate), unit: 'docs/s', note: 'same documents, same run' },
        { name: 'first_sync_vs_raw', value: Number((firstRate / rawRate).toFixed(3)), unit: 'ratio' },
        { name: 'pouch_local_docs_per_s', value: Math.round(pouchRate), unit: 'docs/s', note: 'same documents, PouchDB bulkDocs, no network' },
        { name: 'first_sync_vs_pouch_local', value: Number((firstRate / pouchRate).toFixed(3)), unit: 'ratio' },
        { name: 'incremental_sync_ms', value: Math.round(inc.ms), unit: 'ms', note: `${inc.docs} documents` },
        { name: 'first_push_docs_per_s', value: Math.round(pushRate), unit: 'docs/s', note: `${push.docs} docs, a term recorded offline, to an empty center database` },
        { name: 'first_push_vs_first_pull', value: Number((pushRate / firstRate).toFixed(3)), unit: 'ratio' },
        ...(sealed
          ? [
              { name: 'first_sync_docs_per_s_sealed', value: Math.round(sealed.docs / (sealed.ms / 1000)), unit: 'docs/s', note: `${sealed.docs} docs, private records sealed (encryption on)` },
              { name: 'first_sync_sealed_vs_plain', value: Number((sealed.docs / (sealed.ms / 1000) / firstRate).toFixed(3)), unit: 'ratio' },
            ]
          : []),
        ...joinFigures(join, docs.length),
        ...(plain ? [{ name: 'first_push_plain_docs_per_s', value: Math.round(plain.docs / (plain.ms / 1000)), unit: 'docs/s', note: 'the same push by PouchDB live replication alone' }] : []),
      ] satisfies Figure[];
    } finally {
      await browser.close();
      await server.stop();
    }
  },
};

const BENCH_PIN = '2580';

type JoinResult = { usableMs: number; historyMs: number | null; usableDocs: number };

function joinFigures(join: JoinResult, serverDocs: number): Figure[] {
  return [
    { name: 'time_to_usable_ms', value: join.usableMs, unit: 'ms', note: `join tapped → every child on the check-in grid and staff unlocked with a PIN, real UI in Chromium (${CHILDREN} children × ${YEARS} years)` },
    ...(join.historyMs === null ? [] : [{ name: 'history_after_join_ms', value: join.historyMs, unit: 'ms', note: 'join tapped → every document on the kiosk, sync caught up' }]),
    { name: 'docs_before_usable', value: join.usableDocs, unit: 'docs', note: `of ${serverDocs} on the server` },
  ];
}

/**
 * A replacement kiosk joins bench-center through the real setup screen in a
 * fresh profile (an origin the county is told to allow), as staff would:
 * join, open the check-in grid until every child is on it, unlock staff
 * mode with a teacher's PIN — that is usable; then wait until the
 * history line is gone and the sync says 已同步.
 */
async function stagedJoin(server: BenchServer, origin: string, o: { password: string; today: string; history?: boolean; log?: (msg: string) => void; docs: readonly { _id: string; type: string; role?: string; displayName?: string; active?: boolean }[] }): Promise<JoinResult> {
  const { log } = o;
  const fresh = await openBenchBrowser();
  try {
    const again = await provision(server.admin, parseCountyFile(JSON.stringify({ county: { id: 'bench', name: 'bench' }, server: server.base, centers: [{ id: 'bench-center', name: 'bench' }], kioskOrigins: [origin, new URL(fresh.origin).origin] })));
    if (again.errors.length) throw new Error(again.errors.join('; '));
    // A teacher: the bench center is from before encryption, and an administrator would be sent to
    // its upgrade task first (issue 14), as the staged-join e2e test does.
    const teacher = o.docs.find((d) => d.type === 'staff' && d.role === 'teacher' && d.active !== false);
    if (!teacher?.displayName) throw new Error('no teacher among the bench documents');
    const children = o.docs.filter((d) => d.type === 'child').length;
    const page = await fresh.context.newPage();
    await page.goto(`${fresh.origin}renderer/index.html`);
    await page.waitForSelector('[data-testid="setup-join"]');
    await page.fill('input[name="joinUrl"]', server.base);
    await page.fill('input[name="joinCenter"]', 'bench-center');
    await page.fill('input[name="joinPassword"]', o.password);
    const copy = await replicationFacts(server.admin, 'bench', 'bench-center', await isStandIn(server.base));
    log?.(`county copy at the join: ${copy.state}, ${copy.docsWaiting ?? '?'} changes waiting`);
    const trace = await traceJoin(page, server, log ?? (() => undefined));
    const t0 = Date.now();
    await page.click('[data-testid="setup-join-go"]');
    await page.waitForSelector('[data-testid="kiosk-home"]', { timeout: 600_000 });
    const opened = Date.now() - t0;
    await page.click('[data-testid="kiosk-checkin"]');
    await page.waitForSelector('[data-testid="kiosk-initials"], [data-testid="child-grid"]');
    if (await page.locator('[data-testid="kiosk-initials"]').count()) await page.click('[data-testid="kiosk-all"]');
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="child-grid"] .child').length === n, children, { timeout: 120_000 });
    const grid = Date.now() - t0;
    await page.click('[data-testid="checkin-home"]');
    await page.click('[data-testid="staff-entry"]');
    await page.click(`[data-testid="staff-${teacher.displayName}"]`);
    await typePin(page, BENCH_PIN);
    await page.waitForSelector('[data-testid="staff-home"]', { timeout: 120_000 });
    const usableMs = Date.now() - t0;
    const marks = await page.evaluate(() => {
      const start = performance.getEntriesByName('tongxin:join-start')[0]?.startTime ?? 0;
      return ['tongxin:join-checked', 'tongxin:join-pulled', 'tongxin:join-done'].map((n) => `${n.slice(8)} ${Math.round((performance.getEntriesByName(n)[0]?.startTime ?? Number.NaN) - start)} ms`).join(', ');
    });
    const measures = await page.evaluate(() => performance.getEntriesByType('measure').filter((m) => m.name.startsWith('tongxin:')).map((m) => `${m.name} +${Math.round(m.startTime - (performance.getEntriesByName('tongxin:join-start')[0]?.startTime ?? 0))} ms ${Math.round(m.duration)} ms ${JSON.stringify((m as PerformanceMeasure).detail)}`));
    for (const m of measures) log?.(`  ${m}`);
    log?.(`usable: ${marks}; kiosk open after ${opened} ms, every child on the grid after ${grid} ms, staff unlocked after ${usableMs} ms`);
    await trace.report(t0, { opened, grid, usable: usableMs });
    const { now } = joinRanges(o.today);
    const usableDocs = o.docs.filter((d) => inRanges(d._id, now)).length;
    if (o.history === false) return { usableMs, historyMs: null, usableDocs };
    await page.waitForFunction(() => !document.querySelector('[data-testid="sync-history"]') && document.querySelector('[data-testid="sync-state"]')?.getAttribute('data-state') === 'idle', undefined, { timeout: 1_800_000, polling: 200 });
    const historyMs = Date.now() - t0;
    return { usableMs, historyMs, usableDocs };
  } finally {
    await fresh.close();
  }
}

interface TracedRequest {
  /** When the request started (ms since the epoch). */
  readonly start: number;
  readonly ms: number;
  readonly line: string;
}

/** Self time (ms) by function of a V8 CPU profile, and the sampled time that was not idle. */
function profileSummary(profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[]; timeDeltas: number[] }, top = 12): { busyMs: number; totalMs: number; lines: string[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const cf = byId.get(id)!.callFrame;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    total += ms;
    const key = `${cf.functionName || '(anonymous)'} ${cf.url.split(/node_modules\/|assets\//).slice(-1)[0]}:${cf.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + ms);
  });
  const idle = [...self].filter(([k]) => k.startsWith('(idle)')).reduce((a, [, v]) => a + v, 0);
  const lines = [...self]
    .filter(([k]) => !k.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, v]) => `${v.toFixed(0).padStart(7)} ms  ${k}`);
  return { busyMs: total - idle, totalMs: total, lines };
}

/**
 * What the staged join does, for finding where its time goes: every request the page makes to
 * the server (method, path, rows, ms, from the join button), and with BENCH_SYNC_SERVER_PROFILE=1
 * CPU profiles of the page (per phase: join to kiosk open, to the full grid, to unlocked) and of
 * the trial server (join to unlocked), summarised in the log and kept in test-results/bench-sync/.
 */
async function traceJoin(page: Page, server: BenchServer, log: (msg: string) => void): Promise<{ report(t0: number, at: { opened: number; grid: number; usable: number }): Promise<void> }> {
  const requests: Promise<TracedRequest | null>[] = [];
  page.on('requestfinished', (req) => {
    if (!req.url().startsWith(server.base)) return;
    requests.push(
      (async () => {
        const timing = req.timing();
        const res = await req.response();
        let rows = '';
        try {
          const body = (await res?.json()) as { rows?: unknown[]; results?: unknown[] } | unknown[];
          const n = Array.isArray(body) ? body.length : (body.rows ?? body.results)?.length;
          if (n !== undefined) rows = ` ${n} rows`;
        } catch {
          // not JSON
        }
        const u = new URL(req.url());
        const q = decodeURIComponent(u.search).replace(/include_docs=true&?|conflicts=true&?/g, '');
        return { start: timing.startTime, ms: timing.responseEnd, line: `${req.method()} ${u.pathname}${q} → ${res?.status() ?? '?'}${rows}` };
      })().catch(() => null),
    );
  });
  const cdp = PROFILE ? await page.context().newCDPSession(page) : null;
  const pid = PROFILE ? Number(await readFile(path.join(server.dir, 'server.pid'), 'utf8')) : 0;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
    await cdp.send('Profiler.start');
    process.kill(pid, 'SIGUSR2'); // server profile on
  }
  const pageProfiles: { phase: string; profile: Parameters<typeof profileSummary>[0] }[] = [];
  const phase = async (name: string) => {
    if (!cdp) return;
    pageProfiles.push({ phase: name, profile: (await cdp.send('Profiler.stop')).profile as unknown as Parameters<typeof profileSummary>[0] });
    await cdp.send('Profiler.start');
  };
  // The phases are cut where the bench sees them (the join's own marks are printed beside).
  const watch = (async () => {
    if (!cdp) return;
    await page.waitForSelector('[data-testid="kiosk-home"]', { timeout: 600_000 });
    await phase('join → kiosk open');
  })();
  return {
    async report(t0, at) {
      await watch;
      await phase('kiosk open → unlocked (grid, unlock)');
      if (cdp) await cdp.send('Profiler.stop');
      const done = (await Promise.all(requests)).filter((r): r is TracedRequest => r !== null).sort((a, b) => a.start - b.start);
      log(`requests to the server from the join button to unlocked (${done.length}):`);
      for (const r of done) log(`  +${(r.start - t0).toFixed(0).padStart(6)} ms ${r.ms.toFixed(0).padStart(6)} ms  ${r.line}`);
      if (!cdp) return;
      process.kill(pid, 'SIGUSR2'); // server profile off, written
      await mkdir(OUT_DIR, { recursive: true });
      for (const [i, p] of pageProfiles.entries()) {
        const sum = profileSummary(p.profile);
        log(`page CPU, ${p.phase}: busy ${sum.busyMs.toFixed(0)} ms of ${sum.totalMs.toFixed(0)} ms sampled; top self time:`);
        for (const l of sum.lines) log(`  ${l}`);
        await writeFile(path.join(OUT_DIR, `page-${i + 1}.cpuprofile`), JSON.stringify(p.profile));
      }
      let file: string | undefined;
      for (let tries = 0; !file && tries < 100; tries++) {
        await new Promise((r) => setTimeout(r, 200));
        file = (await readdir(server.dir)).filter((f) => f.endsWith('.cpuprofile')).sort().pop();
      }
      if (!file) return log('the server wrote no profile');
      const text = await readFile(path.join(server.dir, file), 'utf8');
      await writeFile(path.join(OUT_DIR, 'server.cpuprofile'), text);
      await rm(path.join(server.dir, file));
      const sum = profileSummary(JSON.parse(text) as Parameters<typeof profileSummary>[0], 20);
      log(`server CPU, join → unlocked (${at.usable} ms): busy ${sum.busyMs.toFixed(0)} ms of ${sum.totalMs.toFixed(0)} ms sampled; top self time:`);
      for (const l of sum.lines) log(`  ${l}`);
    },
  };
}
