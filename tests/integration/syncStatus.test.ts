/**
 * A status that tells the truth, and a lockout the kiosk recognises (issues
 * 16 and 12): the replication controller against the trial server, through
 * a gate (gateServer.ts) that stands in for CouchDB 3.4's account lockout, a
 * server answering errors, and a dead link. Starts: the trial server and the gate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PouchDB } from '../../renderer/src/storage/pouch/createPouch';
import MemoryAdapter from 'pouchdb-adapter-memory';
import { couch, provisionCenter } from '../../sync/couchdb/admin';
import { centerDbUrl, ReplicationController, testConnection, type SyncState, type SyncStatus } from '../../sync/client/replication';
import { SYNC_IDS_DOC } from '../../sync/client/acknowledged';
import { startCountyServer, until, type CountyServer } from './countyServer';
import { startGate, type Gate } from './gateServer';

PouchDB.plugin(MemoryAdapter);
let server: CountyServer;
let gate: Gate;
let password: string;

beforeAll(async () => {
  server = await startCountyServer();
  password = (await provisionCenter(server.admin, 'qingshan')).syncPassword!;
  gate = await startGate(server.base);
});
afterAll(async () => {
  await gate?.close();
  await server?.stop();
});

let n = 0;
const open = () => new PouchDB(`kiosk-status-${Date.now()}-${n++}`, { adapter: 'memory' });
const note = (i: number) => ({ _id: `_local/ignored-${i}` });
/** A controller through the gate that records every state it reports. */
function controller(local: PouchDB.Database, pw = password, extra: Partial<ConstructorParameters<typeof ReplicationController>[0]> = {}) {
  const seen: SyncStatus[] = [];
  const c = new ReplicationController({ local, PouchDB, url: centerDbUrl(gate.base, 'qingshan'), username: 'sync-qingshan', password: pw, onStatus: (s) => seen.push(s), ...extra });
  return { c, seen, statesSince: (i: number): SyncState[] => seen.slice(i).map((s) => s.state) };
}
/** A document the server accepts (an open day of the center). */
const day = (date: string) => ({ _id: `day:${date}`, type: 'day', centerId: 'qingshan', schemaVersion: 1, createdAt: `${date}T08:00:00+08:00`, updatedAt: `${date}T08:00:00+08:00`, deviceId: 'kiosk-s', date, open: true, note: '' });

describe('the lockout of CouchDB 3.4 (stand-in gate)', () => {
  it('is recognised and said as a lockout, retried by itself after the lock, and never left in denied', async () => {
    gate.mode = 'lockout';
    const verdict = await testConnection(gate.base, 'qingshan', 'sync-qingshan', password);
    expect(verdict.verdict).toBe('locked');

    const local = open();
    await local.put(day('2026-11-02'));
    const { c, seen } = controller(local, password, { lockoutRetryMs: 2_000 });
    c.start();
    await until(() => c.current.lastError?.kind === 'locked' && c.current.retryAt !== null);
    expect(c.current.state).toBe('waiting');
    const during = gate.seen.lockout;
    // Nothing asks the server again before the lock's time: the `online` event or a person's restart waits too.
    await c.restart();
    expect(gate.seen.lockout).toBe(during);
    gate.mode = 'pass';
    // No restart from outside: the controller comes back by itself when the lock ends.
    await until(() => c.current.state === 'idle', 20_000);
    expect(seen.map((s) => s.state)).not.toContain('denied');
    expect(c.current.lastError).toBeNull();
    expect(await c.countPending()).toBe(0);
    await c.stop();
  }, 60_000);

  it('a wrong password is denied (retried rarely), and a later working exchange clears it', async () => {
    gate.mode = 'pass';
    const local = open();
    await local.put(day('2026-11-03'));
    const { c } = controller(local, 'a-stale-password', { deniedRetryMs: 2_000 });
    c.start();
    await until(() => c.current.state === 'denied');
    expect(c.current.lastError?.kind).toBe('wrong-password');
    // The county administrator sets the account's password to the one this kiosk holds.
    const user = await couch(server.admin, 'GET', '/_users/org.couchdb.user:sync-qingshan');
    await couch(server.admin, 'PUT', '/_users/org.couchdb.user:sync-qingshan', { ...user.json, password: 'a-stale-password' });
    await until(() => c.current.state === 'idle', 20_000);
    expect(c.current.lastError).toBeNull();
    await c.stop();
    await couch(server.admin, 'PUT', '/_users/org.couchdb.user:sync-qingshan', { ...(await couch(server.admin, 'GET', '/_users/org.couchdb.user:sync-qingshan')).json, password });
  }, 60_000);
});

describe('the state follows the exchanges', () => {
  it('refused exchanges: "waiting for the server", never 已同步 while they fail, up to date again once they work', async () => {
    gate.mode = 'pass';
    const local = open();
    const { c, statesSince } = controller(local);
    c.start();
    await until(() => c.current.state === 'idle');
    gate.mode = 'error';
    const from = statesSince(0).length;
    await local.put(day('2026-11-04'));
    await until(() => c.current.state === 'waiting');
    expect(c.current.lastError?.kind).toBe('server');
    // Two seconds of failing exchanges: never idle meanwhile. (An idle already on its way
    // from the exchange before the write may come first: it was true when it was sent.)
    await new Promise((r) => setTimeout(r, 2_000));
    const during = statesSince(from);
    expect(during.slice(during.indexOf('waiting'))).not.toContain('idle');
    gate.mode = 'pass';
    await until(() => c.current.state === 'idle', 30_000);
    expect(await c.countPending()).toBe(0);
    await c.stop();
  }, 60_000);

  it('never 已同步 while the push has yet to send what waits: the pull caught up first, the push still starting', async () => {
    gate.mode = 'pass';
    const local = open();
    // A first exchange records the push's checkpoint id (the kiosk has pushed to this server before).
    const first = controller(local);
    first.c.start();
    await until(() => first.c.current.state === 'idle');
    await first.c.stop();
    const { pushId } = (await local.get(SYNC_IDS_DOC)) as unknown as { pushId: string };
    // The push's first request (its checkpoint on the server) is slow; the pull has nothing new and pauses at once.
    const held = `/center_qingshan/_local/${encodeURIComponent(pushId.replace(/^_local\//, ''))}`;
    gate.hold = new RegExp(`^${held.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    await local.put(day('2026-11-06'));
    const { c, statesSince } = controller(local);
    c.start();
    await until(() => gate.requests.includes(`GET ${held}`));
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await c.countPending()).toBe(1);
    expect(statesSince(0)).not.toContain('idle');
    gate.release();
    await until(() => c.current.state === 'idle', 20_000);
    expect(await c.countPending()).toBe(0);
    await c.stop();
  }, 60_000);

  it('a dead link: offline as soon as a request gets no answer, never 已同步 meanwhile', async () => {
    gate.mode = 'pass';
    const local = open();
    const { c, statesSince } = controller(local);
    c.start();
    await until(() => c.current.state === 'idle');
    gate.mode = 'drop';
    await local.put(day('2026-11-05'));
    await until(() => c.current.state === 'offline');
    expect(c.current.lastError?.kind).toBe('unreachable');
    // From the first request without an answer on, never 已同步 (a status already on its way
    // when the link died may still say idle: that was true when it was sent).
    const from = statesSince(0).length;
    await new Promise((r) => setTimeout(r, 1_000));
    expect(statesSince(from)).not.toContain('idle');
    gate.mode = 'pass';
    await c.restart(); // what the `online` event does
    await until(() => c.current.state === 'idle', 30_000);
    await c.stop();
  }, 60_000);

  it('counts what waits exactly past 10,000', async () => {
    const local = open();
    const docs = Array.from({ length: 12_345 }, (_, i) => ({ _id: `x:${String(i).padStart(6, '0')}` }));
    for (let i = 0; i < docs.length; i += 2_000) await local.bulkDocs(docs.slice(i, i + 2_000));
    await local.put(note(1));
    const { c } = controller(local);
    expect(await c.countPending()).toBe(12_345);
    expect(c.current.pendingUp).toBe(12_345);
    expect(c.current.pendingUpCapped).toBe(false);
  }, 60_000);
});
