/**
 * Issue 14 over HTTP: starts the trial server (pouchdb-server on a free loopback port, see
 * countyServer.ts), provisions a center, and syncs a kiosk's generated center through the real
 * PouchDocStore with a center key. Then no child's or guardian's name, phone or note is in any
 * document the server holds for the center or in the county copy — both for a center encrypted
 * from its start and for an existing center that migrates (its clear records re-written sealed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PouchDB } from '../../renderer/src/storage/pouch/createPouch';
import MemoryAdapter from 'pouchdb-adapter-memory';
import { PouchDocStore } from '../../renderer/src/storage/pouch/PouchDocStore';
import { MemoryDeviceStore } from '../../renderer/src/storage/memory/MemoryDeviceStore';
import { createKeyState } from '../../renderer/src/app/centerKey';
import { demoDocuments, generateDemoCenter } from '../../renderer/src/domain/demo';
import { couch } from '../../sync/couchdb/admin';
import { parseCountyFile, provision } from '../../sync/couchdb/provision';
import { startCountyServer, until, type CountyServer } from './countyServer';

PouchDB.plugin(MemoryAdapter);
let server: CountyServer;
let creds: Record<string, string>;
const pinHash = { alg: 'PBKDF2-SHA256', iterations: 10_000, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=' } as const;

beforeAll(async () => {
  server = await startCountyServer();
  const report = await provision(server.admin, parseCountyFile(JSON.stringify({ county: { id: 'yunxi', name: '云溪县' }, server: server.base, centers: [{ id: 'qingshan', name: '青山' }, { id: 'shiqiao', name: '石桥' }] })));
  expect(report.errors).toEqual([]);
  creds = Object.fromEntries(report.credentials.map((c) => [c.user.replace(/^sync-/, ''), c.password]));
});
afterAll(async () => server?.stop());

function generated(centerId: string, seed: number) {
  const demo = generateDemoCenter({ centerId, seed, children: 8, from: '2026-11-02', to: '2026-11-27', deviceId: `kiosk-${centerId}`, pinHash });
  const secrets = demo.privates.flatMap((p) => [p.fullName, ...p.guardians.flatMap((g) => [g.name, ...(g.phone ? [g.phone] : [])])]);
  return { docs: demoDocuments(demo), secrets };
}

async function serverText(db: string): Promise<string> {
  const res = await couch(server.admin, 'GET', `${db}/_all_docs?include_docs=true`);
  expect(res.status).toBe(200);
  return JSON.stringify(res.json);
}

async function push(db: PouchDB.Database, centerId: string) {
  const remote = new PouchDB(`${server.base}/center_${centerId}`, { auth: { username: `sync-${centerId}`, password: creds[centerId]! } } as PouchDB.Configuration.RemoteDatabaseConfiguration);
  const res = await db.replicate.to(remote);
  expect(res.doc_write_failures).toBe(0);
}

describe('end-to-end encryption over the trial server', () => {
  it('a center encrypted from its start: no name, phone or note on the server or in the county copy', async () => {
    const { docs, secrets } = generated('qingshan', 11);
    const db = new PouchDB(`e2ee-a-${Date.now()}`, { adapter: 'memory' });
    const store = new PouchDocStore(db);
    const keys = createKeyState(new MemoryDeviceStore(), store);
    await keys.create('qingshan', 'kiosk-qingshan');
    await store.bulkCreate(docs);
    expect(secrets.length).toBeGreaterThan(8);
    await push(db, 'qingshan');
    const centerText = await serverText('center_qingshan');
    expect(centerText).toContain('"enc"');
    for (const s of secrets) expect(centerText).not.toContain(s);
    // The county copy arrives by server-side replication; wait until it has this center's records.
    await until(async () => (await serverText('county_yunxi')).includes('qingshan'), 60_000);
    const countyText = await serverText('county_yunxi');
    for (const s of secrets) expect(countyText).not.toContain(s);
    // The kiosk itself still reads them.
    const priv = await store.list('childPrivate', 'private:child:');
    expect(priv.map((p) => p.fullName).sort()).toEqual(docs.filter((d) => d.type === 'childPrivate').map((d) => (d as { fullName: string }).fullName).sort());
  });

  it('an existing center migrates: its clear records are re-written sealed, and the server then serves no name', async () => {
    const { docs, secrets } = generated('shiqiao', 12);
    const db = new PouchDB(`e2ee-b-${Date.now()}`, { adapter: 'memory' });
    await db.bulkDocs(docs);
    await push(db, 'shiqiao');
    const before = await serverText('center_shiqiao');
    expect(secrets.some((s) => before.includes(s))).toBe(true);
    const store = new PouchDocStore(db);
    const keys = createKeyState(new MemoryDeviceStore(), store);
    await keys.load();
    expect(keys.status.value).toBe('not-enabled');
    await keys.create('shiqiao', 'kiosk-shiqiao');
    const written = await keys.resealAll();
    expect(written).toBe(docs.filter((d) => ['childPrivate', 'child', 'consent', 'followup', 'screeningAnswers', 'activity', 'activityPhotos', 'transfer'].includes(d.type)).length);
    await push(db, 'shiqiao');
    const after = await serverText('center_shiqiao');
    for (const s of secrets) expect(after).not.toContain(s);
  });
});
