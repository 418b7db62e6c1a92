/**
 * Starts the bundled CouchDB-compatible server (sync/couchdb/localServer.ts)
 * on a free loopback port with its data in a temporary folder and an admin
 * account — what integration tests talk to over real HTTP. It can be killed
 * and started again on the same port and data, to test a server dying mid-sync.
 *
 * With TONGXIN_TEST_COUCHDB=http://admin:password@host:5984 the tests use that
 * server instead (any CouchDB 3, single node or a cluster's load balancer): each
 * test file first deletes what Tongxin's tests create there (center_*, county_*
 * and province_* databases, tongxin_transfers, county-* and province-* replication
 * documents, sync-*, repl-*, coord-* and rollup-* accounts), so use a server that holds nothing else, and run
 * the files one at a time (`--no-file-parallelism`). Tests that stop the server
 * skip themselves there; the stand-in-only tests say so in their names.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { couch, type Admin } from '../../sync/couchdb/admin';
import { adminWorks, createFirstAdmin, freePort, localServer, type LocalServer } from '../../sync/couchdb/localServer';
import { createCountyState, type CountyState } from '../../renderer/src/features/county/countyState';
import type { VerdictResult } from '../../renderer/src/features/county/countyClient';
import { MemoryCountyStore } from '../../renderer/src/storage/memory/MemoryCountyStore';
import type { TongxinBridge } from '../../electron/contract';

/** Polls `pred` every 100 ms until it holds. @throws Error after `ms`. */
export async function until(pred: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met in time');
}

/**
 * The current revision of each of `ids` in `db` (absent and deleted ones left out),
 * read by key: on a cluster each key is read from a quorum of copies, unlike a
 * database's doc_count, which is not read-your-writes there.
 */
export async function revsOf(admin: Admin, db: string, ids: readonly string[]): Promise<Map<string, string>> {
  const res = await couch(admin, 'POST', `${encodeURIComponent(db)}/_all_docs`, { keys: ids });
  const rows = (res.json.rows ?? []) as { id?: string; value?: { rev: string; deleted?: boolean } }[];
  return new Map(rows.filter((r) => r.id && r.value && !r.value.deleted).map((r) => [r.id!, r.value!.rev]));
}

export interface CountyServer extends LocalServer {
  readonly admin: Admin;
  /** True for a server given in TONGXIN_TEST_COUCHDB: it cannot be killed or restarted by a test. */
  readonly external: boolean;
  stop(): Promise<void>;
}

/**
 * The server in TONGXIN_TEST_COUCHDB as an admin, or null when it is not set.
 * @throws Error in words when the value is not a URL with an administrator's name and password.
 */
export function externalCouchFromEnv(value: string | undefined): Admin | null {
  if (!value) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`TONGXIN_TEST_COUCHDB is not a URL: give it as http://admin:password@host:5984`);
  }
  if (!url.username || !url.password) throw new Error('TONGXIN_TEST_COUCHDB needs the administrator in the URL: http://admin:password@host:5984');
  const admin = { base: '', username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  url.username = '';
  url.password = '';
  return { ...admin, base: url.toString().replace(/\/+$/, '') };
}

/** Whether this run uses a server from TONGXIN_TEST_COUCHDB (tests that stop the server skip on it). */
export const EXTERNAL_COUCHDB = Boolean(process.env.TONGXIN_TEST_COUCHDB);

/** Deletes what Tongxin's tests create on an external server, so each test file starts from nothing. */
async function clearTestData(admin: Admin): Promise<void> {
  // Replications first, then their databases: deleting a database under a running
  // replication crashes the trial server (stand-in) and only makes CouchDB 3 log errors.
  for (const [db, re] of [
    ['_replicator', /^(county|province)-/],
    ['_users', /^org\.couchdb\.user:(sync|repl|coord|rollup)-/],
  ] as const) {
    const rows = ((await couch(admin, 'GET', `${db}/_all_docs`)).json.rows ?? []) as { id: string; value: { rev: string } }[];
    for (const r of rows) if (re.test(r.id)) await couch(admin, 'DELETE', `${db}/${encodeURIComponent(r.id)}?rev=${r.value.rev}`);
  }
  const dbs = (await couch(admin, 'GET', '_all_dbs')).json as unknown as string[];
  for (const db of dbs) if (/^(center_|county_|province_)/.test(db) || db === 'tongxin_transfers') await couch(admin, 'DELETE', encodeURIComponent(db));
}

/**
 * @param opts.dir keep the server's data in this folder (created when missing, reused when it holds a
 *   server from before, never deleted): the sync bench keeps a seeded center between runs with it.
 * @param opts.port the port (default: a free one). @param opts.nodeArgs options for the server's Node process.
 */
export async function startCountyServer(opts: { dir?: string; port?: number; nodeArgs?: readonly string[] } = {}): Promise<CountyServer> {
  const external = externalCouchFromEnv(process.env.TONGXIN_TEST_COUCHDB);
  if (external) {
    if (!(await adminWorks(external))) throw new Error(`TONGXIN_TEST_COUCHDB: cannot sign in to ${external.base} as ${external.username} (wrong password, or not a server administrator)`);
    await clearTestData(external);
    const cannot = () => Promise.reject(new Error('a server given in TONGXIN_TEST_COUCHDB cannot be stopped or started by a test'));
    return { base: external.base, admin: external, external: true, start: cannot, kill: cannot, stop: async () => {} };
  }
  const dir = opts.dir ?? (await mkdtemp(path.join(tmpdir(), 'tongxin-county-')));
  const server = localServer(dir, opts.port ?? (await freePort()), undefined, opts.nodeArgs);
  const admin: Admin = { base: server.base, username: 'admin', password: 'test-admin-password' };
  await server.start();
  if (!(await adminWorks(admin))) await createFirstAdmin(admin);
  return {
    ...server,
    admin,
    external: false,
    start: server.start,
    kill: server.kill,
    async stop() {
      await server.kill();
      if (!opts.dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A coordinator's device signed in to a county server (signInCoordinator). */
export interface CoordinatorDevice {
  readonly state: CountyState;
  /** What the device keeps (the values Dexie keeps on a real one). */
  readonly store: MemoryCountyStore;
  /** The sign-in's answer (verdict, county, whether the password went to a secure store). */
  readonly answer: VerdictResult & { readonly secure: boolean };
}

/**
 * A coordinator's device as the dashboard builds it (countyState over a memory store), signed in to
 * `url`: its credential bridge keeps the password in memory and says it is kept `secure` (the system
 * keyring) or not. The sign-in's answer is returned, not checked: a test of a refusal uses it too.
 */
export async function signInCoordinator(url: string, username: string, password: string, opts: { readonly now: Date; readonly secure?: boolean }): Promise<CoordinatorDevice> {
  const store = new MemoryCountyStore();
  const kept = new Map<string, string>();
  const secure = opts.secure ?? true;
  const bridge = {
    storeCredential: async (k: string, v: string | null) => (v === null ? kept.delete(k) : kept.set(k, v), { secure }),
    loadCredential: async (k: string) => kept.get(k) ?? null,
  } as unknown as TongxinBridge;
  const state = createCountyState(store, bridge, () => opts.now);
  return { state, store, answer: await state.connect(url, username, password) };
}
