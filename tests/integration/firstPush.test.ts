/**
 * A fast upload after weeks offline (issue 16): a kiosk that never pushed to
 * the server sends its records in large pages (sync/client/initialPush.ts)
 * and hands over to the live sync through PouchDB's push checkpoint.
 * Starts: the trial server and a pass-through gate that lists the requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PouchDB } from '../../renderer/src/storage/pouch/createPouch';
import MemoryAdapter from 'pouchdb-adapter-memory';
import { demoDocuments, generateDemoCenter } from '../../renderer/src/domain/demo';
import { couch, provisionCenter } from '../../sync/couchdb/admin';
import { centerDbUrl, ReplicationController } from '../../sync/client/replication';
import { startCountyServer, until, type CountyServer } from './countyServer';
import { startGate, type Gate } from './gateServer';

PouchDB.plugin(MemoryAdapter);
const pinHash = { alg: 'PBKDF2-SHA256', iterations: 10_000, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=' } as const;
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

describe('first push', () => {
  it('sends weeks of offline records in a few large requests, reports what the server refuses, and the live sync does not send them again', async () => {
    const local = new PouchDB(`kiosk-push-${Date.now()}`, { adapter: 'memory' });
    const docs = demoDocuments(generateDemoCenter({ centerId: 'qingshan', seed: 21, children: 30, from: '2026-09-01', to: '2026-11-27', deviceId: 'kiosk-p', pinHash }));
    expect(docs.length).toBeGreaterThan(2_000);
    await local.bulkDocs(docs);
    // One record of another center: the server refuses it, the rest goes up.
    const stray = { ...(docs.find((d) => d.type === 'day') as object), _id: 'day:2026-08-31', date: '2026-08-31', centerId: 'baishui' };
    await local.put(stray);
    const c = new ReplicationController({ local, PouchDB, url: centerDbUrl(gate.base, 'qingshan'), username: 'sync-qingshan', password });
    c.start();
    await until(async () => c.current.state === 'idle' && (await c.countPending()) === 0, 120_000);
    await c.stop();

    const bulk = gate.requests.filter((r) => r === 'POST /center_qingshan/_bulk_docs').length;
    // Pages of 2,000 instead of PouchDB's batches of 500.
    expect(bulk).toBeLessThanOrEqual(Math.ceil((docs.length + 1) / 2_000));
    expect(bulk).toBeGreaterThan(1);
    // The server held none of the first page, so it is not asked again about the next ones.
    expect(gate.requests.filter((r) => r === 'POST /center_qingshan/_revs_diff').length).toBe(1);
    expect(c.current.rejected.map((r) => r.id)).toEqual(['day:2026-08-31']);
    const onServer = (await couch(server.admin, 'GET', '/center_qingshan/_all_docs')).json as { rows: { id: string; value: { rev: string } }[] };
    const revs = new Map(onServer.rows.map((r) => [r.id, r.value.rev]));
    const mine = await local.allDocs();
    for (const r of mine.rows) if (r.id !== 'day:2026-08-31') expect(revs.get(r.id), r.id).toBe(r.value.rev);
    expect(revs.has('day:2026-08-31')).toBe(false);

    // Live sync afterwards: a new record goes up; nothing is asked about the records already sent.
    const before = gate.requests.length;
    const c2 = new ReplicationController({ local, PouchDB, url: centerDbUrl(gate.base, 'qingshan'), username: 'sync-qingshan', password });
    await local.put({ ...(docs.find((d) => d.type === 'day') as object), _id: 'day:2026-11-28', date: '2026-11-28' });
    c2.start();
    await until(async () => c2.current.state === 'idle' && (await c2.countPending()) === 0, 60_000);
    await c2.stop();
    expect((await couch(server.admin, 'GET', '/center_qingshan/day:2026-11-28')).status).toBe(200);
    expect(gate.requests.slice(before).filter((r) => r.endsWith('/_bulk_docs')).length).toBe(1);
  }, 180_000);

  it('asks the server page by page while it already holds part of the records (another kiosk pushed them), and everything arrives once', async () => {
    const p = (await provisionCenter(server.admin, 'baishui')).syncPassword!;
    const local = new PouchDB(`kiosk-push-partial-${Date.now()}`, { adapter: 'memory' });
    const docs = demoDocuments(generateDemoCenter({ centerId: 'baishui', seed: 22, children: 30, from: '2026-09-01', to: '2026-11-27', deviceId: 'kiosk-q', pinHash }));
    await local.bulkDocs(docs);
    // The server already has every third record, at the kiosk's revisions.
    const held = await local.allDocs({ include_docs: true });
    const some = held.rows.filter((_, i) => i % 3 === 0).map((r) => ({ ...r.doc!, _revisions: { start: 1, ids: [r.value.rev.slice(2)] } }));
    expect((await couch(server.admin, 'POST', '/center_baishui/_bulk_docs', { docs: some, new_edits: false })).status).toBe(201);
    const before = gate.requests.length;
    const c = new ReplicationController({ local, PouchDB, url: centerDbUrl(gate.base, 'baishui'), username: 'sync-baishui', password: p });
    c.start();
    await until(async () => c.current.state === 'idle' && (await c.countPending()) === 0, 120_000);
    await c.stop();
    expect(c.current.rejected).toEqual([]);
    const pages = gate.requests.slice(before).filter((r) => r === 'POST /center_baishui/_bulk_docs').length;
    expect(gate.requests.slice(before).filter((r) => r === 'POST /center_baishui/_revs_diff').length).toBeGreaterThanOrEqual(pages);
    const onServer = (await couch(server.admin, 'GET', '/center_baishui/_all_docs')).json as { rows: { id: string; value: { rev: string } }[] };
    const revs = new Map(onServer.rows.map((r) => [r.id, r.value.rev]));
    for (const r of held.rows) expect(revs.get(r.id), r.id).toBe(r.value.rev);
    // One revision each: nothing was written twice as a conflict.
    const conflicted = (await couch(server.admin, 'GET', `/center_baishui/_all_docs?include_docs=true&conflicts=true`)).json as { rows: { doc: { _conflicts?: string[] } }[] };
    expect(conflicted.rows.filter((r) => r.doc._conflicts?.length)).toEqual([]);
  }, 180_000);
});
