/**
 * Issue 14: a new kiosk gets the center key from another kiosk of the center, through the
 * center database on the trial server (pouchdb-server on a free loopback port, see
 * countyServer.ts). Two kiosks (real PouchDocStores over memory PouchDB) replicate with the
 * server as the center's sync account; each step of app/keyPairing.ts is one write that the
 * other kiosk pulls. Then: the new kiosk reads the private records; the server's copy of the
 * pairing document holds nothing that opens the key; and a server administrator who swaps the
 * new kiosk's key is refused before anything is sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PouchDB } from '../../renderer/src/storage/pouch/createPouch';
import MemoryAdapter from 'pouchdb-adapter-memory';
import { PouchDocStore } from '../../renderer/src/storage/pouch/PouchDocStore';
import { MemoryDeviceStore } from '../../renderer/src/storage/memory/MemoryDeviceStore';
import { createKeyState } from '../../renderer/src/app/centerKey';
import { offerCenterKey, openKeyRequests, requestCenterKey } from '../../renderer/src/app/keyPairing';
import { exportCenterKey } from '../../sync/crypto/centerKey';
import { newEphemeralPair, openGrant } from '../../sync/crypto/pairing';
import { demoDocuments, generateDemoCenter } from '../../renderer/src/domain/demo';
import { couch } from '../../sync/couchdb/admin';
import { parseCountyFile, provision } from '../../sync/couchdb/provision';
import { startCountyServer, type CountyServer } from './countyServer';

PouchDB.plugin(MemoryAdapter);
let server: CountyServer;
let password = '';
const pinHash = { alg: 'PBKDF2-SHA256', iterations: 10_000, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=' } as const;

beforeAll(async () => {
  server = await startCountyServer();
  const report = await provision(server.admin, parseCountyFile(JSON.stringify({ county: { id: 'yunxi', name: '云溪县' }, server: server.base, centers: [{ id: 'qingshan', name: '青山' }] })));
  expect(report.errors).toEqual([]);
  password = report.credentials.find((c) => c.user === 'sync-qingshan')!.password;
});
afterAll(async () => server?.stop());

let n = 0;
function kiosk(name: string) {
  const db = new PouchDB(`pair-${name}-${Date.now()}-${n++}`, { adapter: 'memory' });
  const docs = new PouchDocStore(db);
  const keys = createKeyState(new MemoryDeviceStore(), docs);
  const remote = () => new PouchDB(`${server.base}/center_qingshan`, { auth: { username: 'sync-qingshan', password } } as PouchDB.Configuration.RemoteDatabaseConfiguration);
  return {
    db, docs, keys, deviceId: `kiosk-${name}`,
    push: async () => expect((await db.replicate.to(remote())).doc_write_failures).toBe(0),
    pull: async () => void (await db.replicate.from(remote())),
  };
}

describe('the center key from another kiosk, through the trial server', () => {
  const demo = generateDemoCenter({ centerId: 'qingshan', seed: 21, children: 4, from: '2026-11-02', to: '2026-11-06', deviceId: 'kiosk-old', pinHash });
  const old = kiosk('old');
  const fresh = kiosk('new');

  it('the old kiosk answers, both show the same code, and after the administrator confirms the new kiosk reads every record', async () => {
    await old.keys.create('qingshan', old.deviceId);
    await old.docs.bulkCreate(demoDocuments(demo));
    await old.push();
    await fresh.pull();
    await fresh.keys.load();
    expect(fresh.keys.status.value).toBe('missing');

    const request = await requestCenterKey(fresh.docs, 'qingshan', fresh.deviceId);
    expect(request.shortId).toMatch(/^[0-9A-F]{3} [0-9A-F]{3}$/);
    await fresh.push();
    await old.pull();
    const open = await openKeyRequests(old.docs);
    expect(open.map((d) => d.pairingId)).toEqual([request.pairingId]);
    const offer = offerCenterKey(old.docs, request.pairingId, old.deviceId);
    await offer.advance(); // step 2: the old kiosk's public key
    await old.push();
    await fresh.pull();
    expect(await request.advance()).toBeNull(); // step 3: the new kiosk reveals its key
    expect(request.step).toBe('compare');
    await fresh.push();
    await old.pull();
    await offer.advance();
    expect(offer.step).toBe('compare');
    expect(offer.code).toBe(request.code);
    expect(offer.code).toMatch(/^\d{3} \d{3}$/);
    await offer.confirm(old.keys.keyring.current!); // step 4, after staff compared the screens
    await old.push();

    // What the server holds for this pairing does not open the key, and does not contain it.
    const onServer = (await couch(server.admin, 'GET', `center_qingshan/keypair:${request.pairingId}`)).json as { grant: { ct: string; keyId: string; iv: string }; offerKey: string };
    expect(onServer.grant).toBeTruthy();
    expect(JSON.stringify(onServer)).not.toContain((await exportCenterKey(old.keys.keyring.current!)).split(':')[1]);
    await expect(openGrant(request.pairingId, await newEphemeralPair(), onServer.offerKey, onServer.grant)).rejects.toThrow();

    await fresh.pull();
    const key = await request.advance();
    expect(key?.id).toBe(old.keys.keyring.current!.id);
    expect(await fresh.keys.adopt(key!)).toBe(true);
    expect(fresh.keys.status.value).toBe('ok');
    const names = (await fresh.docs.list('childPrivate', 'private:child:')).map((p) => p.fullName).sort();
    expect(names).toEqual(demo.privates.map((p) => p.fullName).sort());
    await request.close();
    await fresh.push();
    expect((await couch(server.admin, 'GET', `center_qingshan/keypair:${request.pairingId}`)).status).toBe(404);
  });

  it('a server administrator who puts his own key in place of the new kiosk\'s is refused before the old kiosk sends anything', async () => {
    const other = kiosk('other');
    await other.pull();
    await other.keys.load();
    const request = await requestCenterKey(other.docs, 'qingshan', other.deviceId);
    await other.push();
    await old.pull();
    const offer = offerCenterKey(old.docs, request.pairingId, old.deviceId);
    await offer.advance();
    await old.push();
    await other.pull();
    await request.advance();
    await other.push();
    // The administrator rewrites the revealed key on the server with his own.
    const path = `center_qingshan/keypair:${request.pairingId}`;
    const doc = (await couch(server.admin, 'GET', path)).json as Record<string, unknown>;
    const mallory = await newEphemeralPair();
    expect((await couch(server.admin, 'PUT', path, { ...doc, requestKey: mallory.publicKey })).status).toBe(201);
    await old.pull();
    await offer.advance();
    expect(offer.step).toBe('failed');
    expect(offer.problem).toBe('commitment');
    await expect(offer.confirm(old.keys.keyring.current!)).rejects.toThrow();
    expect(((await couch(server.admin, 'GET', path)).json as { grant: unknown }).grant).toBeNull();
  });

  it('a key that is not one of the center\'s live keys is not adopted', async () => {
    const stranger = kiosk('stranger');
    await stranger.pull();
    const k2 = createKeyState(new MemoryDeviceStore(), new PouchDocStore(new PouchDB(`x-${Date.now()}`, { adapter: 'memory' })));
    const { key } = await k2.create(null, 'x');
    expect(await stranger.keys.adopt(key)).toBe(false);
    await stranger.keys.refreshStatus();
    expect(stranger.keys.status.value).toBe('missing');
  });
});
