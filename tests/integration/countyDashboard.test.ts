/**
 * The coordinator dashboard end to end on the bundled trial server (started on
 * a free loopback port): a county with two centers in two townships is
 * provisioned, each center's kiosk writes its generated records and its
 * centerTally, moodTally and serviceMonthTally documents to its center database (as a kiosk's sync would), the
 * server copies the de-identified ones into the county database, and the
 * dashboard — reading views only — shows numbers that this test checks against
 * counts it makes itself from the generated documents (not with the app's code).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { couch, ensureDatabase, ensureUser } from '../../sync/couchdb/admin';
import { COUNTY_SELECTOR, COUNTY_VIEWS } from '../../sync/couchdb/ddocs';
import { massageSelector, matchesSelector } from 'pouchdb-selector-core';
import { parseCountyFile, provision } from '../../sync/couchdb/provision';
import { demoDocuments, generateDemoCenter, type DemoCenter } from '../../renderer/src/domain/demo';
import { centerTally } from '../../renderer/src/domain/county/centerTally';
import { moodTalliesOf, moodTally } from '../../renderer/src/domain/county/moodTally';
import { serviceMonthTally } from '../../renderer/src/domain/county/serviceMonthTally';
import { tallyOf } from '../../renderer/src/domain/tally';
import { withCountyCopies } from '../../sync/schema/county';
import { buildReport, NO_FILTERS, type Cell, type ReportSection, type ReportTable } from '../../renderer/src/domain/county/report';
import { fetchCountyData, testCoordinator } from '../../renderer/src/features/county/countyClient';
import type { ChildGroup } from '../../sync/schema/vocab';
import { startCountyServer, until, type CountyServer } from './countyServer';

const pinHash = { alg: 'PBKDF2-SHA256', iterations: 10_000, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=' } as const;
const TODAY = '2026-10-31';
const GROUPS: ChildGroup[] = ['left-behind-father-away', 'left-behind-mother-away', 'left-behind-both-away', 'migrant', 'local', 'other'];

let server: CountyServer;
let coordinator: { url: string; username: string; password: string };
let kioskA: { base: string; username: string; password: string };
const centers: { id: string; township: string; demo: DemoCenter; tallies: { updatedAt: string }[] }[] = [];
let expectedCopy = 0;
/** Each center's mood tally and its latest revision, which the county must have before the views are read. */
const moodTallyRevs: [string, string][] = [];

beforeAll(async () => {
  server = await startCountyServer();
  const file = parseCountyFile(JSON.stringify({
    county: { id: 'yunxi', name: '云溪县' }, server: server.base,
    centers: [{ id: 'qingshan', name: '青山' }, { id: 'baiyun', name: '白云' }], coordinators: [{ name: 'coord-li' }],
  }));
  const report = await provision(server.admin, file);
  expect(report.errors).toEqual([]);
  const pw = (user: string) => report.credentials.find((c) => c.user === user)!.password;
  coordinator = { url: server.base, username: 'coord-li', password: pw('coord-li') };
  for (const [i, [id, township, name]] of ([['qingshan', '石桥镇', '青山村留守儿童之家'], ['baiyun', '云岭乡', '白云村儿童之家']] as const).entries()) {
    const demo = generateDemoCenter({ centerId: id, seed: 11 + i, children: 16, from: '2026-10-01', to: TODAY, deviceId: `k-${id}`, pinHash, name });
    const center = { ...demo.center, township };
    const d: DemoCenter = { ...demo, center };
    const records = { center, children: d.children, consents: d.consents, staff: d.staff, followups: [], days: d.days, attendance: d.attendance, activities: d.activities };
    // The two tallies written at different times (the month's after the term's), as a kiosk's later sync would.
    const tallies = [['2026-10', `${TODAY}T18:00:00+08:00`], ['2026-autumn', `${TODAY}T07:30:00+08:00`]].map(([p, at]) => centerTally(records, p!, TODAY, `k-${id}`, at!));
    centers.push({ id, township, demo: d, tallies });
    const kiosk = { base: server.base, username: `sync-${id}`, password: pw(`sync-${id}`) };
    if (i === 0) kioskA = kiosk;
    // Day documents are left out: their ids (day:<date>) are per center database and do not concern the dashboard.
    // As the kiosk's DocStore writes them: each consented event with its county copy (sync/schema/county.ts).
    // The monthly service tallies are written below, as the kiosk recounts them.
    const docs = [...withCountyCopies(demoDocuments(d).filter((x) => x.type !== 'day' && x.type !== 'serviceMonthTally')), ...tallies];
    expectedCopy += docs.filter((x) => matchesSelector(x, massageSelector(COUNTY_SELECTOR))).length;
    const res = await couch(kiosk, 'POST', `center_${id}/_bulk_docs`, { docs });
    expect((res.json as unknown as { error?: string }[]).filter((r) => r.error)).toEqual([]);
    // The month's mood tally, as the kiosk recounts it while the month goes on: first from the check-ins up to the 15th,
    // then rewritten (a new revision of the same document) from all of them — the county must count the latest once.
    const early = moodTally(d.moods.filter((m) => m.date <= '2026-10-15'), id, '2026-10', `k-${id}`, '2026-10-15T18:00:00+08:00');
    const put = await couch(kiosk, 'PUT', `center_${id}/${early._id}`, early);
    expect(put.status).toBe(201);
    const [full] = moodTalliesOf(d.moods, id, `k-${id}`, `${TODAY}T18:00:00+08:00`);
    expect(full!.month).toBe('2026-10');
    const put2 = await couch(kiosk, 'PUT', `center_${id}/${full!._id}`, { ...full, _rev: (put.json as { rev: string }).rev });
    expect(put2.status).toBe(201);
    moodTallyRevs.push([full!._id, (put2.json as { rev: string }).rev]);
    expectedCopy += 1;
    // The months' service tallies the same way: September's once; October's first from the sessions up to the 15th, then
    // recounted from all of them (a new revision) — the county must count the latest once, never the two added.
    const sessions = d.activities.map(tallyOf);
    for (const month of [...new Set(sessions.map((x) => x.date.slice(0, 7)))].filter((m) => m !== '2026-10')) {
      const t = serviceMonthTally(sessions, id, month, `k-${id}`, `${TODAY}T18:00:00+08:00`);
      expect((await couch(kiosk, 'PUT', `center_${id}/${t._id}`, t)).status).toBe(201);
      expectedCopy += 1;
    }
    const earlyServices = serviceMonthTally(sessions.filter((x) => x.date <= '2026-10-15'), id, '2026-10', `k-${id}`, '2026-10-15T18:00:00+08:00');
    const sput = await couch(kiosk, 'PUT', `center_${id}/${earlyServices._id}`, earlyServices);
    expect(sput.status).toBe(201);
    const fullServices = serviceMonthTally(sessions, id, '2026-10', `k-${id}`, `${TODAY}T18:00:00+08:00`);
    const sput2 = await couch(kiosk, 'PUT', `center_${id}/${fullServices._id}`, { ...fullServices, _rev: (sput.json as { rev: string }).rev });
    expect(sput2.status).toBe(201);
    moodTallyRevs.push([fullServices._id, (sput2.json as { rev: string }).rev]);
    expectedCopy += 1;
    // A tally under another center's id is refused by the center's rules (it would collide with that center's own in the county).
    const foreign = await couch(kiosk, 'PUT', `center_${id}/stally:${id === 'qingshan' ? 'baiyun' : 'qingshan'}:2026-10`, { ...fullServices, _id: `stally:${id === 'qingshan' ? 'baiyun' : 'qingshan'}:2026-10` });
    expect(foreign.status).toBe(403);
    expect(JSON.stringify(foreign.json)).toMatch(/has the id stally:/);
  }
  // Wait until the county copy holds every document the county rule passes (plus its design document), then build the views once.
  await until(async () => Number((await couch(server.admin, 'GET', 'county_yunxi')).json.doc_count) === expectedCopy + 1, 300_000);
  for (const [id, rev] of moodTallyRevs) await until(async () => (await couch(server.admin, 'GET', `county_yunxi/${id}`)).json._rev === rev, 60_000);
  // Build every view's index once (the trial server builds them one at a time), as a county server's would be.
  for (const view of COUNTY_VIEWS) await couch(server.admin, 'GET', `county_yunxi/_design/county/_view/${view}?limit=1`);
}, 400_000);
afterAll(async () => server?.stop());

// ---- Independent counts from the generated documents ----

function countyOkOn(d: DemoCenter, childId: string, date: string): boolean {
  let ok = false;
  const events = d.consents.filter((c) => c.childId === childId && c.effectiveOn <= date).sort((a, b) => (a.effectiveOn + a.createdAt < b.effectiveOn + b.createdAt ? -1 : 1));
  for (const e of events) if (e.scopes.includes('county-stats')) ok = e.action === 'grant';
  return ok;
}
function groupOnDate(d: DemoCenter, childId: string, date: string): ChildGroup {
  const child = d.children.find((c) => c._id === `child:${childId}`)!;
  let g = child.groupHistory[0]!.group;
  for (const p of child.groupHistory) if (p.from <= date) g = p.group;
  return g;
}
function openDaysOf(d: DemoCenter, month: string): string[] {
  const out: string[] = [];
  for (let day = 1; day <= 31; day++) {
    const date = `${month}-${String(day).padStart(2, '0')}`;
    const dt = new Date(`${date}T12:00:00Z`);
    if (dt.getUTCMonth() + 1 !== Number(month.slice(5)) || date > TODAY) continue;
    const rec = d.days.find((x) => x.date === date);
    if (rec ? rec.held : [1, 2, 3, 4, 5].includes(dt.getUTCDay())) out.push(date);
  }
  return out;
}
interface ChildFacts { group: ChildGroup; reached: boolean; regular: boolean; longGap: boolean; surrogate: boolean; contact: boolean; share: number; visits: number; contacts: number }
function childFacts(d: DemoCenter, month: string): ChildFacts[] {
  const open = openDaysOf(d, month);
  const end = open.at(-1)! > TODAY ? TODAY : `${month}-31` > TODAY ? TODAY : `${month}-${month === '2026-09' ? '30' : '31'}`;
  return d.children.flatMap((c) => {
    const id = c._id.slice(6);
    if (!countyOkOn(d, id, end)) return [];
    const present = new Set(d.attendance.filter((a) => a.childId === id && a.status === 'present' && a.date.startsWith(month)).map((a) => a.date));
    let run = 0;
    let longest = 0;
    for (const day of open) {
      run = present.has(day) ? 0 : run + 1;
      longest = Math.max(longest, run);
    }
    const served = (type: string) => d.activities.some((a) => a.serviceType === type && a.date.startsWith(month) && a.participants.some((p) => p.childId === id));
    const sessionsWith = (type: string) => d.activities.filter((a) => a.serviceType === type && a.date.startsWith(month) && a.participants.some((p) => p.childId === id)).length;
    return [{
      share: open.length === 0 ? 0 : open.filter((x) => present.has(x)).length / open.length, visits: sessionsWith('surrogate-parent-visit'), contacts: sessionsWith('parent-child-contact'),
      group: groupOnDate(d, id, end), reached: present.size > 0, regular: open.filter((x) => present.has(x)).length * 2 >= open.length, longGap: longest >= 10,
      surrogate: served('surrogate-parent-visit'), contact: served('parent-child-contact'),
    }];
  });
}

/** A shown cell agrees with the true count: equal when shown; "<5" exactly when the truth is 1–4; "×" (hidden as a complement) never for 1–4. */
function agrees(cell: Cell, truth: number, where: string) {
  if (truth >= 1 && truth <= 4) expect(cell, where).toBe('<5');
  else if (cell !== '×') expect(cell, where).toBe(truth);
}
function table(sections: ReportSection[], id: string): ReportTable {
  const t = sections.flatMap((s) => s.tables).find((x) => x.id === id);
  if (!t) throw new Error(`no table ${id}`);
  return t;
}
const rowOf = (t: ReportTable, text: string) => t.rows.find((r) => 'text' in r.label && r.label.text === text)!;
const colIndex = (t: ReportTable, key: string) => t.columns.findIndex((c) => 'k' in c && c.k === key);

describe('the coordinator dashboard on a county with two centers', () => {
  it('reads only views and every number matches counts made from the generated documents', { timeout: 120_000 }, async () => {
    const data = await fetchCountyData(coordinator, 'yunxi', '2026-10', new Date(`${TODAY}T20:00:00+08:00`));
    const report = buildReport(data, NO_FILTERS, TODAY);
    expect(report.map((s) => s.id)).toEqual(['activity', 'reach', 'mix', 'resources', 'coordination', 'continuity', 'wellbeing', 'freshness']);

    const sessions = table(report, 'activity-sessions');
    const attendances = table(report, 'activity-attendances');
    const reach = table(report, 'reach-groups');
    const resources = table(report, 'resources-centers');
    let checked = 0;
    for (const c of centers) {
      const name = c.demo.center.name;
      const oct = c.demo.activities.filter((a) => a.date.startsWith('2026-10'));
      // Sessions (场次) by type, and attendances (人次) of consenting children by type.
      for (const [i, col] of sessions.columns.entries()) {
        if (!('k' in col) || col.k === 'county.total') continue;
        const type = col.k.slice('services.type.'.length);
        expect(rowOf(sessions, name).cells[i], `${name} ${type}`).toBe(oct.filter((a) => a.serviceType === type).length);
        agrees(rowOf(attendances, name).cells[i]!, oct.filter((a) => a.serviceType === type).flatMap((a) => a.participants.filter((p) => p.snapshot.countyOk)).length, `${name} 人次 ${type}`);
        checked += 2;
      }
      expect(rowOf(sessions, name).cells.at(-1)).toBe(oct.length);
      // Distinct children reached, by group.
      const facts = childFacts(c.demo, '2026-10');
      for (const [i, g] of GROUPS.entries()) agrees(rowOf(reach, name).cells[i]!, facts.filter((f) => f.group === g && f.reached).length, `${name} reach ${g}`);
      // Staff and volunteers, counted; children enrolled.
      const r = rowOf(resources, name).cells;
      agrees(r[0]!, facts.length, `${name} enrolled`);
      expect(r[1]).toBe(c.demo.staff.filter((s) => s.role !== 'volunteer').length);
      expect(r[2]).toBe(c.demo.staff.filter((s) => s.role === 'volunteer').length);
      checked += GROUPS.length + 3;
    }
    expect(checked).toBeGreaterThan(20);

    // Regular attendance and continuity by group, across both centers.
    const all = centers.flatMap((c) => childFacts(c.demo, '2026-10'));
    const regular = table(report, 'reach-regular');
    const continuity = table(report, 'continuity-groups');
    for (const [i, g] of GROUPS.entries()) {
      const facts = all.filter((f) => f.group === g);
      agrees(regular.rows[i]!.cells[0]!, facts.length, `enrolled ${g}`);
      agrees(regular.rows[i]!.cells[1]!, facts.filter((f) => f.reached).length, `reached ${g}`);
      agrees(regular.rows[i]!.cells[2]!, facts.filter((f) => f.regular).length, `regular ${g}`);
      agrees(continuity.rows[i]!.cells[2]!, facts.filter((f) => f.longGap).length, `long gap ${g}`);
      if (g.startsWith('left-behind')) {
        agrees(continuity.rows[i]!.cells[3]!, facts.filter((f) => f.surrogate).length, `surrogate ${g}`);
        agrees(continuity.rows[i]!.cells[4]!, facts.filter((f) => f.contact).length, `contact ${g}`);
      } else expect(continuity.rows[i]!.cells.slice(3)).toEqual([null, null]);
    }
    expect(all.length).toBeGreaterThan(20);

    // Attendance regularity in bands (share of open days: none, < 25 %, 25–49 %, 50–74 %, 75 % +), and for left-behind
    // children how many surrogate-parent visits and parent–child contacts (none, 1, 2–3, 4+), counted here by division.
    const inBand = [(x: number) => x === 0, (x: number) => x > 0 && x < 0.25, (x: number) => x >= 0.25 && x < 0.5, (x: number) => x >= 0.5 && x < 0.75, (x: number) => x >= 0.75];
    const inTimes = [(n: number) => n === 0, (n: number) => n === 1, (n: number) => n === 2 || n === 3, (n: number) => n >= 4];
    const bands = table(report, 'continuity-regularity');
    const visits = table(report, 'continuity-visits');
    const contacts = table(report, 'continuity-contacts');
    let banded = 0;
    for (const [i, g] of GROUPS.entries()) {
      const facts = all.filter((f) => f.group === g);
      for (const [b, test] of inBand.entries()) agrees(bands.rows[i]!.cells[b]!, facts.filter((f) => test(f.share)).length, `attendance band ${b} ${g}`);
      agrees(bands.rows[i]!.cells[5]!, facts.length, `banded ${g}`);
      if (!g.startsWith('left-behind')) continue;
      const row = (t: ReportTable) => t.rows.find((r) => 'k' in r.label && r.label.k === `group.${g}`)!.cells;
      for (const [b, test] of inTimes.entries()) {
        agrees(row(visits)[b]!, facts.filter((f) => test(f.visits)).length, `visits band ${b} ${g}`);
        agrees(row(contacts)[b]!, facts.filter((f) => test(f.contacts)).length, `contacts band ${b} ${g}`);
        banded += 2;
      }
    }
    expect(banded).toBe(3 * 4 * 2);
    // The bands are not all in one place (the check above would then prove little).
    expect(new Set(all.map((f) => inBand.findIndex((t) => t(f.share)))).size).toBeGreaterThan(1);
    expect(all.filter((f) => f.group.startsWith('left-behind') && f.visits + f.contacts > 0).length).toBeGreaterThan(0);
    expect(bands.note).toEqual({ k: 'countyBands.regularityDefinition' });

    // Mood check-ins by face (from the centers' monthly mood tallies: their latest revision, counted once), for the
    // whole county, one center, and one group.
    const faceCount = (cs: typeof centers, face: number, group: (g: ChildGroup) => boolean = () => true) =>
      cs.flatMap((c) => c.demo.moods.filter((m) => m.date.startsWith('2026-10') && m.face === face && m.snapshot.countyOk && group(m.snapshot.group))).length;
    const moods = table(report, 'wellbeing-moods');
    expect(data.moods.length).toBeLessThanOrEqual(centers.length * GROUPS.length * 5);
    // The server reads the tallies' rows, a few per center and month, never one per check-in.
    const mapped = (await couch(server.admin, 'GET', 'county_yunxi/_design/county/_view/month_moods?reduce=false')).json.rows as { id: string }[];
    expect(new Set(mapped.map((r) => r.id))).toEqual(new Set(centers.map((c) => `mtally:${c.id}:2026-10`)));
    for (let face = 1; face <= 5; face++) agrees(moods.rows[0]!.cells[face - 1]!, faceCount(centers, face), `face ${face}`);
    expect(faceCount(centers, 3)).toBeGreaterThan(4);
    const oneCenter = table(buildReport(data, { ...NO_FILTERS, centerId: 'baiyun' }, TODAY), 'wellbeing-moods');
    for (let face = 1; face <= 5; face++) agrees(oneCenter.rows[0]!.cells[face - 1]!, faceCount(centers.filter((c) => c.id === 'baiyun'), face), `baiyun face ${face}`);
    // And by group and face.
    const moodGroups = table(report, 'wellbeing-moods-groups');
    for (const [i, g] of GROUPS.entries())
      for (let face = 1; face <= 5; face++) agrees(moodGroups.rows[i]!.cells[face - 1]!, faceCount(centers, face, (x) => x === g), `${g} face ${face}`);
    const leftBehind = table(buildReport(data, { ...NO_FILTERS, group: 'left-behind' }, TODAY), 'wellbeing-moods');
    for (let face = 1; face <= 5; face++) agrees(leftBehind.rows[0]!.cells[face - 1]!, faceCount(centers, face, (g) => g.startsWith('left-behind')), `left-behind face ${face}`);

    // Sessions and attendances come from the centers' monthly service tallies (their latest revision, counted once): the
    // server reads a few rows per center and month, never one per session.
    for (const view of ['month_sessions', 'month_services']) {
      const rows = (await couch(server.admin, 'GET', `county_yunxi/_design/county/_view/${view}?reduce=false&startkey=${encodeURIComponent('["2026-10"]')}&endkey=${encodeURIComponent('["2026-10",{}]')}`)).json.rows as { id: string }[];
      expect(new Set(rows.map((r) => r.id)), view).toEqual(new Set(centers.map((c) => `stally:${c.id}:2026-10`)));
      expect(rows.length, view).toBeLessThan(centers.reduce((n, c) => n + c.demo.activities.filter((a) => a.date.startsWith('2026-10')).length, 0));
    }
    // Minutes are carried beside sessions ([sessions, minutes]); the dashboard draws sessions, and these are exact.
    for (const c of centers) {
      const oct = c.demo.activities.filter((a) => a.date.startsWith('2026-10'));
      const mine = data.sessions.filter((r) => r.key[0] === '2026-10' && r.key[1] === c.id).map((r) => r.value as readonly [number, number]);
      expect([mine.reduce((n, v) => n + v[0], 0), mine.reduce((n, v) => n + v[1], 0)], c.id).toEqual([oct.length, oct.reduce((m, a) => m + a.durationMin, 0)]);
    }

    // Service mix: attendances by type and group.
    const mix = table(report, 'mix-groups');
    for (const row of mix.rows) {
      const type = 'k' in row.label ? row.label.k.slice('services.type.'.length) : '';
      for (const [i, g] of GROUPS.entries())
        agrees(row.cells[i]!, centers.flatMap((c) => c.demo.activities.filter((a) => a.date.startsWith('2026-10') && a.serviceType === type).flatMap((a) => a.participants.filter((p) => p.snapshot.countyOk && p.snapshot.group === g))).length, `mix ${type} ${g}`);
    }

    // Data freshness: when each center last sent its tallies (the newest centerTally it wrote).
    const fresh = table(report, 'freshness-centers');
    for (const c of centers) {
      const newest = Math.max(...c.tallies.map((t) => Date.parse(t.updatedAt)));
      expect(rowOf(fresh, c.demo.center.name).cells[0]).toBe(new Date(newest).toISOString().slice(0, 10));
    }
    expect(data.freshness.map((r) => [r.key[0], r.value.max, r.value.count]).sort()).toEqual(centers.map((c) => [c.id, Date.parse(`${TODAY}T18:00:00+08:00`), 2]).sort());

    // Nothing the coordinator device keeps names a child.
    const kept = JSON.stringify(data);
    expect(kept).not.toMatch(new RegExp(centers.flatMap((c) => c.demo.privates.flatMap((p) => [p.fullName, p.guardians[0]!.phone])).join('|')));
    expect(kept).not.toMatch(new RegExp(centers.flatMap((c) => c.demo.children.map((ch) => ch._id.slice(6))).join('|')));
  });

  it('filters by township and child group on the same rows', { timeout: 120_000 }, async () => {
    const data = await fetchCountyData(coordinator, 'yunxi', '2026-10');
    const byTownship = buildReport(data, { ...NO_FILTERS, township: '云岭乡' }, TODAY);
    const sessions = table(byTownship, 'activity-sessions');
    expect(sessions.rows.map((r) => ('text' in r.label ? r.label.text : ''))).toEqual(['白云村儿童之家']);
    expect(sessions.totals!.at(-1)).toBe(centers[1]!.demo.activities.filter((a) => a.date.startsWith('2026-10')).length);
    const migrants = buildReport(data, { ...NO_FILTERS, group: 'migrant' }, TODAY);
    const regular = table(migrants, 'reach-regular');
    expect(regular.rows).toHaveLength(1);
    agrees(regular.rows[0]!.cells[1]!, centers.flatMap((c) => childFacts(c.demo, '2026-10')).filter((f) => f.group === 'migrant' && f.reached).length, 'migrant reached');
    // A term reads the term's tallies: distinct children over the term, not a sum of months.
    const term = buildReport(await fetchCountyData(coordinator, 'yunxi', '2026-autumn'), NO_FILTERS, TODAY);
    expect(colIndex(table(term, 'reach-regular'), 'county.m.enrolled')).toBe(0);
    const enrolled = table(term, 'reach-regular').totals![0];
    agrees(enrolled!, centers.flatMap((c) => c.demo.children.filter((ch) => countyOkOn(c.demo, ch._id.slice(6), TODAY))).length, 'term enrolled');
  });

  it('a filter cannot uncover a hidden cell: a center shown alone keeps every mark it has among all centers', { timeout: 120_000 }, async () => {
    const data = await fetchCountyData(coordinator, 'yunxi', '2026-10');
    const whole = buildReport(data, NO_FILTERS, TODAY);
    for (const id of ['activity-attendances', 'reach-groups', 'resources-centers', 'wellbeing-followups']) {
      const all = table(whole, id);
      for (const c of centers) {
        const alone = table(buildReport(data, { ...NO_FILTERS, centerId: c.id }, TODAY), id);
        const name = 'text' in alone.rows[0]!.label ? alone.rows[0]!.label.text : '';
        const inAll = rowOf(all, name);
        // Same columns by label, same cells; the one-center totals row shows a number only where the row's cells do.
        alone.columns.forEach((col, j) => {
          const k = all.columns.findIndex((x) => JSON.stringify(x) === JSON.stringify(col));
          expect(alone.rows[0]!.cells[j], `${id} ${name} ${JSON.stringify(col)}`).toEqual(inAll.cells[k]);
        });
      }
    }
  });

  it('says in words what is wrong with an account or a server', async () => {
    expect(await testCoordinator(coordinator)).toMatchObject({ verdict: 'ok', countyId: 'yunxi' });
    expect((await testCoordinator({ ...coordinator, password: 'wrong' })).verdict).toBe('wrong-password');
    expect((await testCoordinator({ url: server.base, username: kioskA.username, password: kioskA.password })).verdict).toBe('center-account');
    expect((await testCoordinator({ ...coordinator, url: 'http://127.0.0.1:9' })).verdict).toBe('unreachable');
    // A county database without the county views (not provisioned by npm run provision).
    await ensureDatabase(server.admin, 'county_bare');
    const bare = await ensureUser(server.admin, 'coord-bare', ['coordinator:bare']);
    expect((await testCoordinator({ url: server.base, username: 'coord-bare', password: bare.password! })).verdict).toBe('no-views');
  });
});
