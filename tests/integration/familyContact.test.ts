/**
 * Issue 15 on the bundled trial server (started on a free loopback port): a center's kiosk
 * writes a delivered family message (with its drawing as an attachment) and a family call
 * that happened into its center database, as its sync would. The county count of children
 * in contact with parents away (centerTally.parentContact) moves, computed from what the
 * server holds (the continuity prompt reads the same events: familyService.test.ts); the
 * county database receives the count and never
 * a family document, an attachment or the message's words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { couch } from '../../sync/couchdb/admin';
import { parseCountyFile, provision } from '../../sync/couchdb/provision';
import { demoDocuments, generateDemoCenter, type DemoCenter } from '../../renderer/src/domain/demo';
import { centerTally } from '../../renderer/src/domain/county/centerTally';
import { contactEvents } from '../../renderer/src/domain/familyContact';
import { consentOn } from '../../renderer/src/domain/consent';
import { groupOn, isLeftBehind } from '../../renderer/src/domain/child';
import { withCountyCopies } from '../../sync/schema/county';
import { parseDoc, type CallLogDoc, type FamilyMessageDoc } from '../../sync/schema/documents';
import { ids } from '../../sync/schema/ids';
import { startCountyServer, until, type CountyServer } from './countyServer';

const pinHash = { alg: 'PBKDF2-SHA256', iterations: 10_000, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=' } as const;
const TODAY = '2026-10-31';
const WORDS = '妈妈我想你了，过年早点回来';
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

let server: CountyServer;
let kiosk: { base: string; username: string; password: string };
let demo: DemoCenter;

const tallyOf = (contacts: ReturnType<typeof contactEvents>) =>
  centerTally({ center: demo.center, children: demo.children, consents: demo.consents, staff: demo.staff, followups: [], days: demo.days, attendance: demo.attendance, activities: [...demo.activities, ...contacts] }, '2026-10', TODAY, 'k-qingshan', `${TODAY}T18:00:00+08:00`);
const contacted = (t: ReturnType<typeof tallyOf>) => t.byGroup.reduce((n, g) => n + g.parentContact, 0);

beforeAll(async () => {
  server = await startCountyServer();
  const file = parseCountyFile(JSON.stringify({ county: { id: 'yunxi', name: '云溪县' }, server: server.base, centers: [{ id: 'qingshan', name: '青山' }], coordinators: [] }));
  const report = await provision(server.admin, file);
  expect(report.errors).toEqual([]);
  kiosk = { base: server.base, username: 'sync-qingshan', password: report.credentials.find((c) => c.user === 'sync-qingshan')!.password };
  demo = generateDemoCenter({ centerId: 'qingshan', seed: 5, children: 14, from: '2026-10-01', to: TODAY, deviceId: 'k-qingshan', pinHash });
  const docs = [...withCountyCopies(demoDocuments(demo).filter((x) => x.type !== 'day')), tallyOf([])];
  const res = await couch(kiosk, 'POST', 'center_qingshan/_bulk_docs', { docs });
  expect((res.json as unknown as { error?: string }[]).filter((r) => r.error)).toEqual([]);
}, 300_000);
afterAll(async () => server?.stop());

describe('family contact on the county server', () => {
  it('moves the county contact count, and never copies a family document', async () => {
    // A left-behind child with county-statistics consent and no parent–child contact session in October.
    const served = new Set(demo.activities.filter((a) => a.serviceType === 'parent-child-contact').flatMap((a) => a.participants.map((p) => p.childId)));
    const child = demo.children.find((c) => {
      const id = c._id.slice(6);
      return isLeftBehind(groupOn(c, TODAY)) && !served.has(id) && consentOn(demo.consents.filter((x) => x.childId === id), TODAY)['county-stats'];
    });
    expect(child, 'the demo has a left-behind child without contact in October').toBeTruthy();
    const childId = child!._id.slice(6);
    const other = demo.children.find((c) => c !== child && isLeftBehind(groupOn(c, TODAY)) && !served.has(c._id.slice(6)) && consentOn(demo.consents.filter((x) => x.childId === c._id.slice(6)), TODAY)['county-stats'])!;
    const before = contacted(tallyOf([]));

    const meta = { centerId: 'qingshan', schemaVersion: 1, createdAt: '2026-10-28T16:40:00+08:00', updatedAt: '2026-10-29T10:00:00+08:00', deviceId: 'k-qingshan' } as const;
    const staffId = demo.staff[1]!._id.slice(6);
    const message = {
      ...meta, _id: ids.familyMessage('01JB0000000000000000000001'), type: 'familyMessage', childId, kind: 'text', text: WORDS, durationSec: null,
      status: 'delivered', deliveredAt: '2026-10-29T10:00:00+08:00', deliveredByStaffId: staffId, deliveredHow: 'call',
    } as const;
    const drawing = {
      ...meta, _id: ids.familyMessage('01JB0000000000000000000002'), type: 'familyMessage', childId, kind: 'drawing', text: '', durationSec: null,
      status: 'waiting', deliveredAt: null, deliveredByStaffId: null, deliveredHow: null, _attachments: { 'picture.png': { content_type: 'image/png', data: PNG_BASE64 } },
    } as const;
    const call = {
      ...meta, _id: ids.callLog('01JB0000000000000000000003'), type: 'callLog', planId: null, childIds: [other._id.slice(6)], date: '2026-10-30',
      at: '2026-10-30T19:15:00+08:00', outcome: 'happened', durationMin: 20, participants: ['mother'], staffId,
    } as const;
    const res = await couch(kiosk, 'POST', 'center_qingshan/_bulk_docs', { docs: [message, drawing, call] });
    expect((res.json as unknown as { error?: string }[]).filter((r) => r.error)).toEqual([]);

    // What the server holds, read back: the counts follow from it (counted, never content).
    const all = await couch(kiosk, 'GET', `center_qingshan/_all_docs?include_docs=true&startkey=${encodeURIComponent('"private:"')}&endkey=${encodeURIComponent('"private:\ufff0"')}`);
    const rows = (all.json as unknown as { rows: { doc: { type: string } }[] }).rows.map((r) => r.doc);
    const messages = rows.filter((d) => d.type === 'familyMessage').map((d) => parseDoc('familyMessage', d)) as FamilyMessageDoc[];
    const calls = rows.filter((d) => d.type === 'callLog').map((d) => parseDoc('callLog', d)) as CallLogDoc[];
    const contacts = contactEvents(messages, calls, (iso) => iso.slice(0, 10));
    expect(contacts.map((c) => c.participants[0]!.childId).sort()).toEqual([childId, other._id.slice(6)].sort());
    const after = tallyOf(contacts);
    expect(contacted(after)).toBe(before + 2);
    const att = await fetch(`${server.base}/center_qingshan/${encodeURIComponent(drawing._id)}/picture.png`, { headers: { authorization: `Basic ${Buffer.from(`${kiosk.username}:${kiosk.password}`).toString('base64')}` } });
    expect(Buffer.from(await att.arrayBuffer()).toString('base64')).toBe(PNG_BASE64);

    // The kiosk rewrites its tally; the county copy gets the new count.
    const current = await couch(kiosk, 'GET', `center_qingshan/${encodeURIComponent(after._id)}`);
    await couch(kiosk, 'PUT', `center_qingshan/${encodeURIComponent(after._id)}`, { ...after, _rev: current.json._rev });
    await until(async () => {
      const r = await couch(server.admin, 'GET', `county_yunxi/${encodeURIComponent(after._id)}`);
      return r.status === 200 && (r.json.byGroup as { parentContact: number }[]).reduce((n, g) => n + g.parentContact, 0) === before + 2;
    }, 120_000);
    const county = await couch(server.admin, 'GET', 'county_yunxi/_all_docs?include_docs=true&attachments=true');
    // The design document names every type (its tombstone rule); the documents are what the county holds.
    const body = JSON.stringify((county.json.rows as { id: string }[]).filter((r) => !r.id.startsWith('_design/')));
    for (const needle of [WORDS, 'familyMessage', 'familyReply', 'callLog', 'callPlan', 'private:', PNG_BASE64, '_attachments']) expect(body, needle).not.toContain(needle);
    console.log(`[family] county contact count for 2026-10: ${before} → ${before + 2}; county database: ${(county.json.rows as unknown[]).length} documents, none of them family contact`);
  }, 200_000);
});
