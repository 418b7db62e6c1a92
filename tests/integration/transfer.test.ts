/**
 * Migrant-child transfer between two centers through the county's transfer
 * database on a real server (the stand-in, provisioned for real), and by file.
 * Each center is real PouchDB (memory adapter) behind the app's DocStore.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PouchDB } from '../../renderer/src/storage/pouch/createPouch';
import MemoryAdapter from 'pouchdb-adapter-memory';
import { PouchDocStore } from '../../renderer/src/storage/pouch/PouchDocStore';
import { MemoryDeviceStore } from '../../renderer/src/storage/memory/MemoryDeviceStore';
import { loadRoster } from '../../renderer/src/app/roster';
import { demoDocuments, generateDemoCenter } from '../../renderer/src/domain/demo';
import { BundleError } from '../../sync/bundle/bundle';
import { basicAuth } from '../../sync/client/replication';
import { parseCountyFile, provision } from '../../sync/couchdb/provision';
import { TransferClient, TransferProvenanceError, requestId } from '../../sync/transfer/transfer';
import { couch } from '../../sync/couchdb/admin';
import {
  acceptTransfer, confirmAcceptedByFile, createTransfer, incomingFromFile, incomingFromRequest, refreshOutgoing, rejectTransfer, transferFile, TransferInputError, type TransferPorts,
} from '../../renderer/src/features/transfers/transferService';
import { startCountyServer, type CountyServer } from './countyServer';

PouchDB.plugin(MemoryAdapter);
let server: CountyServer;
let creds: Record<string, string>;
const pinHash = { alg: 'PBKDF2-SHA256', iterations: 10_000, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=' } as const;

/** A center's kiosk: its own database holding a generated center (`to` = last day of November records). */
async function center(id: string, seed: number, children: number, to = '2026-11-27') {
  const db = new PouchDB(`${id}-${Date.now()}-${seed}`, { adapter: 'memory' });
  await db.bulkDocs(demoDocuments(generateDemoCenter({ centerId: id, seed, children, from: '2026-11-02', to, deviceId: `kiosk-${id}`, pinHash })));
  const device = new MemoryDeviceStore();
  const ports: TransferPorts & { db: PouchDB.Database; device: MemoryDeviceStore } = { db, centerDb: db, docs: new PouchDocStore(db), device, deviceId: `kiosk-${id}`, now: () => new Date('2026-11-29T10:00:00+08:00') };
  const roster = await loadRoster(ports.docs);
  const staffId = (await ports.docs.list('staff', 'staff:'))[0]!._id;
  return { ...ports, roster, staffId };
}
const client = (id: string) => new TransferClient(server.base, basicAuth(`sync-${id}`, creds[id]!));

beforeAll(async () => {
  server = await startCountyServer();
  const report = await provision(server.admin, parseCountyFile(JSON.stringify({ county: { id: 'yunxi', name: '云溪县' }, server: server.base, centers: [{ id: 'qingshan', name: '青山' }, { id: 'shiqiao', name: '石桥' }, { id: 'heping', name: '和平' }] })));
  expect(report.errors).toEqual([]);
  creds = Object.fromEntries(report.credentials.map((c) => [c.user.replace(/^sync-/, ''), c.password]));
});
afterAll(async () => server?.stop());

describe('migrant-child transfer', () => {
  it('over the server: consent recorded, the receiver accepts with the code and gets the history; the sender archives the child; both keep a record', async () => {
    const a = await center('qingshan', 1, 6);
    const b = await center('shiqiao', 2, 4);
    const rosterA = a.roster;
    const entry = rosterA.find((e) => e.priv)!;
    const staffA = a.staffId;
    const staffB = b.staffId;

    await expect(createTransfer(a, entry, staffA, { to: 'shiqiao', relation: 'grandmother', isLegalGuardian: true, method: 'paper', consentGiven: false }, client('qingshan'))).rejects.toBeInstanceOf(TransferInputError);
    const created = await createTransfer(a, entry, staffA, { to: 'shiqiao', relation: 'grandmother', isLegalGuardian: true, method: 'paper', consentGiven: true }, client('qingshan'));
    expect(created.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(created.record).toMatchObject({ direction: 'out', status: 'pending', posted: true });
    // The consent for this purpose is on record, and the request holds nothing readable about the child.
    expect((await a.docs.list('consent', `consent:${entry.childId}:`)).some((c) => c.scopes.includes('transfer') && c.givenBy.relation === 'grandmother')).toBe(true);
    expect(created.request.package).not.toContain(entry.priv!.fullName);

    // Another center sees the request in the shared database but cannot decide it, nor open it without the code.
    const onServer = await client('heping').get(requestId('shiqiao', 'qingshan', created.request.transferId));
    expect(onServer?.status).toBe('pending');
    await expect(client('heping').decide(requestId('shiqiao', 'qingshan', created.request.transferId), 'accepted', '', new Date().toISOString())).rejects.toMatchObject({ status: 403 });
    await expect(client('qingshan').decide(requestId('shiqiao', 'qingshan', created.request.transferId), 'accepted', '', new Date().toISOString())).rejects.toMatchObject({ status: 403 });

    const incoming = await client('shiqiao').incoming('shiqiao');
    expect(incoming).toHaveLength(1);
    expect(incoming[0]!.summary.grade).toBe(entry.child.grade);
    const inc = incomingFromRequest(incoming[0]!);
    await expect(acceptTransfer(b, inc, 'AAAA-BBBB-CCCC', 'shiqiao', staffB, client('shiqiao'))).rejects.toMatchObject({ kind: 'wrong-passphrase' });
    const accepted = await acceptTransfer(b, inc, created.code.toLowerCase(), 'shiqiao', staffB, client('shiqiao'));
    expect(accepted.childId).toBe(entry.childId);
    const moved = await b.docs.get('child', `child:${entry.childId}`);
    expect(moved).toMatchObject({ centerId: 'shiqiao', surrogateParentStaffId: null });
    expect((await b.docs.get('childPrivate', `private:child:${entry.childId}`))?.fullName).toBe(entry.priv!.fullName);
    const attendanceA = (await a.db.allDocs({ startkey: 'att:', endkey: 'att:\ufff0' })).rows.filter((r) => r.id.endsWith(entry.childId)).length;
    const attendanceB = (await b.db.allDocs({ startkey: 'att:', endkey: 'att:\ufff0', include_docs: true })).rows.filter((r) => r.id.endsWith(entry.childId));
    expect(attendanceB.length).toBe(attendanceA);
    expect(attendanceB.every((r) => (r.doc as unknown as { centerId: string }).centerId === 'shiqiao')).toBe(true);
    expect((await b.docs.get('transfer', `transfer:${created.request.transferId}`))).toMatchObject({ direction: 'in', status: 'accepted', otherCenterId: 'qingshan' });
    expect(b.device.audit.some((e) => e.action === 'transfer-in-accepted')).toBe(true);
    // Accepting twice is refused: the child is already here.
    await expect(acceptTransfer(b, { ...inc }, created.code, 'shiqiao', staffB, null)).rejects.toMatchObject({ code: 'alreadyHere' });

    expect(await refreshOutgoing(a, client('qingshan'), rosterA)).toBe(1);
    expect(await a.docs.get('transfer', `transfer:${created.request.transferId}`)).toMatchObject({ status: 'accepted', request: null });
    expect((await a.docs.get('child', `child:${entry.childId}`))?.archived).toBe(true);
    expect(a.device.audit.map((e) => e.action)).toEqual(expect.arrayContaining(['transfer-out', 'transfer-out-accepted']));
  });

  it('a third center cannot write a branch onto a pending request; a conflicting branch is never shown or acted on', async () => {
    const a = await center('qingshan', 7, 2, '2026-11-06');
    const created = await createTransfer(a, a.roster[0]!, a.staffId, { to: 'shiqiao', relation: 'mother', isLegalGuardian: true, method: 'phone', consentGiven: true }, client('qingshan'));
    const id = created.request._id;
    expect(id).toBe(`transfer:shiqiao:qingshan:${created.request.transferId}`);
    const real = (await client('heping').get(id))!;
    const heping = { base: server.base, username: 'sync-heping', password: creds.heping! };
    const branch = (over: object) => ({ ...real, _rev: `9-${'f'.repeat(32)}`, _revisions: { start: 9, ids: ['f'.repeat(32), 'e'.repeat(32)] }, ...over });
    // The attack of the review: a higher revision on a branch of its own, with itself as the sender — and the same keeping the sender's name.
    for (const forged of [branch({ from: 'heping' }), branch({ package: `${real.package.slice(0, -4)}AAAA` }), branch({ status: 'cancelled' })]) {
      const res = await couch(heping, 'POST', 'tongxin_transfers/_bulk_docs', { docs: [forged], new_edits: false });
      expect(JSON.stringify(res.json)).toMatch(/forbidden/);
    }
    const after = await couch(server.admin, 'GET', `tongxin_transfers/${encodeURIComponent(id)}?conflicts=true`);
    expect(after.json).toMatchObject({ from: 'qingshan', status: 'pending', _rev: real._rev });
    expect(after.json._conflicts).toBeUndefined();
    // The trial server validates such a write against the winning revision, CouchDB 3 against the
    // branch's own parent (stand-in difference). Suppose a branch got in anyway, as it did on
    // CouchDB 3 under the previous rules (written here by the administrator): the receiving kiosk
    // neither lists it nor acts on it, and says why.
    const res = await couch(server.admin, 'POST', 'tongxin_transfers/_bulk_docs', { docs: [branch({ from: 'heping' })], new_edits: false });
    expect(JSON.stringify(res.json)).not.toMatch(/error/);
    await expect(client('shiqiao').get(id)).rejects.toBeInstanceOf(TransferProvenanceError);
    await expect(client('shiqiao').get(id)).rejects.toMatchObject({ kind: 'conflict' });
    const checked = await client('shiqiao').incomingChecked('shiqiao');
    expect(checked.requests.map((r) => r._id)).not.toContain(id);
    expect(checked.refused.map((e) => e.requestId)).toContain(id);
    await expect(client('shiqiao').decide(id, 'accepted', '', new Date().toISOString())).rejects.toBeInstanceOf(TransferProvenanceError);
  });

  it('a rejection reaches the sender with its reason and the child stays', async () => {
    const a = await center('qingshan', 3, 3, '2026-11-06');
    const b = await center('shiqiao', 4, 1, '2026-11-06');
    const { roster, staffId: staffA } = a;
    const created = await createTransfer(a, roster[0]!, staffA, { to: 'shiqiao', relation: 'mother', isLegalGuardian: true, method: 'phone', consentGiven: true }, client('qingshan'));
    const inc = incomingFromRequest((await client('shiqiao').incoming('shiqiao')).find((r) => r.transferId === created.request.transferId)!);
    await rejectTransfer(b, inc, '孩子没有来本站报到', 'shiqiao', b.staffId, client('shiqiao'));
    await refreshOutgoing(a, client('qingshan'), roster);
    expect(await a.docs.get('transfer', `transfer:${created.request.transferId}`)).toMatchObject({ status: 'rejected', reason: '孩子没有来本站报到' });
    expect((await a.docs.get('child', roster[0]!.child._id))?.archived).toBe(false);
  });

  it('by file when there is no connection: export, open at the other center with the code, confirm back', async () => {
    const a = await center('qingshan', 5, 3, '2026-11-06');
    const b = await center('shiqiao', 6, 1, '2026-11-06');
    const { roster, staffId: staffA } = a;
    const created = await createTransfer(a, roster[1]!, staffA, { to: 'shiqiao', relation: 'father', isLegalGuardian: true, method: 'in-person', consentGiven: true }, null);
    expect(created.record.posted).toBe(false);
    const file = transferFile(created.record);
    expect(file.name).toMatch(/^tongxin-transfer-qingshan-to-shiqiao-.{6}\.tongxin$/);
    expect(() => incomingFromFile(file.content, 'heping')).toThrow();
    expect(() => incomingFromFile('{"format":"tongxin-bundle"', 'shiqiao')).toThrow(BundleError);
    const inc = incomingFromFile(file.content, 'shiqiao');
    const res = await acceptTransfer(b, inc, created.code, 'shiqiao', b.staffId, null);
    expect(res.records).toBeGreaterThan(2);
    await confirmAcceptedByFile(a, created.record, staffA, roster);
    expect((await a.docs.get('child', roster[1]!.child._id))?.archived).toBe(true);
  });
});
