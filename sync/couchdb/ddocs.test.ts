// The design documents run here in node:vm, as CouchDB would run them, without a server.
import { describe, expect, it } from 'vitest';
import vm from 'node:vm';
import { centerDesignDoc, COUNTY_SELECTOR, COUNTY_TYPES, countyDesignDoc, filterSource } from './ddocs';
import { massageSelector, matchesSelector } from 'pouchdb-selector-core';
import { demoDocuments, generateDemoCenter } from '../../renderer/src/domain/demo';

const demo = generateDemoCenter({
  centerId: 'qingshan', seed: 3, children: 12, from: '2026-10-01', to: '2026-10-31', deviceId: 'k',
  pinHash: { alg: 'PBKDF2-SHA256', iterations: 10_000, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=' },
});
const docs = demoDocuments(demo) as unknown as Record<string, unknown>[];

type Validate = (newDoc: object, oldDoc: object | null, userCtx: { name: string | null; roles: string[] }, secObj: object) => void;
function compile<T>(src: string, globals: object = {}): T {
  return vm.runInNewContext(`(${src})`, { ...globals }) as T;
}
const centerValidate = compile<Validate>(centerDesignDoc('qingshan').validate_doc_update);
const countyValidate = compile<Validate>(countyDesignDoc().validate_doc_update);
const kiosk = { name: 'sync-qingshan', roles: ['center:qingshan'] };
const other = { name: 'sync-shiqiao', roles: ['center:shiqiao'] };
const admin = { name: 'admin', roles: ['_admin'] };

function refusal(fn: () => void): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    return (e as { forbidden?: string }).forbidden ?? `unexpected: ${String(e)}`;
  }
}

describe('validate_doc_update (center database)', () => {
  it('accepts every document the app writes', () => {
    for (const d of docs) expect(refusal(() => centerValidate(d, null, kiosk, {})), String(d._id)).toBeNull();
  });
  it('refuses structure the schemas refuse, in words', () => {
    const day = docs.find((d) => d.type === 'day') ?? { ...docs.find((d) => d.type === 'attendance')! };
    const att = docs.find((d) => d.type === 'attendance')!;
    expect(refusal(() => centerValidate({ ...att, status: 'maybe' }, null, kiosk, {}))).toMatch(/invalid attendance document: attendance.status: not one of/);
    expect(refusal(() => centerValidate({ ...att, date: '2026-13-01' }, null, kiosk, {}))).toMatch(/attendance.date: wrong format/);
    const { snapshot: _s, ...noSnapshot } = att;
    expect(refusal(() => centerValidate(noSnapshot, null, kiosk, {}))).toMatch(/snapshot: required/);
    expect(refusal(() => centerValidate({ ...day, type: 'gossip' }, null, kiosk, {}))).toMatch(/unknown document type: gossip/);
  });
  it('lets a center write only its own centerId, and nobody but admins write design documents', () => {
    const att = docs.find((d) => d.type === 'attendance')!;
    expect(refusal(() => centerValidate(att, null, other, {}))).toMatch(/may not write to center qingshan/);
    expect(refusal(() => centerValidate({ ...att, centerId: 'shiqiao' }, null, kiosk, {}))).toMatch(/does not belong in the database of center qingshan/);
    expect(refusal(() => centerValidate({ _id: '_design/evil', views: {} }, null, kiosk, {}))).toMatch(/only county administrators/);
    expect(refusal(() => centerValidate({ _id: '_design/tongxin' }, null, admin, {}))).toBeNull();
  });
  it('accepts deletions that keep type and centerId, and refuses bare ones', () => {
    expect(refusal(() => centerValidate({ _id: 'att:x', _deleted: true, type: 'attendance', centerId: 'qingshan' }, {}, kiosk, {}))).toBeNull();
    expect(refusal(() => centerValidate({ _id: 'att:x', _deleted: true }, {}, kiosk, {}))).toMatch(/centerId|keep type/);
  });
});

describe('county database', () => {
  it('is written only by county administrators (the replicator)', () => {
    const att = docs.find((d) => d.type === 'attendance')!;
    expect(refusal(() => countyValidate(att, null, kiosk, {}))).toMatch(/only county administrators/);
    expect(refusal(() => countyValidate(att, null, { name: 'x', roles: ['county-admin'] }, {}))).toBeNull();
  });

  it('has views that count consenting children by the county keys, and never names', () => {
    const ddoc = countyDesignDoc();
    const rows: [unknown, unknown][] = [];
    for (const [name, view] of Object.entries(ddoc.views!)) {
      const map = compile<(doc: object) => void>(view.map, { emit: (k: unknown, v: unknown) => rows.push([[name, k], v]) });
      for (const d of docs) map(d);
    }
    const services = rows.filter(([k]) => (k as [string])[0] === 'services');
    const expected = demo.activities.flatMap((a) => a.participants.filter((p) => p.snapshot.countyOk)).length;
    expect(services).toHaveLength(expected);
    expect(services[0]![0]).toEqual(['services', ['qingshan', expect.stringMatching(/^2026-10$/), expect.any(String), expect.any(String), expect.any(String)]]);
    const present = demo.attendance.filter((a) => a.status === 'present' && a.snapshot.countyOk).length;
    expect(rows.filter(([k]) => (k as [string])[0] === 'attendance')).toHaveLength(present);
    expect(JSON.stringify(rows)).not.toMatch(new RegExp(demo.privates.map((p) => p.fullName).join('|')));
  });
});

describe('the county copy rule', () => {
  const filter = compile<(doc: Record<string, unknown>, req: object) => boolean>(filterSource());
  /** What CouchDB's selector passes, by PouchDB's implementation of Mango selectors. */
  const selector = (doc: Record<string, unknown>) => matchesSelector(doc, massageSelector(COUNTY_SELECTOR));

  it('passes no private document, staff, consent or follow-up — by filter and by selector alike', () => {
    const passed = docs.filter((d) => filter(d, {}));
    expect(passed.map((d) => d.type).filter((t, i, a) => a.indexOf(t) === i).sort()).toEqual([...COUNTY_TYPES].filter((t) => docs.some((d) => d.type === t)).sort());
    expect(passed.some((d) => String(d._id).startsWith('private:'))).toBe(false);
    expect(JSON.stringify(passed)).not.toMatch(/fullName|guardians|pictureCode|"pin"/);
    for (const d of [...docs, { _id: 'private:answers:x', type: 'screeningAnswers' }, { _id: 'followup:x', type: 'followup' }, { _id: 'att:x', _deleted: true, type: 'attendance', centerId: 'qingshan' }])
      expect(filter(d, {}), String(d._id)).toBe(selector(d));
  });

  it("leaves out a child's attendance, moods and screenings without county-statistics consent, but passes their deletions", () => {
    const events = docs.filter((d) => ['attendance', 'mood', 'screening'].includes(String(d.type)));
    // The same events for a child whose guardian did not consent to county statistics.
    const screening = { _id: 'screening:x', type: 'screening', centerId: 'qingshan', snapshot: { ...(events[0]!.snapshot as object) } };
    const withheld: Record<string, unknown>[] = [...['attendance', 'mood'].map((type) => events.find((e) => e.type === type)!), screening].map((d) => ({
      ...d, _id: `${String(d._id)}-x`, snapshot: { ...(d.snapshot as object), countyOk: false },
    }));
    for (const d of withheld) expect([filter(d, {}), selector(d)], String(d._id)).toEqual([false, false]);
    for (const d of events.filter((e) => !withheld.includes(e))) expect([filter(d, {}), selector(d)], String(d._id)).toEqual([true, true]);
    const tombstone = { _id: String(withheld[0]!._id), _deleted: true, type: withheld[0]!.type, centerId: 'qingshan' };
    expect([filter(tombstone, {}), selector(tombstone)]).toEqual([true, true]);
  });
});

describe('county dashboard views (issue 9)', () => {
  const ddoc = countyDesignDoc();
  const run = (name: string, input: readonly object[]) => {
    const rows: { key: unknown[]; value: unknown }[] = [];
    const view = ddoc.views![name]!;
    const map = compile<(doc: object) => void>(view.map, { emit: (key: unknown[], value: unknown) => rows.push({ key, value }) });
    for (const d of input) map(d);
    return rows;
  };

  it('use only built-in reducers', () => {
    for (const [name, view] of Object.entries(ddoc.views!)) expect(['_count', '_sum', '_stats'], name).toContain(view.reduce);
  });

  it('put the month first, so one key range covers every center', () => {
    const oct = demo.activities.filter((a) => a.date.startsWith('2026-10'));
    const sessions = run('month_sessions', docs);
    expect(sessions).toHaveLength(oct.length);
    expect(sessions[0]!.key).toEqual(['2026-10', 'qingshan', expect.any(String), expect.any(String)]);
    expect(sessions.every((r) => typeof r.value === 'number' && r.value > 0)).toBe(true);
    expect(run('month_services', docs)).toHaveLength(oct.flatMap((a) => a.participants.filter((p) => p.snapshot.countyOk)).length);
    expect(run('month_attendance', docs)).toHaveLength(demo.attendance.filter((a) => a.status === 'present' && a.snapshot.countyOk).length);
    expect(run('month_moods', docs)).toHaveLength(demo.moods.filter((m) => m.face !== null && m.snapshot.countyOk).length);
    const moods = run('month_moods', docs);
    expect(moods.every((r) => r.key.length === 4 && [1, 2, 3, 4, 5].includes(r.key[3] as number))).toBe(true);
  });

  it('give the hierarchy from center documents and the newest document per center', () => {
    expect(run('centers', docs)).toEqual([{ key: ['石桥镇', '青山村', 'qingshan', demo.center.name], value: 1 }]);
    const fresh = run('freshness', docs);
    const newest = Math.max(...docs.filter((d) => d.updatedAt).map((d) => Date.parse(String(d.updatedAt))));
    expect(Math.max(...fresh.map((r) => r.value as number))).toBe(newest);
    expect(fresh.every((r) => r.key.length === 1 && r.key[0] === 'qingshan')).toBe(true);
  });

  it('spread a center tally into [period, center, measure, group] counts', () => {
    const tally = {
      _id: 'ctally:qingshan:2026-10', type: 'centerTally', centerId: 'qingshan', period: '2026-10', openDays: 17, staffActive: 3, volunteersActive: 2, followupsOpen: 4, followupsOverdue: 1,
      byGroup: [{ group: 'migrant', enrolled: 9, reached: 8, regular: 6, longGap: 1, surrogateVisit: 0, parentContact: 0 }],
    };
    const rows = run('period_tallies', [tally]);
    expect(rows).toContainEqual({ key: ['2026-10', 'qingshan', 'staffActive', ''], value: 3 });
    expect(rows).toContainEqual({ key: ['2026-10', 'qingshan', 'reached', 'migrant'], value: 8 });
    expect(rows).toHaveLength(5 + 6);
  });

  it('never emit a name, child id or score', () => {
    const all = Object.keys(ddoc.views!).flatMap((v) => run(v, docs));
    const text = JSON.stringify(all);
    expect(text).not.toMatch(new RegExp(demo.privates.map((p) => p.fullName).join('|')));
    expect(text).not.toMatch(new RegExp(demo.children.map((c) => c._id.slice(6)).join('|')));
  });
});
