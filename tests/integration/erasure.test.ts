/**
 * Issue 13 (erasure) and issue 14 (the server's old clear revisions) over HTTP on the trial
 * server (or the CouchDB in TONGXIN_TEST_COUCHDB): a kiosk (PouchDB's indexeddb adapter, the
 * app's, over fake-indexeddb) erases a child, its erasure request reaches the center database,
 * and county IT's `npm run county-purge` (run as the command itself) purges the server. Then no
 * document or revision of the child is on the kiosk, in the center database or in the county
 * copy, and the county's view counts are what they were. A migrated center's clear revisions
 * are gone after the same command.
 *
 * Stand-in: pouchdb-server has no `_purge` (sync/couchdb/purge.ts). There the command deletes
 * each document and compacts: what remains of the child is tombstones holding only their id,
 * type and center — checked below as exactly that; on CouchDB nothing remains.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PouchDB, openCenterDb } from '../../renderer/src/storage/pouch/createPouch';
import { PouchDocStore } from '../../renderer/src/storage/pouch/PouchDocStore';
import { MemoryDeviceStore } from '../../renderer/src/storage/memory/MemoryDeviceStore';
import { createKeyState } from '../../renderer/src/app/centerKey';
import { applyErasureRequests, childDocIds, eraseChild, listErasureRequests } from '../../renderer/src/app/erasure';
import { demoDocuments, generateDemoCenter } from '../../renderer/src/domain/demo';
import { couch } from '../../sync/couchdb/admin';
import { COUNTY_VIEWS } from '../../sync/couchdb/ddocs';
import { parseCountyFile, provision } from '../../sync/couchdb/provision';
import { isSealed } from '../../sync/schema/documents';
import { isChildsDoc } from '../../sync/schema/erasure';
import { COUNTY_COPY, isRetiredCountyCopy } from '../../sync/schema/county';
import { olderKioskCountyCopy } from '../../sync/schema/olderCountyCopies';
import { startCountyServer, until, type CountyServer } from './countyServer';

const run = promisify(execFile);
// PouchDB's indexeddb adapter reads navigator.userAgent when it opens a database (its blob
// check); Node 20 has no navigator, and the open would never finish. Node 21+ has one.
if (typeof globalThis.navigator === 'undefined') Object.defineProperty(globalThis, 'navigator', { value: { userAgent: 'Node.js' }, configurable: true });
// PouchDB's purge reads `self` (the page's global object: storage/pouch/purge.ts); Node has none.
if (typeof globalThis.self === 'undefined') Object.defineProperty(globalThis, 'self', { value: globalThis, configurable: true });
let server: CountyServer;
let standIn: boolean;
let creds: Record<string, string>;
let countyFile: string;
const pinHash = { alg: 'PBKDF2-SHA256', iterations: 10_000, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=' } as const;
const t0 = Date.now();
const step = (what: string) => console.log(`[erasure test] ${((Date.now() - t0) / 1000).toFixed(1)} s ${what}`);
const TOMBSTONE_KEYS = ['_deleted', '_id', '_rev', '_revisions', 'centerId', 'type'];

beforeAll(async () => {
  server = await startCountyServer();
  standIn = 'express-pouchdb' in (await couch(server.admin, 'GET', '')).json;
  const county = { county: { id: 'yunxi', name: '云溪县' }, server: server.base, centers: [{ id: 'qingshan', name: '青山' }, { id: 'shiqiao', name: '石桥' }] };
  const report = await provision(server.admin, parseCountyFile(JSON.stringify(county)));
  expect(report.errors).toEqual([]);
  creds = Object.fromEntries(report.credentials.map((c) => [c.user.replace(/^sync-/, ''), c.password]));
  countyFile = path.join(tmpdir(), `tongxin-erasure-${process.pid}.json`);
  await writeFile(countyFile, JSON.stringify(county));
});
afterAll(async () => server?.stop());

const remoteOf = (centerId: string) =>
  new PouchDB(`${server.base}/center_${centerId}`, { auth: { username: `sync-${centerId}`, password: creds[centerId]! } } as PouchDB.Configuration.RemoteDatabaseConfiguration);

async function countyPurge(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'sync/couchdb/county-purge.ts', countyFile, ...args], {
    timeout: 120_000,
    env: { ...process.env, TONGXIN_ADMIN_PASSWORD: server.admin.password, TONGXIN_ADMIN_USER: server.admin.username },
  });
  return stdout;
}

/** Every revision the server still serves of `id`: its leaves (open_revs=all, revs=true) and every revision revs_info calls available. */
async function storedRevisions(db: string, id: string): Promise<Record<string, unknown>[]> {
  const leaves = await couch(server.admin, 'GET', `${db}/${encodeURIComponent(id)}?open_revs=all&revs=true`);
  if (leaves.status === 404) return [];
  const out: Record<string, unknown>[] = [];
  for (const row of leaves.json as unknown as { ok?: { _rev: string } }[]) {
    if (!row.ok) continue;
    const info = await couch(server.admin, 'GET', `${db}/${encodeURIComponent(id)}?rev=${row.ok._rev}&revs_info=true`);
    for (const r of (info.json._revs_info ?? []) as { rev: string; status: string }[]) {
      if (r.status !== 'available' && r.status !== 'deleted') continue;
      const body = await couch(server.admin, 'GET', `${db}/${encodeURIComponent(id)}?rev=${r.rev}`);
      if (body.status === 200) out.push(body.json);
    }
  }
  return out;
}

async function changesText(db: string): Promise<string> {
  return JSON.stringify((await couch(server.admin, 'GET', `${db}/_changes?style=all_docs&include_docs=true`)).json);
}

async function countyCounts(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const view of COUNTY_VIEWS) out[view] = (await couch(server.admin, 'GET', `county_yunxi/_design/county/_view/${view}?group=true`)).json.rows;
  return out;
}


describe('erasing a child, end to end', () => {
  it('leaves no document or revision of the child on the kiosk, the center database or the county copy; county counts stay', async () => {
    const demo = generateDemoCenter({ centerId: 'qingshan', seed: 21, children: 6, from: '2026-11-02', to: '2026-11-27', deviceId: 'kiosk-a', pinHash });
    const db = openCenterDb(`erasure-a-${Date.now()}`);
    const store = new PouchDocStore(db);
    const device = new MemoryDeviceStore();
    expect((await store.bulkCreate(demoDocuments(demo))).failed).toEqual([]);
    // A child whose guardian consented to county statistics, so the county copy holds their events.
    const child = demo.children.find((c) => demo.attendance.some((a) => a.childId === c._id.slice(6) && a.snapshot.countyOk))!;
    const childId = child._id.slice('child:'.length);
    const priv = demo.privates.find((p) => p.childId === childId)!;
    // A kiosk of an older version (up to DDOC_VERSION 6) left per-event county copies of the child's check-ins and mood answers:
    // no view counts them any more, and the erasure must reach them in the county database too.
    const olderCopies = [...demo.attendance, ...demo.moods].filter((e) => e.childId === childId).map((e) => olderKioskCountyCopy(e)).filter((c) => c !== null);
    expect(olderCopies.length).toBeGreaterThan(0);
    expect((await db.bulkDocs(olderCopies)).filter((r) => 'error' in r && r.error)).toEqual([]);
    const secrets = [priv.fullName, ...priv.guardians.flatMap((g) => [g.name, ...(g.phone ? [g.phone] : [])])];
    // A second kiosk of the center with its own copy, and an edit the server has as an earlier revision.
    await store.update('childPrivate', priv._id, (p) => (p ? { ...p, address: '石桥镇二组', updatedAt: new Date().toISOString() } : null));
    step("const remote = remoteOf('qings");
    const remote = remoteOf('qingshan');
    expect((await db.replicate.to(remote)).doc_write_failures).toBe(0);
    const other = openCenterDb(`erasure-b-${Date.now()}`);
    await other.replicate.from(remote);
    step('await until(async () => (await');
    await until(async () => (await changesText('county_yunxi')).includes(childId), 60_000);

    step('const onServer');
    const onServer = (await couch(server.admin, 'GET', 'center_qingshan/_all_docs?include_docs=true')).json.rows as { id: string; doc: { _id: string } }[];
    const serverIds = onServer.filter((r) => isChildsDoc(r.doc, childId)).map((r) => r.id);
    expect(serverIds.length).toBeGreaterThan(10);
    const countyIds = ((await couch(server.admin, 'GET', 'county_yunxi/_all_docs')).json.rows as { id: string }[]).map((r) => r.id).filter((id) => id.includes(childId));
    expect(countyIds.length).toBeGreaterThan(0);
    const countsBefore = await countyCounts();

    step('// The kiosk: the guardian ask');
    // The kiosk: the guardian asked; the admin erases.
    const staffId = demo.staff.find((s) => s.role === 'admin')!._id;
    const request = await eraseChild(
      { docs: store, centerDb: db, device, deviceId: 'kiosk-a', now: () => new Date() },
      { childId, centerId: 'qingshan', ground: 'guardian-request', requestedBy: { relation: 'mother', method: 'in-person', isLegalGuardian: true }, staffId },
    );
    expect(request.docIds.length).toBeGreaterThanOrEqual(serverIds.length);
    expect(JSON.stringify(request)).not.toContain(priv.fullName);
    expect(await childDocIds(db, childId)).toEqual([]);
    for (const id of serverIds) expect(await db.get(id, { open_revs: 'all' }).catch((e: { status: number }) => e.status)).toEqual(404);
    const kioskChanges = await db.changes({ style: 'all_docs', include_docs: true });
    expect(kioskChanges.results.filter((c) => c.id !== request._id && c.id.includes(childId))).toEqual([]);
    for (const s of secrets) expect(JSON.stringify(kioskChanges)).not.toContain(s);
    expect((await device.listAudit(5))[0]).toMatchObject({ action: 'erase-child', staffId });

    step('// The request reaches');
    // The request reaches the server (the purge sent nothing else); the other kiosk purges its copy when it arrives.
    expect((await db.replicate.to(remote)).docs_written).toBeGreaterThanOrEqual(1);
    await other.replicate.from(remote);
    expect(await applyErasureRequests(other)).toBeGreaterThan(10);
    expect(await childDocIds(other, childId)).toEqual([]);
    expect(await applyErasureRequests(other)).toBe(0);

    step('// County IT runs');
    // County IT runs the command.
    const out = await countyPurge('--center', 'qingshan', '--erasures');
    expect(out).toContain(`child ${childId} erased from the server`);

    step('for (const id of serverIds) {\n');
    for (const id of serverIds) {
      const revs = await storedRevisions('center_qingshan', id);
      if (!standIn) expect(revs, id).toEqual([]);
      // Stand-in: a counted county copy (a screening's) stays (its deletion would replicate into the county's counts) …
      else if (id.startsWith('county:') && !isRetiredCountyCopy(id)) for (const r of revs) expect(COUNTY_COPY[r.type as 'countyScreening'].schema.safeParse(r).success, id).toBe(true);
      // … and every other document is a tombstone with nothing but its type and center.
      else for (const r of revs) expect(Object.keys(r).sort(), id).toEqual(TOMBSTONE_KEYS.filter((k) => k in r));
    }
    const centerChanges = await changesText('center_qingshan');
    for (const s of secrets) expect(centerChanges).not.toContain(s);
    if (!standIn) expect(centerChanges.replaceAll(`erasure:${childId}`, '')).not.toContain(childId);
    // The county's counts stay (no view counts the retired copies) …
    expect(await countyCounts()).toEqual(countsBefore);
    // … and the retired per-event copies of the child are gone from the county database: purged on CouchDB, a bare tombstone on the stand-in.
    for (const c of olderCopies) {
      const revs = await storedRevisions('county_yunxi', c._id);
      if (!standIn) expect(revs, c._id).toEqual([]);
      else for (const r of revs) expect(Object.keys(r).sort(), c._id).toEqual(TOMBSTONE_KEYS.filter((k) => k in r));
    }
    const live = ((await couch(server.admin, 'POST', 'county_yunxi/_all_docs', { keys: olderCopies.map((c) => c._id) })).json.rows as { value?: { deleted?: boolean } }[]).filter((r) => r.value && !r.value.deleted);
    expect(live).toEqual([]);
    const countyChanges = await changesText('county_yunxi');
    for (const s of secrets) expect(countyChanges).not.toContain(s);

    step('// The kiosk sees');
    // The kiosk sees the request done.
    await db.replicate.from(remote);
    const [shown] = await listErasureRequests(store);
    expect(shown).toMatchObject({ childId, status: 'done' });
    // Stand-in: the county copies stay in the center database (above), so they are not counted as purged.
    expect(shown!.purged!.center).toBeGreaterThanOrEqual(standIn ? serverIds.filter((id) => !id.startsWith('county:') || isRetiredCountyCopy(id)).length : serverIds.length);
    expect(shown!.purged!.county).toBeGreaterThanOrEqual(olderCopies.length);
    // Running it again finds nothing to do.
    expect(await countyPurge('--center', 'qingshan', '--erasures')).toContain('qingshan: no erasure request waiting');
  }, 600_000);
});

describe("purging the clear revisions the encryption migration left on the server", () => {
  it('after migration and the command, no clear name, phone or note is stored on the server', async () => {
    const demo = generateDemoCenter({ centerId: 'shiqiao', seed: 22, children: 6, from: '2026-11-02', to: '2026-11-27', deviceId: 'kiosk-s', pinHash });
    const db = openCenterDb(`erasure-c-${Date.now()}`);
    await db.bulkDocs(demoDocuments(demo));
    const remote = remoteOf('shiqiao');
    expect((await db.replicate.to(remote)).doc_write_failures).toBe(0);
    const secrets = demo.privates.flatMap((p) => [p.fullName, ...p.guardians.flatMap((g) => [g.name, ...(g.phone ? [g.phone] : [])])]);
    // A clear conflicting branch another kiosk left before it migrated (the same record, its own edit).
    const first = demo.privates[0]!;
    const stored = (await db.get(first._id)) as unknown as Record<string, unknown> & { _rev: string };
    const branch = { ...stored, _rev: `2-${'b'.repeat(32)}`, _revisions: { start: 2, ids: ['b'.repeat(32), stored._rev.split('-')[1]] }, address: '旧地址' };
    const put = await couch(server.admin, 'POST', 'center_shiqiao/_bulk_docs', { docs: [branch], new_edits: false });
    expect(put.status).toBeLessThan(300);

    const store = new PouchDocStore(db);
    const keys = createKeyState(new MemoryDeviceStore(), store);
    await keys.create('shiqiao', 'kiosk-s');
    expect(await keys.resealAll()).toBeGreaterThan(0);
    expect((await db.replicate.to(remote)).doc_write_failures).toBe(0);

    // Migrated, but the server still serves the earlier clear revisions and the clear branch.
    const privateIds = demo.privates.map((p) => p._id);
    const before = JSON.stringify(await Promise.all(privateIds.map((id) => storedRevisions('center_shiqiao', id))));
    expect(secrets.some((s) => before.includes(s))).toBe(true);

    const out = await countyPurge('--center', 'shiqiao', '--clear-revisions');
    expect(out).toMatch(/private document\(s\) to check/);
    expect(out).toContain('no clear revision of a migrated document remains');

    const all = await couch(server.admin, 'GET', 'center_shiqiao/_all_docs?include_docs=true');
    for (const row of all.json.rows as { id: string; doc: { type?: string } }[]) {
      if (!['childPrivate', 'child', 'consent'].includes(row.doc.type ?? '')) continue;
      for (const r of await storedRevisions('center_shiqiao', row.id)) if (!r._deleted) expect(isSealed(r), `${row.id} ${String(r._rev)}`).toBe(true);
    }
    const after = JSON.stringify(await Promise.all(privateIds.map((id) => storedRevisions('center_shiqiao', id)))) + (await changesText('center_shiqiao'));
    for (const s of secrets) expect(after).not.toContain(s);
    expect(after).not.toContain('旧地址');
    await until(async () => (await changesText('county_yunxi')).includes('shiqiao'), 60_000);
    const county = await changesText('county_yunxi');
    for (const s of secrets) expect(county).not.toContain(s);
  }, 600_000);
});
