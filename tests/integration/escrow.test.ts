/**
 * Issue 14, county escrow, through the trial server (pouchdb-server on a free loopback port,
 * see countyServer.ts): county IT makes the county recovery key offline, publishes its public
 * half into the center database; a kiosk (real PouchDocStore over memory PouchDB) escrows its
 * center key and syncs; the center then loses every kiosk and its paper code. The restore with
 * the private half prints a fresh recovery code that opens the key on a new kiosk; the server's
 * documents alone do not; a wrong private key is refused in words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PouchDB } from '../../renderer/src/storage/pouch/createPouch';
import MemoryAdapter from 'pouchdb-adapter-memory';
import { PouchDocStore } from '../../renderer/src/storage/pouch/PouchDocStore';
import { MemoryDeviceStore } from '../../renderer/src/storage/memory/MemoryDeviceStore';
import { createKeyState } from '../../renderer/src/app/centerKey';
import { generateCountyRecoveryKey, openEscrow, EscrowKeyError, type CenterKeyEscrow } from '../../sync/crypto/escrow';
import { exportCenterKey, WrongRecoveryCodeError } from '../../sync/crypto/centerKey';
import { publishCountyRecoveryKey, restoreCenterFromEscrow } from '../../sync/couchdb/countyRecovery';
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

const remote = () => new PouchDB(`${server.base}/center_qingshan`, { auth: { username: 'sync-qingshan', password } } as PouchDB.Configuration.RemoteDatabaseConfiguration);
let n = 0;
function kiosk() {
  const db = new PouchDB(`escrow-${Date.now()}-${n++}`, { adapter: 'memory' });
  const docs = new PouchDocStore(db);
  return { db, docs, keys: createKeyState(new MemoryDeviceStore(), docs) };
}

describe('county escrow of the center key', () => {
  const demo = generateDemoCenter({ centerId: 'qingshan', seed: 31, children: 3, from: '2026-11-02', to: '2026-11-04', deviceId: 'k1', pinHash });
  let county: Awaited<ReturnType<typeof generateCountyRecoveryKey>>;
  let keyText = '';

  it('a kiosk escrows its key to the county recovery key it finds on the server, and syncs it', async () => {
    county = await generateCountyRecoveryKey();
    expect(county.fingerprint).toMatch(/^[0-9a-f]{4}(-[0-9a-f]{4}){3}$/);
    const published = await publishCountyRecoveryKey(server.admin, ['qingshan'], county.publicKey);
    expect(published).toMatchObject({ fingerprint: county.fingerprint, written: ['qingshan'] });
    expect((await publishCountyRecoveryKey(server.admin, ['qingshan'], county.publicKey)).already).toEqual(['qingshan']);
    const k = kiosk();
    await k.keys.create('qingshan', 'k1');
    await k.docs.bulkCreate(demoDocuments(demo));
    await k.db.replicate.from(remote());
    expect(await k.keys.ensureEscrow('qingshan', 'k1')).toBe(1);
    expect(await k.keys.ensureEscrow('qingshan', 'k1')).toBe(0); // once per key and county key
    keyText = await exportCenterKey(k.keys.keyring.current!);
    expect((await k.db.replicate.to(remote())).doc_write_failures).toBe(0);
    const all = JSON.stringify((await couch(server.admin, 'GET', 'center_qingshan/_all_docs?include_docs=true')).json);
    expect(all).toContain('centerKeyEscrow');
    expect(all).not.toContain(keyText.split(':')[1]);
    expect(all).not.toContain(county.privateKey.slice(0, 80));
  });

  it("the server's documents alone do not open the escrow, and a wrong private key is refused in words", async () => {
    const rows = (await couch(server.admin, 'GET', 'center_qingshan/_all_docs?include_docs=true&startkey=%22escrow%3A%22&endkey=%22escrow%3A%EF%BF%B0%22')).json as { rows: { doc: CenterKeyEscrow }[] };
    const escrow = rows.rows[0]!.doc;
    const other = await generateCountyRecoveryKey();
    await expect(openEscrow('qingshan', escrow, other.privateKey)).rejects.toBeInstanceOf(EscrowKeyError);
    await expect(restoreCenterFromEscrow(server.admin, 'qingshan', other.privateKey)).rejects.toThrow(/does not open the escrow of center qingshan/);
    await expect(restoreCenterFromEscrow(server.admin, 'qingshan', 'not a key at all')).rejects.toThrow(/not a county recovery private key/);
    // The public key the server holds is no private key either.
    await expect(openEscrow('qingshan', escrow, county.publicKey)).rejects.toBeInstanceOf(EscrowKeyError);
    // Moved to another center, the escrow does not open even with the right key.
    await expect(openEscrow('shiqiao', escrow, county.privateKey)).rejects.toBeInstanceOf(EscrowKeyError);
  });

  it('every kiosk and the paper code lost: the restore prints a fresh recovery code that opens the key on a new kiosk', async () => {
    const { code, keyId } = await restoreCenterFromEscrow(server.admin, 'qingshan', county.privateKey);
    expect(keyId).toBe(keyText.split(':')[0]);
    const fresh = kiosk();
    await fresh.db.replicate.from(remote());
    await fresh.keys.load();
    expect(fresh.keys.status.value).toBe('missing');
    await expect(fresh.keys.recover('2580-2580-2580-2580-2580-2580')).rejects.toBeInstanceOf(WrongRecoveryCodeError);
    await fresh.keys.recover(code);
    expect(fresh.keys.status.value).toBe('ok');
    const names = (await fresh.docs.list('childPrivate', 'private:child:')).map((p) => p.fullName).sort();
    expect(names).toEqual(demo.privates.map((p) => p.fullName).sort());
  });
});
