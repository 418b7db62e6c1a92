/**
 * A replacement kiosk working in seconds (issue 13): the staged first pull of
 * a joining kiosk — what it needs to work first (`usablePull` with the join's
 * key ranges), then the history in the background (`initialPull`), then the
 * live sync. Starts: pouchdb-server (the bundled CouchDB-compatible trial
 * server) on a free loopback port, provisioned with the real design
 * documents, holding a generated center with a term and a half of history; the
 * kiosk side is real PouchDB (in-memory adapter: replication does not depend
 * on the adapter; the app's IndexedDB is exercised by tests/e2e/stagedJoin).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import MemoryAdapter from 'pouchdb-adapter-memory';
import { PouchDB } from '../../renderer/src/storage/pouch/createPouch';
import { demoDocuments, generateDemoCenter } from '../../renderer/src/domain/demo';
import { joinRanges, USABLE_REGISTER_DAYS } from '../../renderer/src/features/setup/joinCenter';
import { addDays } from '../../renderer/src/domain/dates';
import { couch, provisionCenter } from '../../sync/couchdb/admin';
import { centerDbUrl, ReplicationController } from '../../sync/client/replication';
import { historyPending, initialPull, inRanges, INITIAL_PULL_STATE_ID, pullReplicationId, usablePull } from '../../sync/client/initialPull';
import { unsentIds } from '../../sync/client/acknowledged';
import { startCountyServer, until, type CountyServer } from './countyServer';

PouchDB.plugin(MemoryAdapter);
const openKioskDb = (name: string) => new PouchDB(`${name}-${Date.now()}-${Math.random()}`, { adapter: 'memory' });

const TODAY = '2026-11-20';
const pinHash = { alg: 'PBKDF2-SHA256', iterations: 10_000, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=' } as const;
// Spring term's last weeks and the autumn term up to yesterday: history before the term, the term before the usable window, and the window.
const center = generateDemoCenter({ centerId: 'qingshan', seed: 11, children: 12, from: '2026-06-01', to: addDays(TODAY, -1), deviceId: 'kiosk-a', pinHash });
const docs = demoDocuments(center);
const ranges = joinRanges(TODAY);

let server: CountyServer;
let password: string;
const remoteOf = () => new PouchDB(centerDbUrl(server.base, 'qingshan'), { skip_setup: true, auth: { username: 'sync-qingshan', password } } as object);
const adminRemote = () => new PouchDB(centerDbUrl(server.base, 'qingshan'), { skip_setup: true, auth: { username: server.admin.username, password: server.admin.password } } as object);

/** Every document id with its leaf revisions (deleted ones included), sorted: what "the same database" means here. */
async function leaves(db: PouchDB.Database): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  let since: string | number = 0;
  for (;;) {
    const page: PouchDB.Core.ChangesResponse<object> = await db.changes({ since, limit: 2_000, style: 'all_docs' } as PouchDB.Core.ChangesOptions);
    if (page.results.length === 0) break;
    for (const c of page.results) out[c.id] = c.changes.map((x: { rev: string }) => x.rev).sort();
    since = page.last_seq;
  }
  return out;
}

beforeAll(async () => {
  server = await startCountyServer();
  password = (await provisionCenter(server.admin, 'qingshan')).syncPassword!;
  for (let i = 0; i < docs.length; i += 2_000) {
    const res = await couch(server.admin, 'POST', 'center_qingshan/_bulk_docs', { docs: docs.slice(i, i + 2_000) });
    expect((res.json as unknown as { error?: string }[]).filter((r) => r.error)).toEqual([]);
  }
}, 120_000);
afterAll(async () => server?.stop());

describe('the staged first pull of a joining kiosk', () => {
  it('the usable stage brings every child, private record, staff member, consent and the recent register — and little else', async () => {
    const local = openKioskDb('usable');
    const progress: number[] = [];
    const res = await usablePull({ local, remote: remoteOf(), ranges: ranges.now, laterRanges: ranges.later, onProgress: (n) => progress.push(n) });
    expect(res.ran).toBe(true);
    const here = new Set((await local.allDocs()).rows.map((r) => r.id));
    const must = docs.filter((d) => ['center', 'staff', 'child', 'childPrivate', 'consent'].includes(d.type));
    expect(must.length).toBeGreaterThan(12 * 3);
    expect(must.filter((d) => !here.has(d._id)).map((d) => d._id)).toEqual([]);
    const cutoff = addDays(TODAY, -USABLE_REGISTER_DAYS);
    const recent = docs.filter((d) => d.type === 'attendance' && (d as { date: string }).date >= cutoff);
    expect(recent.length).toBeGreaterThan(0);
    expect(recent.filter((d) => !here.has(d._id))).toEqual([]);
    // Nothing outside the ranges: older attendance, mood history and county copies wait for the background.
    expect([...here].filter((id) => !inRanges(id, ranges.now))).toEqual([]);
    expect(docs.some((d) => d.type === 'attendance' && (d as { date: string }).date < cutoff && here.has(d._id))).toBe(false);
    expect(here.size).toBeLessThan(docs.length / 3);
    expect(progress.at(-1)).toBe(here.size);
    // The history is due, and says how much the server holds.
    const pending = await historyPending(local);
    expect(pending!.done).toBe(here.size);
    expect(pending!.total).toBeGreaterThanOrEqual(docs.length);
    // What came from the server is not "waiting to go up".
    expect(await unsentIds(local)).toEqual([]);
    // No live-sync checkpoint yet: nothing may carry on from a point past what has not arrived.
    await expect(local.get(await pullReplicationId(local, remoteOf()))).rejects.toMatchObject({ status: 404 });
  }, 120_000);

  it('after the background stage every server document is on the kiosk, each revision written once, and the push has nothing to ask about', async () => {
    const local = openKioskDb('history');
    const remote = remoteOf();
    const usable = await usablePull({ local, remote, ranges: ranges.now, laterRanges: ranges.later });
    const seen: { done: number; total: number | null }[] = [];
    const res = await initialPull({ local, remote, pageSize: 700, onProgress: (_n, p) => seen.push({ done: p.done, total: p.total }) });
    expect(res.ran).toBe(true);
    expect(res.repaired).toBe(0);
    expect(await leaves(local)).toEqual(await leaves(adminRemote()));
    // The later range (the rest of the term) and the feed wrote only what the usable stage had not: every revision once.
    const info = await local.info();
    expect(info.update_seq).toBe(usable.docs + res.docs);
    expect(info.doc_count).toBe((await adminRemote().info()).doc_count);
    // Progress went up to the server's count.
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.at(-1)!.done).toBe(seen.at(-1)!.total);
    expect(await historyPending(local)).toBeNull();
    // The pull checkpoint is written at the end, and the push knows every local change came from the server.
    await expect(local.get(await pullReplicationId(local, remote))).resolves.toBeTruthy();
    expect(await unsentIds(local)).toEqual([]);
  }, 180_000);

  it('an interrupted history stage resumes where it stopped: nothing lost, nothing twice, and the live sync waits for it', async () => {
    const local = openKioskDb('resume');
    const remote = remoteOf();
    await usablePull({ local, remote, ranges: ranges.now, laterRanges: ranges.later });
    const stop = new AbortController();
    const first: number[] = [];
    await expect(initialPull({ local, remote, pageSize: 500, signal: stop.signal, onProgress: (n) => (first.push(n), first.length === 3 && stop.abort()) })).rejects.toBeTruthy();
    const stoppedAt = (await historyPending(local))!;
    expect(stoppedAt.done).toBeGreaterThan(0);
    expect(stoppedAt.done).toBeLessThan(stoppedAt.total!);
    // Closed half-way: no pull checkpoint, so no live sync can skip what has not arrived.
    await expect(local.get(await pullReplicationId(local, remote))).rejects.toMatchObject({ status: 404 });

    const savedSince = ((await local.get(INITIAL_PULL_STATE_ID)) as unknown as { since: string | number }).since;
    expect(String(savedSince)).not.toBe('0');

    // The next start is the app's: the controller resumes the history, then syncs live.
    const statuses: (number | null)[] = [];
    const sinces: string[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = ((url: string | URL | Request, init?: RequestInit) => {
      const u = new URL(String(url instanceof Request ? url.url : url));
      if (u.pathname.endsWith('/_changes') && u.searchParams.get('include_docs') === 'true') sinces.push(u.searchParams.get('since') ?? '');
      return realFetch(url, init);
    }) as typeof fetch;
    const sync = new ReplicationController({ local, PouchDB, url: centerDbUrl(server.base, 'qingshan'), username: 'sync-qingshan', password, firstPullPageSize: 500, onStatus: (s) => statuses.push(s.firstPullProgress?.done ?? null) });
    try {
      sync.start();
      await until(async () => sync.current.state === 'idle' && (await sync.countPending()) === 0, 120_000);
    } finally {
      globalThis.fetch = realFetch;
      await sync.stop();
    }
    // Resumed, not restarted: the feed is read on from where the first run stopped, and progress never went back.
    expect(sinces[0]).toBe(String(savedSince));
    expect(statuses.filter((d): d is number => d !== null).every((d) => d >= stoppedAt.done)).toBe(true);
    expect(await leaves(local)).toEqual(await leaves(adminRemote()));
    expect((await local.info()).doc_count).toBe((await adminRemote().info()).doc_count);
    const conflicted = (await local.allDocs({ conflicts: true, include_docs: true } as PouchDB.Core.AllDocsOptions)).rows.filter((r) => (r.doc as { _conflicts?: string[] })._conflicts?.length);
    expect(conflicted).toEqual([]);
    expect(await historyPending(local)).toBeNull();
  }, 240_000);

  it('changes made on the server during the history pull arrive, and what the kiosk records meanwhile goes up', async () => {
    const local = openKioskDb('live');
    const remote = remoteOf();
    const admin = adminRemote();
    await usablePull({ local, remote, ranges: ranges.now, laterRanges: ranges.later });
    // Today's register on the other kiosk, an edit of the center, and a deletion of an old record — while the history arrives.
    const todays = generateDemoCenter({ centerId: 'qingshan', seed: 11, children: 12, from: TODAY, to: TODAY, deviceId: 'kiosk-b', pinHash }).attendance.slice(0, 3);
    expect(todays.length).toBe(3);
    const oldAtt = docs.find((d) => d.type === 'attendance' && (d as { date: string }).date < '2026-07-01')!;
    let changed: Promise<unknown> | null = null;
    let failure: unknown = null;
    const changeServer = async () => {
      await admin.bulkDocs(todays.map((d) => ({ ...d, _id: `${d._id}`, deviceId: 'kiosk-b' })) as object[]);
      const c = (await admin.get('center:qingshan')) as unknown as Record<string, unknown>;
      await admin.put({ ...c, name: '青山村儿童之家（新名）', updatedAt: '2026-11-20T10:00:00+08:00' });
      const old = (await admin.get(oldAtt._id)) as unknown as { _rev: string };
      await admin.put({ _id: oldAtt._id, _rev: old._rev, _deleted: true, type: 'attendance', centerId: 'qingshan' });
    };
    // And the kiosk, open meanwhile, records something of its own.
    const own = { _id: 'day:2026-11-21', type: 'day', centerId: 'qingshan', date: '2026-11-21', held: false, reason: '村里停电', schemaVersion: 1, createdAt: '2026-11-20T10:00:00+08:00', updatedAt: '2026-11-20T10:00:00+08:00', deviceId: 'kiosk-new' };
    let wroteOwn = false;
    const sync = new ReplicationController({
      local, PouchDB, url: centerDbUrl(server.base, 'qingshan'), username: 'sync-qingshan', password, firstPullPageSize: 400,
      onStatus: (s) => {
        if (s.firstPullProgress && s.firstPullProgress.done > 0 && !changed) changed = changeServer().catch((e: unknown) => (failure = e));
        if (s.firstPullProgress && s.firstPullProgress.done > 800 && !wroteOwn) {
          wroteOwn = true;
          void local.put(own);
        }
      },
    });
    try {
      sync.start();
      await until(() => changed !== null && wroteOwn, 60_000);
      await changed;
      await until(async () => sync.current.state === 'idle' && (await sync.countPending()) === 0 && (await admin.get(own._id).catch(() => null)) !== null, 120_000);
    } finally {
      await sync.stop();
    }
    expect(failure).toBeNull();
    for (const d of todays) expect((await local.get(d._id))._id).toBe(d._id);
    expect(((await local.get('center:qingshan')) as unknown as { name: string }).name).toBe('青山村儿童之家（新名）');
    await expect(local.get(oldAtt._id)).rejects.toMatchObject({ status: 404 });
    // The kiosk's own record was not taken for one the server sent: it went up.
    expect(((await admin.get(own._id)) as unknown as { reason: string }).reason).toBe('村里停电');
    expect(await leaves(local)).toEqual(await leaves(admin));
  }, 240_000);
  it('the history gives way to a person using the kiosk: no page is written while its pace holds it, and all of it arrives once let go', async () => {
    const local = openKioskDb('pace');
    const remote = remoteOf();
    await usablePull({ local, remote, ranges: ranges.now, laterRanges: ranges.later });
    const usable = (await local.info()).doc_count;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let asked = 0;
    const pulling = initialPull({ local, remote, pageSize: 500, pace: () => (asked++, held) });
    await until(() => asked > 0);
    // The page is fetched, and waits: nothing more on the kiosk.
    await new Promise((r) => setTimeout(r, 500));
    expect((await local.info()).doc_count).toBe(usable);
    release();
    const res = await pulling;
    expect(res.ran).toBe(true);
    expect(asked).toBeGreaterThan(2);
    expect(Object.keys(await leaves(local)).filter((id) => !id.startsWith('_')).sort()).toEqual(Object.keys(await leaves(adminRemote())).filter((id) => !id.startsWith('_')).sort());
  }, 120_000);
});
