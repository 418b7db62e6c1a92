/**
 * A county end to end on the bundled trial server (pouchdb-server, started on
 * a free loopback port): provisioning from a county file, kiosks writing to
 * their center databases, the server-side copy into the county database that
 * carries no private documents, and the dashboard views answering by
 * [center, month, group, …] without loading documents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { couch } from '../../sync/couchdb/admin';
import { parseCountyFile, provision, replicationDoc } from '../../sync/couchdb/provision';
import { COUNTY_SELECTOR, COUNTY_TYPES } from '../../sync/couchdb/ddocs';
import { countyFields, withCountyCopies } from '../../sync/schema/county';
import { demoDocuments, generateDemoCenter } from '../../renderer/src/domain/demo';
import { startCountyServer, until, type CountyServer } from './countyServer';

let server: CountyServer;
const pinHash = { alg: 'PBKDF2-SHA256', iterations: 10_000, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=' } as const;

beforeAll(async () => {
  server = await startCountyServer();
});
afterAll(async () => server?.stop());


describe('county file', () => {
  it('refuses credentials in the file and says what is wrong', () => {
    expect(() => parseCountyFile('{')).toThrow(/not valid JSON/);
    expect(() => parseCountyFile(JSON.stringify({ county: { id: 'yunxi', name: 'x' }, server: 'http://127.0.0.1:1', centers: [{ id: 'a1', name: 'a' }], password: 'x' }))).toThrow(/must not contain credentials/);
    expect(() => parseCountyFile(JSON.stringify({ county: { id: 'Yunxi', name: 'x' }, server: 'http://127.0.0.1:1', centers: [] }))).toThrow(/county.id/);
    expect(() => parseCountyFile(JSON.stringify({ county: { id: 'yunxi', name: 'x' }, server: 'http://127.0.0.1:1', centers: [{ id: 'a1', name: 'a' }, { id: 'a1', name: 'b' }] }))).toThrow(/listed twice/);
  });
  it('uses a selector and auth for CouchDB 3, a filter and URL credentials only for the stand-in', () => {
    const a = { base: 'http://127.0.0.1:5984', username: 'admin', password: 'p@ss' };
    expect(replicationDoc(a, 'yunxi', 'qingshan', false)).toMatchObject({ selector: COUNTY_SELECTOR, source: { url: 'http://127.0.0.1:5984/center_qingshan', auth: { basic: { username: 'admin' } } } });
    expect(replicationDoc(a, 'yunxi', 'qingshan', true)).toMatchObject({ filter: 'tongxin/deidentified', source: 'http://admin:p%40ss@127.0.0.1:5984/center_qingshan' });
  });
});

describe('a provisioned county', () => {
  it('copies only de-identified documents into the county database, and its views count them', async () => {
    const file = parseCountyFile(JSON.stringify({ county: { id: 'yunxi', name: '云溪县' }, server: server.base, centers: [{ id: 'qingshan', name: '青山' }, { id: 'shiqiao', name: '石桥' }], coordinators: [{ name: 'coord-li' }] }));
    const first = await provision(server.admin, file);
    expect(first.errors).toEqual([]);
    expect(first.credentials.map((c) => c.user)).toEqual(['sync-qingshan', 'sync-shiqiao', 'coord-li']);
    const again = await provision(server.admin, file);
    expect(again.errors).toEqual([]);
    expect(again.credentials).toEqual([]);
    expect(new Set(again.steps.map((s) => s.outcome))).toEqual(new Set(['unchanged']));

    const demo = generateDemoCenter({ centerId: 'qingshan', seed: 9, children: 15, from: '2026-10-01', to: '2026-10-31', deviceId: 'k', pinHash });
    const kiosk = { base: server.base, username: 'sync-qingshan', password: first.credentials[0]!.password };
    // What the kiosk's DocStore writes: each event with its county copy.
    const res = await couch(kiosk, 'POST', 'center_qingshan/_bulk_docs', { docs: withCountyCopies(demoDocuments(demo)) });
    expect((res.json as unknown as { error?: string }[]).filter((r) => r.error)).toEqual([]);

    const expectedPresent = demo.attendance.filter((a) => a.status === 'present' && a.snapshot.countyOk).length;
    await until(async () => {
      const v = await couch(server.admin, 'GET', 'county_yunxi/_design/county/_view/attendance?reduce=true');
      return ((v.json.rows as { value: number }[] | undefined)?.[0]?.value ?? 0) === expectedPresent;
    }, 60_000);
    const all = await couch(server.admin, 'GET', 'county_yunxi/_all_docs?include_docs=true');
    const rows = all.json.rows as { id: string; doc: { type?: string } }[];
    expect(rows.some((r) => r.id.startsWith('private:'))).toBe(false);
    const types = new Set(rows.map((r) => r.doc.type).filter((t): t is string => typeof t === 'string'));
    expect([...types].every((t) => (COUNTY_TYPES as readonly string[]).includes(t))).toBe(true);
    for (const t of ['center', 'countyAttendance', 'countyMood', 'serviceTally']) expect(types).toContain(t);
    // The working events stay in the center: the county has their copies only.
    for (const t of ['attendance', 'mood', 'screening']) expect(types).not.toContain(t);
    // Activities stay in the center: their participants' ids and free text never reach the county.
    expect(types).not.toContain('activity');
    const tallies = rows.filter((r) => r.doc.type === 'serviceTally');
    expect(tallies.length).toBe(demo.activities.length);
    for (const r of tallies) expect(JSON.stringify(r.doc)).not.toMatch(/childId|providerName|notes/);
    expect(JSON.stringify(rows)).not.toMatch(new RegExp(demo.privates.map((p) => p.fullName).join('|')));
    // Every field the county database holds is in the county copy's table; nothing else.
    const fields = countyFields() as Record<string, string[]>;
    for (const r of rows.filter((x) => !x.id.startsWith('_design/'))) {
      const type = String(r.doc.type);
      expect(fields[type], r.id).toBeDefined();
      for (const k of Object.keys(r.doc)) expect(fields[type], `${r.id}.${k}`).toContain(k);
    }
    expect(JSON.stringify(rows)).not.toMatch(/wantsTalk|checkInAt|pickedUpBy|"notes"/);
    const byGroup = await couch(server.admin, 'GET', 'county_yunxi/_design/county/_view/attendance?group_level=3');
    const groups = (byGroup.json.rows as { key: [string, string, string]; value: number }[]).filter((r) => r.key[1] === '2026-10');
    expect(groups.reduce((s, r) => s + r.value, 0)).toBe(expectedPresent);
    // A coordinator reads the county views; a center's kiosk account cannot.
    const coord = { base: server.base, username: 'coord-li', password: first.credentials[2]!.password };
    expect((await couch(coord, 'GET', 'county_yunxi/_design/county/_view/services?group_level=2')).status).toBe(200);
    expect((await couch(kiosk, 'GET', 'county_yunxi/_all_docs')).status).toBeGreaterThanOrEqual(401);
    expect((await couch(kiosk, 'GET', 'center_shiqiao/_all_docs')).status).toBeGreaterThanOrEqual(401);
  });

  it('keeps private data out of the county copy: unknown fields, deletions with a body, county types under private ids', async () => {
    const file = parseCountyFile(JSON.stringify({ county: { id: 'yunxi', name: '云溪县' }, server: server.base, centers: [{ id: 'qingshan', name: '青山' }, { id: 'shiqiao', name: '石桥' }] }));
    await provision(server.admin, file);
    const demo = generateDemoCenter({ centerId: 'qingshan', seed: 11, children: 3, from: '2026-11-02', to: '2026-11-03', deviceId: 'k', pinHash });
    const att = demo.attendance.find((a) => a.snapshot.countyOk)!;
    const priv = demo.privates[0]!;
    // The center database refuses an unknown field and a deletion that carries a body (written here as the county admin: the rules bind everyone).
    const extra = await couch(server.admin, 'PUT', `center_qingshan/${encodeURIComponent(att._id)}`, { ...att, childName: priv.fullName });
    expect([extra.status, String(extra.json.reason)]).toEqual([403, expect.stringMatching(/childName: not a field of this document/)]);
    const put = await couch(server.admin, 'PUT', `center_qingshan/${encodeURIComponent(priv._id)}`, priv);
    expect(put.status).toBe(201);
    const deletion = await couch(server.admin, 'PUT', `center_qingshan/${encodeURIComponent(priv._id)}`, { ...priv, _rev: put.json.rev, _deleted: true });
    expect([deletion.status, String(deletion.json.reason)]).toEqual([403, expect.stringMatching(/a deletion keeps only type and centerId/)]);
    // A center-level type stored under a private: id is accepted by the center, and never copied.
    const hidden = { ...demo.center, _id: 'private:center-copy' };
    expect((await couch(server.admin, 'PUT', `center_qingshan/${encodeURIComponent(hidden._id)}`, hidden)).status).toBe(201);
    const marker = { ...demo.center, _id: 'day:2026-11-30', type: 'day', date: '2026-11-30', held: false, reason: '标记' } as Record<string, unknown>;
    for (const k of ['name', 'county', 'township', 'village', 'defaultLocale', 'settings']) delete marker[k];
    expect((await couch(server.admin, 'PUT', `center_qingshan/${encodeURIComponent(String(marker._id))}`, marker)).status).toBe(201);
    await until(async () => (await couch(server.admin, 'GET', 'county_yunxi/day:2026-11-30')).status === 200, 60_000);
    expect((await couch(server.admin, 'GET', 'county_yunxi/private:center-copy')).status).toBe(404);
    // The county database refuses, on its own, whatever is not in the county copy's table — even from an administrator.
    const copy = withCountyCopies([att]).find((d) => d.type === 'countyAttendance')!;
    const direct = async (d: object) => couch(server.admin, 'POST', 'county_yunxi', d);
    expect((await direct({ ...copy, _id: `${copy._id}-x`, note: '哭了' })).status).toBe(403);
    expect((await direct({ ...att, _id: 'att:direct' })).status).toBe(403);
    expect((await direct({ ...copy, _id: 'private:x' })).status).toBe(403);
    expect((await direct({ ...copy, _id: `${copy._id}-ok` })).status).toBe(201);
  });

  it('lets every listed kiosk origin call the server (CORS), and no other', async () => {
    const origins = ['app://tongxin', 'http://127.0.0.1:47813', 'http://127.0.0.1:50001'];
    await provision(server.admin, parseCountyFile(JSON.stringify({ county: { id: 'yunxi', name: '云溪县' }, server: server.base, centers: [{ id: 'qingshan', name: '青山' }], kioskOrigins: origins })));
    const allowed = async (origin: string) => (await fetch(`${server.base}/`, { headers: { Origin: origin } })).headers.get('access-control-allow-origin');
    for (const o of origins) expect(await allowed(o), o).toBe(o);
    expect(await allowed('http://evil.example')).toBeNull();
  });
});
