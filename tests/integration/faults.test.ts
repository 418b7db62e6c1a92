/**
 * Faults over real HTTP against the stand-in server: the connection dropping
 * in the middle of a batch, and two kiosks of one center editing the same
 * child and the same attendance offline, then syncing through the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PouchDB } from '../../renderer/src/storage/pouch/createPouch';
import MemoryAdapter from 'pouchdb-adapter-memory';
import { demoDocuments, generateDemoCenter } from '../../renderer/src/domain/demo';
import { provisionCenter } from '../../sync/couchdb/admin';
import { centerDbUrl, ReplicationController } from '../../sync/client/replication';
import type { ConflictResolution } from '../../sync/client/conflicts';
import { startCountyServer, until, type CountyServer } from './countyServer';
import { startCuttingProxy, type CuttingProxy } from './cuttingProxy';

PouchDB.plugin(MemoryAdapter);
const pinHash = { alg: 'PBKDF2-SHA256', iterations: 10_000, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=' } as const;
let server: CountyServer;
let proxy: CuttingProxy;
let password: string;

beforeAll(async () => {
  server = await startCountyServer();
  password = (await provisionCenter(server.admin, 'qingshan')).syncPassword!;
  proxy = await startCuttingProxy(Number(new URL(server.base).port || 80), new URL(server.base).hostname);
});
afterAll(async () => {
  await proxy?.close();
  await server?.stop();
});

const adminDb = () => new PouchDB(centerDbUrl(server.base, 'qingshan'), { skip_setup: true, auth: { username: server.admin.username, password: server.admin.password } } as object);
const open = (name: string) => new PouchDB(`${name}-${Date.now()}`, { adapter: 'memory' });
const revs = async (db: PouchDB.Database) => Object.fromEntries((await db.allDocs()).rows.filter((r) => !r.id.startsWith('_design/')).map((r) => [r.id, r.value.rev]));

describe('faults', () => {
  it('a connection cut in the middle of a batch, several times: the kiosk goes offline, resumes, and the server ends with exactly its documents', async () => {
    const local = open('kiosk-cut');
    const docs = demoDocuments(generateDemoCenter({ centerId: 'qingshan', seed: 11, children: 30, from: '2026-09-01', to: '2026-11-27', deviceId: 'kiosk-a', pinHash }));
    await local.bulkDocs(docs);
    const sync = new ReplicationController({ local, PouchDB, url: centerDbUrl(proxy.base, 'qingshan'), username: 'sync-qingshan', password, batchSize: 200 });
    sync.start();
    for (let i = 0; i < 3; i++) {
      proxy.arm(20_000 + i * 7_000); // mid-request or mid-response, somewhere inside a batch
      await until(() => proxy.cuts > i, 60_000);
      await until(() => sync.current.state === 'offline', 60_000);
      expect(sync.current.lastError?.kind).toBe('unreachable');
      await sync.restart(); // what the `online` event does
    }
    await until(async () => sync.current.state === 'idle' && (await sync.countPending()) === 0, 120_000);
    await sync.stop();
    const server = await revs(adminDb());
    const mine = await revs(local);
    for (const [id, rev] of Object.entries(mine)) expect(server[id], id).toBe(rev);
    expect(Object.keys(server).length).toBe(Object.keys(mine).length);
  }, 240_000);

  it('two kiosks edit the same child, private record and attendance offline, then sync through the server: both converge, edits to different fields are all kept, only a real same-field conflict is logged', async () => {
    const remote = adminDb();
    const a = open('kiosk-a');
    const b = open('kiosk-b');
    const logA: ConflictResolution[] = [];
    const logB: ConflictResolution[] = [];
    const mk = (local: PouchDB.Database, log: ConflictResolution[]) =>
      new ReplicationController({ local, PouchDB, url: centerDbUrl(server.base, 'qingshan'), username: 'sync-qingshan', password, onConflict: (c) => log.push(c) });
    // The center's records on the server (ids are deterministic: already there after the test above is fine).
    await remote.bulkDocs(demoDocuments(generateDemoCenter({ centerId: 'qingshan', seed: 12, children: 5, from: '2026-11-23', to: '2026-11-27', deviceId: 'kiosk-a', pinHash })));
    // Both start from the server's copy.
    for (const k of [a, b]) await k.replicate.from(remote);
    const child = (await a.allDocs({ startkey: 'child:', endkey: 'child:\ufff0', include_docs: true, limit: 1 })).rows[0]!.doc as unknown as Record<string, unknown> & { _id: string };
    const att = (await a.allDocs({ startkey: 'att:', endkey: 'att:\ufff0', include_docs: true, limit: 1 })).rows[0]!.doc as unknown as Record<string, unknown> & { _id: string };
    const priv = (await a.get(`private:${child._id}`)) as unknown as Record<string, unknown> & { _id: string; guardians: { phone: string }[] };

    // Offline edits: A changes the school earlier, B the grade later; A notes a late pick-up, B a check-out time.
    await a.put({ ...child, school: '镇中心小学', updatedAt: '2026-11-29T09:00:00+08:00', deviceId: 'kiosk-a' });
    await b.put({ ...((await b.get(child._id)) as object), grade: 5, updatedAt: '2026-11-29T10:00:00+08:00', deviceId: 'kiosk-b' });
    // The private record: A the address, B a guardian's phone and the same address differently (a real conflict, B later).
    await a.put({ ...priv, address: '青山村三组', updatedAt: '2026-11-29T09:30:00+08:00', deviceId: 'kiosk-a' });
    const privB = (await b.get(priv._id)) as unknown as typeof priv;
    await b.put({ ...privB, address: '青山村四组', guardians: privB.guardians.map((g, i) => (i === 0 ? { ...g, phone: '13800000000' } : g)), updatedAt: '2026-11-29T10:30:00+08:00', deviceId: 'kiosk-b' });
    await a.put({ ...att, notes: ['奶奶来晚了'], checkOutAt: '2026-11-29T18:30:00+08:00', updatedAt: '2026-11-29T18:30:00+08:00' });
    await b.put({ ...((await b.get(att._id)) as object), checkOutAt: '2026-11-29T18:10:00+08:00', updatedAt: '2026-11-29T18:10:00+08:00', notes: ['妈妈打电话说会晚到'] });

    const sa = mk(a, logA);
    const sb = mk(b, logB);
    sa.start();
    await until(async () => sa.current.state === 'idle' && (await sa.countPending()) === 0, 60_000);
    sb.start();
    await until(async () => sb.current.state === 'idle' && (await sb.countPending()) === 0, 60_000);
    await sa.restart();
    // Converged: same winning revision of both documents everywhere, no conflicts left.
    await until(async () => {
      const settled = async (id: string) => {
        const [x, y, z] = (await Promise.all([a, b, remote].map((db) => db.get(id, { conflicts: true })))) as (PouchDB.Core.Document<object> & PouchDB.Core.GetMeta)[];
        return x!._rev === y!._rev && y!._rev === z!._rev && !z!._conflicts;
      };
      return (await settled(child._id)) && (await settled(att._id)) && (await settled(priv._id));
    }, 60_000);
    await sa.stop();
    await sb.stop();
    const settledChild = (await remote.get(child._id)) as unknown as { grade: number; school: string };
    // Different fields of the child: both edits kept, and nothing for the administrator to review.
    expect(settledChild).toMatchObject({ grade: 5, school: '镇中心小学' });
    expect([...logA, ...logB].filter((c) => c.id === child._id)).toEqual([]);
    // The private record: the phone kept, the address B's (the later edit), and that one conflict logged once.
    const settledPriv = (await remote.get(priv._id)) as unknown as typeof priv;
    expect(settledPriv.address).toBe('青山村四组');
    expect(settledPriv.guardians[0]!.phone).toBe('13800000000');
    // (Each kiosk keeps its own log, and both may settle the conflict at once: at most one entry on each.)
    const privA = logA.filter((c) => c.id === priv._id);
    const privB2 = logB.filter((c) => c.id === priv._id);
    expect(privA.length).toBeLessThanOrEqual(1);
    expect(privB2.length).toBeLessThanOrEqual(1);
    const privLog = [...privA, ...privB2];
    expect(privLog.length).toBeGreaterThan(0);
    for (const entry of privLog) expect(entry.conflictingFields).toEqual(['address']);
    // Nothing logged but the private record's address and the attendance merge.
    expect([...logA, ...logB].every((c) => c.id === priv._id || c.id === att._id)).toBe(true);
    // Attendance merges: the later check-out, both notes.
    const settledAtt = (await remote.get(att._id)) as unknown as { checkOutAt: string; notes: string[] };
    expect(settledAtt.checkOutAt).toBe('2026-11-29T18:30:00+08:00');
    expect([...settledAtt.notes].sort()).toEqual(['奶奶来晚了', '妈妈打电话说会晚到'].sort());
    expect(sa.current.rejected).toEqual([]);
    expect(sb.current.rejected).toEqual([]);
  }, 180_000);
});
