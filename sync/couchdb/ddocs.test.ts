// The design documents run here in node:vm, as CouchDB would run them, without a server.
import { describe, expect, it } from 'vitest';
import vm from 'node:vm';
import fc from 'fast-check';
import { centerDesignDoc, COUNTY_SELECTOR, COUNTY_TYPES, countyDesignDoc, DDOC_VERSION, filterSource } from './ddocs';
import { massageSelector, matchesSelector } from 'pouchdb-selector-core';
import { demoDocuments, generateDemoCenter } from '../../renderer/src/domain/demo';
import { parseStored, type AnyDoc, type ScreeningDoc } from '../schema/documents';
import { checkStored } from '../schema/versions';
import { countyCopyOf, countyFields, withCountyCopies } from '../schema/county';
import { moodTalliesOf } from '../../renderer/src/domain/county/moodTally';
import { olderKioskCountyCopy } from '../schema/olderCountyCopies';
import { tallyOf } from '../../renderer/src/domain/tally';

const demo = generateDemoCenter({
  centerId: 'qingshan', seed: 3, children: 12, from: '2026-10-01', to: '2026-10-31', deviceId: 'k',
  pinHash: { alg: 'PBKDF2-SHA256', iterations: 10_000, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=' },
});
const childId = demo.attendance[0]!.childId;
/** A screening as the app writes it (the demo has none): scores, safety flag and staff stay in the center. */
const screening: ScreeningDoc = {
  _id: 'screening:01M3SGPM00SCREEN0000000000A', type: 'screening', centerId: 'qingshan', schemaVersion: 1, createdAt: '2026-10-09T16:00:00+08:00',
  updatedAt: '2026-10-09T16:00:00+08:00', deviceId: 'k', childId, instrumentId: 'phq9', instrumentVersion: '1', date: '2026-10-09', respondent: 'child',
  administeredByStaffId: demo.staff[0]!._id.slice('staff:'.length), valid: true, level: 'prompt', safety: true, total: 17, percent: null, subscales: {}, band: 3,
  reasons: ['item9'], snapshot: { ...demo.attendance[0]!.snapshot, countyOk: true },
};
/** A center's counts for a month (the demo writes none: kiosks write them when sync goes idle). */
/** A coverage key as a kiosk writes it (app/coverageKeys.ts): key, center and group only. */
const coverageSample = { _id: 'cover:qingshan:AAAAAAAAAAAAAAAAAAAAAA', type: 'coverage', centerId: 'qingshan', schemaVersion: 1, updatedAt: '2026-10-31T18:00:00+08:00', key: 'AAAAAAAAAAAAAAAAAAAAAA', group: 'migrant' } as const;
const tallySample = {
  _id: 'ctally:qingshan:2026-10', type: 'centerTally', centerId: 'qingshan', schemaVersion: 1, createdAt: '2026-10-31T18:00:00+08:00', updatedAt: '2026-10-31T18:00:00+08:00', deviceId: 'k',
  period: '2026-10', from: '2026-10-01', to: '2026-10-31', openDays: 21, staffActive: 3, volunteersActive: 2, followupsOpen: 1, followupsOverdue: 0,
  byGroup: [{ group: 'migrant', enrolled: 12, reached: 11, regular: 9, longGap: 1, surrogateVisit: 0, parentContact: 4 }],
} as const;
/** A day without a session (the demo's calendar has none). */
const dayOff = { _id: 'day:2026-10-02', type: 'day', centerId: 'qingshan', schemaVersion: 1, createdAt: '2026-10-02T08:00:00+08:00', updatedAt: '2026-10-02T08:00:00+08:00', deviceId: 'k', date: '2026-10-02', held: false, reason: '暴雨' } as const;
const working = [...demoDocuments(demo), screening, ...(demo.days.length ? [] : [dayOff])];
/** The month's mood tally, as the kiosk writes it when sync goes idle (app/countyTallies.ts). */
const moodTallies = moodTalliesOf(demo.moods, 'qingshan', 'k', '2026-10-31T18:00:00+08:00');
/**
 * The per-event copies kiosks up to DDOC_VERSION 6 wrote, and the per-session copies (`serviceTally`, the shape of
 * `tallyOf`) kiosks up to DDOC_VERSION 8 wrote (retired): county databases still hold and accept them.
 */
const olderCopies = [...working.map((d) => olderKioskCountyCopy(d as AnyDoc)).filter((c) => c !== null), ...demo.activities.map(tallyOf)];
const docs = [...withCountyCopies(working), ...olderCopies, ...moodTallies] as unknown as Record<string, unknown>[];

type Validate = (newDoc: object, oldDoc: object | null, userCtx: { name: string | null; roles: string[] }, secObj: object) => void;
function compile<T>(src: string, globals: object = {}): T {
  return vm.runInNewContext(`(${src})`, { ...globals }) as T;
}
const centerValidate = compile<Validate>(centerDesignDoc('qingshan').validate_doc_update);
const countyValidate = compile<Validate>(countyDesignDoc().validate_doc_update);
const kiosk = { name: 'sync-qingshan', roles: ['center:qingshan'] };
const other = { name: 'sync-shiqiao', roles: ['center:shiqiao'] };
const admin = { name: 'admin', roles: ['_admin'] };
const replicator = { name: 'admin', roles: ['_admin'] };

function refusal(fn: () => void): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    return (e as { forbidden?: string }).forbidden ?? `unexpected: ${String(e)}`;
  }
}
const one = (type: string) => docs.find((d) => d.type === type)!;
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

const validators: Record<string, Validate> = { qingshan: centerValidate };
/** The two verdicts on one document: the kiosk's (zod) and the center database's (validate_doc_update). */
function verdicts(doc: unknown): [boolean, boolean] {
  let zod = true;
  try {
    checkStored(doc);
  } catch {
    zod = false;
  }
  // Structure only: the document goes to the database of the center it names (authority is tested above).
  const named = (doc as { centerId?: unknown }).centerId;
  const center = typeof named === 'string' && /^[a-z][a-z0-9-]{1,39}$/.test(named) ? named : 'qingshan';
  const validate = (validators[center] ??= compile<Validate>(centerDesignDoc(center).validate_doc_update));
  return [zod, refusal(() => validate(doc as object, null, { name: `sync-${center}`, roles: [`center:${center}`] }, {})) === null];
}

describe('validate_doc_update (center database)', () => {
  it('accepts every document the app writes, and their county copies', () => {
    for (const d of docs) expect(refusal(() => centerValidate(d, null, kiosk, {})), String(d._id)).toBeNull();
    expect(docs.some((d) => d.type === 'countyAttendance')).toBe(true);
  });
  it('refuses structure the schemas refuse, in words', () => {
    const att = one('attendance');
    expect(refusal(() => centerValidate({ ...att, status: 'maybe' }, null, kiosk, {}))).toMatch(/invalid attendance document: attendance.status: not one of/);
    expect(refusal(() => centerValidate({ ...att, date: '2026-13-01' }, null, kiosk, {}))).toMatch(/attendance.date: wrong format/);
    const { snapshot: _s, ...noSnapshot } = att;
    expect(refusal(() => centerValidate(noSnapshot, null, kiosk, {}))).toMatch(/snapshot: required/);
    expect(refusal(() => centerValidate({ ...one('day'), type: 'gossip' }, null, kiosk, {}))).toMatch(/unknown document type: gossip/);
  });
  it('refuses a field no schema names, at the top and inside, on the server and on the kiosk', () => {
    const att = one('attendance');
    for (const bad of [{ ...att, childName: '王小明' }, { ...att, guardianPhone: '13800000000' }, { ...att, snapshot: { ...(att.snapshot as object), name: '王小明' } }, { ...one('countyMood'), wantsTalk: true }]) {
      expect(refusal(() => centerValidate(bad, null, kiosk, {}))).toMatch(/not a field of this document/);
      expect(() => parseStored(bad)).toThrow(/[Uu]nrecognized key/);
    }
  });
  it('refuses whitespace-only and padded text on both sides alike', () => {
    const priv = one('childPrivate');
    const child = one('child');
    for (const bad of [{ ...priv, fullName: '   ' }, { ...priv, fullName: '\u3000' }, { ...child, school: ' 青山小学 ' }, { ...child, school: `${'校'.repeat(200)} ` }])
      expect(verdicts(bad)).toEqual([false, false]);
    expect(verdicts({ ...priv, fullName: '王 小明' })).toEqual([true, true]);
    expect(verdicts({ ...child, school: '' })).toEqual([true, true]);
  });
  it('lets a center write only its own centerId, and nobody but admins write design documents', () => {
    const att = one('attendance');
    expect(refusal(() => centerValidate(att, null, other, {}))).toMatch(/may not write to center qingshan/);
    expect(refusal(() => centerValidate({ ...att, centerId: 'shiqiao' }, null, kiosk, {}))).toMatch(/does not belong in the database of center qingshan/);
    expect(refusal(() => centerValidate({ _id: '_design/evil', views: {} }, null, kiosk, {}))).toMatch(/only county administrators/);
    expect(refusal(() => centerValidate({ _id: '_design/tongxin' }, null, admin, {}))).toBeNull();
    // A mood tally under another center's id (or another month's) would collide in the county database.
    const mt = moodTallies[0]!;
    expect(refusal(() => centerValidate(mt, null, kiosk, {}))).toBeNull();
    expect(refusal(() => centerValidate({ ...mt, _id: 'mtally:baiyun:2026-10' }, null, kiosk, {}))).toMatch(/has the id mtally:qingshan:2026-10/);
    expect(refusal(() => centerValidate({ ...mt, _id: 'mtally:qingshan:2026-09' }, null, kiosk, {}))).toMatch(/has the id mtally:qingshan:2026-10/);
    // The same for a service tally, in the center database and again in the county database.
    const st = docs.find((d) => d.type === 'serviceMonthTally' && d.month === '2026-10')!;
    expect(st._id).toBe('stally:qingshan:2026-10');
    expect(refusal(() => centerValidate(st, null, kiosk, {}))).toBeNull();
    expect(refusal(() => centerValidate({ ...st, _id: 'stally:baiyun:2026-10' }, null, kiosk, {}))).toMatch(/has the id stally:qingshan:2026-10/);
    expect(refusal(() => centerValidate({ ...st, _id: 'stally:qingshan:2026-09' }, null, kiosk, {}))).toMatch(/has the id stally:qingshan:2026-10/);
    expect(refusal(() => countyValidate(st, null, replicator, {}))).toBeNull();
    expect(refusal(() => countyValidate({ ...st, _id: 'stally:baiyun:2026-10' }, null, replicator, {}))).toMatch(/has the id stally:qingshan:2026-10/);
    expect(refusal(() => countyValidate({ ...mt, _id: 'mtally:qingshan:2026-09' }, null, replicator, {}))).toMatch(/has the id mtally:qingshan:2026-10/);
    // A tally that names a child is refused on both sides (no field for it).
    expect(refusal(() => countyValidate({ ...st, cells: [{ ...(st.cells as object[])[0], childId: childId }] }, null, replicator, {}))).toMatch(/not a field/);
  });
  it('accepts deletions that keep only type and centerId, and refuses bare ones and ones with a body', () => {
    const tomb = { _id: 'private:child:x', _rev: '2-a', _revisions: { start: 2, ids: ['a', 'b'] }, _deleted: true, type: 'childPrivate', centerId: 'qingshan' };
    expect(refusal(() => centerValidate(tomb, {}, kiosk, {}))).toBeNull();
    expect(refusal(() => centerValidate({ _id: 'att:x', _deleted: true }, {}, kiosk, {}))).toMatch(/deletion.type: required/);
    expect(refusal(() => centerValidate({ ...tomb, fullName: '王小明' }, {}, kiosk, {}))).toMatch(/deletion.fullName: not a field/);
    expect(refusal(() => centerValidate({ ...one('attendance'), _deleted: true }, {}, kiosk, {}))).toMatch(/a deletion keeps only type and centerId/);
    expect(refusal(() => centerValidate({ ...tomb, type: 'gossip' }, {}, kiosk, {}))).toMatch(/deletion.type: not one of/);
    expect(refusal(() => centerValidate({ ...tomb, centerId: 'shiqiao' }, {}, kiosk, {}))).toMatch(/does not belong/);
    expect(() => parseStored({ ...tomb, fullName: '王小明' })).toThrow(/fullName/);
    expect(parseStored(tomb)).toMatchObject({ _deleted: true, type: 'childPrivate' });
  });
});

describe('validate_doc_update and schema versions (a county runs several app versions at once)', () => {
  const answers = {
    _id: 'private:answers:01JCDEFGHJKMNPQRSTVWXYZ013', type: 'screeningAnswers', centerId: 'qingshan', createdAt: '2026-11-30T16:00:00+08:00', updatedAt: '2026-11-30T16:00:00+08:00',
    deviceId: 'kiosk-a', screeningId: '01JCDEFGHJKMNPQRSTVWXYZ013', childId: '01JCDEFGHJKMNPQRSTVWXYZ012', answers: { q1: 2 },
  };
  it('checks each document against the version it says: version 1 from an older kiosk, version 2 from this one', () => {
    expect(refusal(() => centerValidate({ ...answers, schemaVersion: 1 }, null, kiosk, {}))).toBeNull();
    expect(refusal(() => centerValidate({ ...answers, schemaVersion: 1, incompleteNote: '累了' }, null, kiosk, {}))).toBeNull();
    expect(refusal(() => centerValidate({ ...answers, schemaVersion: 2, incompleteNote: '' }, null, kiosk, {}))).toBeNull();
    expect(refusal(() => centerValidate({ ...answers, schemaVersion: 2 }, null, kiosk, {}))).toMatch(/invalid screeningAnswers document: screeningAnswers: matches none of the allowed shapes/);
    expect(refusal(() => centerValidate({ ...one('attendance'), schemaVersion: 1.5 }, null, kiosk, {}))).toMatch(/schemaVersion: expected a whole number/);
    expect(refusal(() => centerValidate({ ...one('attendance'), schemaVersion: '1' }, null, kiosk, {}))).toMatch(/schemaVersion: expected a whole number/);
  });
  it('a child: version 1 or 2, with or without a caregiver (the app of 2026-12-01 wrote version 1 without one; its kiosks still sync), a wrong caregiver refused', () => {
    const child = clone(one('child')) as Record<string, unknown> & { groupHistory: Record<string, unknown>[] };
    expect(child.schemaVersion).toBe(2);
    const withCaregiver = { ...child, groupHistory: child.groupHistory.map((p) => ({ ...p, caregiver: 'grandparent' })) };
    const withoutCaregiver = { ...child, groupHistory: child.groupHistory.map(({ caregiver: _c, ...p }) => p) };
    expect(refusal(() => centerValidate({ ...withCaregiver, schemaVersion: 1 }, null, kiosk, {}))).toBeNull();
    expect(refusal(() => centerValidate(withCaregiver, null, kiosk, {}))).toBeNull();
    expect(refusal(() => centerValidate(withoutCaregiver, null, kiosk, {}))).toBeNull();
    expect(refusal(() => centerValidate({ ...withoutCaregiver, schemaVersion: 1 }, null, kiosk, {}))).toBeNull();
    const wrong = { ...child, groupHistory: child.groupHistory.map((p) => ({ ...p, caregiver: 'neighbour' })) };
    expect(refusal(() => centerValidate(wrong, null, kiosk, {}))).toMatch(/invalid child document/);
    expect(refusal(() => centerValidate({ ...wrong, schemaVersion: 1 }, null, kiosk, {}))).toMatch(/invalid child document/);
    // The kiosk reaches the same verdicts (zod, by version).
    expect(() => checkStored(withoutCaregiver)).not.toThrow();
    expect(() => checkStored({ ...withoutCaregiver, schemaVersion: 1 })).not.toThrow();
    expect(() => checkStored(wrong)).toThrow();
  });
  it('lets a version newer than its rules through with the envelope checked, and authority the same', () => {
    const newer = { ...answers, schemaVersion: 3, incompleteNote: '', answeredBy: 'child' };
    expect(refusal(() => centerValidate(newer, null, kiosk, {}))).toBeNull();
    expect(refusal(() => centerValidate({ ...one('attendance'), schemaVersion: 2, pickedUpByName: 'x' }, null, kiosk, {}))).toBeNull();
    expect(refusal(() => centerValidate({ ...newer, centerId: 'shiqiao' }, null, kiosk, {}))).toMatch(/does not belong/);
    expect(refusal(() => centerValidate(newer, null, other, {}))).toMatch(/may not write to center qingshan/);
    expect(refusal(() => centerValidate({ ...newer, type: 'gossip' }, null, kiosk, {}))).toMatch(/unknown document type/);
    const { centerId: _c, ...noCenter } = newer;
    expect(refusal(() => centerValidate(noCenter, null, kiosk, {}))).toMatch(/centerId: required/);
    // And the kiosk reaches the same verdicts (sync/schema/versions.ts: checkStored).
    expect(verdicts(newer)).toEqual([true, true]);
    expect(verdicts({ ...answers, schemaVersion: 1 })).toEqual([true, true]);
    expect(verdicts({ ...answers, schemaVersion: 2 })).toEqual([false, false]);
  });
});

describe('the kiosk (zod) and the server (validate_doc_update) reach one verdict', () => {
  const mutations: [string, (d: Record<string, unknown>) => Record<string, unknown>][] = [
    ['as written', (d) => d],
    ['unknown field', (d) => ({ ...d, extra: 1 })],
    ['no type', ({ type: _t, ...d }) => d],
    ['padded string', (d) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, typeof v === 'string' && !k.startsWith('_') && k !== 'type' ? ` ${v}` : v]))],
    ['blank string', (d) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, typeof v === 'string' && !k.startsWith('_') && k !== 'type' ? '  ' : v]))],
    ['numbers as strings', (d) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v]))],
    ['nulls', (d) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, k.startsWith('_') || k === 'type' ? v : null]))],
    ['deleted with its body', (d) => ({ ...d, _deleted: true })],
    ['deleted, minimal', (d) => ({ _id: d._id, _deleted: true, type: d.type, centerId: d.centerId })],
  ];
  const samples = [...new Set(docs.map((d) => String(d.type)))].map(one);

  it('on every document type under hand-written changes', () => {
    for (const d of samples)
      for (const [what, change] of mutations) {
        const [zod, couch] = verdicts(change(clone(d)));
        expect(couch, `${String(d.type)}: ${what}`).toBe(zod);
      }
  });

  /** A JSON value a field might be set to: text with spaces of every kind, numbers, nesting. */
  const value = fc.oneof(
    fc.string({ unit: fc.constantFrom('a', '青', ' ', '\u3000', '\t', '\n', '0', '-', ':') , maxLength: 8 }),
    fc.integer({ min: -3, max: 300 }),
    fc.double({ noNaN: true, noDefaultInfinity: true, min: -10, max: 10 }),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom('2026-10-01', '2026-02-30', ' 2026-10-01', '2026-10-01T08:00:00+08:00', '01M3SGPM001D4PRKZZZJWYTAMY', 'present', 'qingshan', 'left-behind-both-away'),
    fc.array(fc.constantFrom('a', 1, null), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('group', 'countyOk', 'x'), fc.constantFrom('local', true, 1), { maxKeys: 2 }),
  );

  it('on generated documents (fast-check): any field set, removed or added, at any depth', () => {
    const paths = (v: unknown, prefix: string[] = []): string[][] =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v).flatMap(([k, x]) => [[...prefix, k], ...paths(x, [...prefix, k])]) : [];
    fc.assert(
      fc.property(fc.nat(samples.length - 1), fc.nat(), fc.constantFrom('set', 'remove', 'add'), value, fc.constantFrom('extra', 'notes', 'fullName', '_deleted', 'wantsTalk'), (i, j, op, v, key) => {
        const d = clone(samples[i]!);
        const all = paths(d).filter((p) => p[0] !== '_id');
        const path = all[j % all.length]!;
        const parent = path.slice(0, -1).reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, d);
        const last = path[path.length - 1]!;
        if (op === 'set') parent[last] = v;
        else if (op === 'remove') delete parent[last];
        else parent[key] = v;
        const [zod, couch] = verdicts(d);
        return zod === couch;
      }),
      { numRuns: 1500, seed: 12 },
    );
  });
});

describe('county database', () => {
  it('is written only by county administrators (the replicator)', () => {
    const copy = one('countyAttendance');
    expect(refusal(() => countyValidate(copy, null, kiosk, {}))).toMatch(/only county administrators/);
    expect(refusal(() => countyValidate(copy, null, { name: 'x', roles: ['county-admin'] }, {}))).toBeNull();
  });

  it('holds these fields and no others', () => {
    const envelope = ['_id', '_rev', '_revisions'];
    const counted = [...envelope, 'centerId', 'childId', 'date', 'schemaVersion', 'snapshot', 'type', 'updatedAt'];
    const meta = [...envelope, 'centerId', 'createdAt', 'deviceId', 'schemaVersion', 'type', 'updatedAt'];
    const sorted = (a: string[]) => [...a].sort();
    expect(countyFields()).toEqual({
      center: sorted([...meta, 'name', 'county', 'township', 'village', 'defaultLocale', 'settings']),
      serviceTally: sorted([...meta, 'activityId', 'date', 'serviceType', 'providerKind', 'durationMin', 'participants']),
      countyAttendance: sorted([...counted, 'status']),
      countyMood: sorted([...counted, 'face']),
      countyScreening: sorted([...counted, 'instrumentId', 'level']),
      centerTally: sorted([...meta, 'period', 'from', 'to', 'openDays', 'staffActive', 'volunteersActive', 'followupsOpen', 'followupsOverdue', 'byGroup']),
      coverage: sorted([...envelope, 'centerId', 'schemaVersion', 'type', 'updatedAt', 'key', 'group']),
      moodTally: sorted([...meta, 'month', 'byGroup']),
      serviceMonthTally: sorted([...meta, 'month', 'cells']),
    });
    // And the county database enforces exactly that list: one more field on any of them is refused.
    for (const type of COUNTY_TYPES) {
      const d = type === 'centerTally' ? tallySample : type === 'coverage' ? coverageSample : docs.find((x) => x.type === type)!;
      expect(refusal(() => countyValidate(d, null, replicator, {})), type).toBeNull();
      for (const f of ['wantsTalk', 'total', 'safety', 'administeredByStaffId', 'notes', 'checkInAt', 'pickedUpBy', 'fullName'])
        expect(refusal(() => countyValidate({ ...d, [f]: 1 }, null, replicator, {})), `${type}.${f}`).toMatch(/not a field of this document/);
    }
  });

  it('refuses every working or private type, a county type under another id, and events without consent', () => {
    for (const d of docs.filter((x) => !(COUNTY_TYPES as string[]).includes(String(x.type))))
      expect(refusal(() => countyValidate(d, null, replicator, {})), String(d._id)).toMatch(/holds no/);
    const copy = one('countyAttendance');
    expect(refusal(() => countyValidate({ ...copy, _id: 'private:child:x' }, null, replicator, {}))).toMatch(/id starting county:att:/);
    expect(refusal(() => countyValidate({ ...copy, snapshot: { ...(copy.snapshot as object), countyOk: false } }, null, replicator, {}))).toMatch(/countyOk: must be true/);
    expect(refusal(() => countyValidate({ _id: copy._id, _deleted: true, type: copy.type, centerId: 'qingshan', childId }, null, replicator, {}))).toMatch(/deletion.childId: not a field/);
    expect(refusal(() => countyValidate({ _id: copy._id, _deleted: true, type: copy.type, centerId: 'qingshan' }, null, replicator, {}))).toBeNull();
  });

  it('gets copies that hold no scores, safety flag, staff, wantsTalk, notes, times or who picked a child up', () => {
    const copies = working.map((d) => countyCopyOf(d as AnyDoc)).filter((c) => c !== null);
    // Only screenings get a county copy: the per-event copies of check-ins and mood answers are retired (no view reads them).
    expect(new Set(copies.map((c) => c.type))).toEqual(new Set(['countyScreening']));
    expect(withCountyCopies(working).filter((d) => d.type === 'countyAttendance' || d.type === 'countyMood')).toEqual([]);
    expect(demo.attendance.filter((a) => a.snapshot.countyOk).length).toBeGreaterThan(0);
    expect(JSON.stringify(copies)).not.toMatch(/wantsTalk|total|percent|safety|subscales|administeredBy|notes|checkInAt|checkOutAt|pickedUpBy|reasons|deviceId/);
    expect(countyCopyOf(screening)).toEqual({
      _id: `county:${screening._id}`, type: 'countyScreening', centerId: 'qingshan', schemaVersion: 1, updatedAt: screening.updatedAt, childId, date: '2026-10-09',
      instrumentId: 'phq9', level: 'prompt', snapshot: screening.snapshot,
    });
    // No copy without consent, for a skipped mood question, or for an invalid screening.
    const att = demo.attendance[0]!;
    expect(countyCopyOf({ ...att, snapshot: { ...att.snapshot, countyOk: false } })).toBeNull();
    expect(countyCopyOf({ ...demo.moods[0]!, face: null })).toBeNull();
    expect(countyCopyOf({ ...screening, valid: false })).toBeNull();
  });

  it('reads an attendance written by an older kiosk with notes, and keeps the notes out of the county', () => {
    const older = { ...demo.attendance.find((a) => a.snapshot.countyOk)!, notes: ['奶奶说孩子这几天不舒服'] };
    expect(verdicts(older)).toEqual([true, true]);
    expect(countyCopyOf(older)).toBeNull();
    // What a kiosk up to DDOC_VERSION 6 copied of it: no notes, and the county still accepts it.
    const copy = olderKioskCountyCopy(older)!;
    expect(JSON.stringify(copy)).not.toMatch(/notes|奶奶/);
    expect(refusal(() => countyValidate(copy, null, replicator, {}))).toBeNull();
    expect(refusal(() => countyValidate(older, null, replicator, {}))).toMatch(/holds no attendance/);
  });
  it("lets the county copy's replication account write only its own center's documents", () => {
    const event = docs.find((d) => d.type === 'attendance' && olderKioskCountyCopy(d as AnyDoc) !== null)!;
    const att = olderKioskCountyCopy(event as AnyDoc)!;
    const copy = { name: 'repl-qingshan', roles: ['copy-from:qingshan', 'copy-to:yunxi'] };
    expect(refusal(() => countyValidate(att, null, copy, {}))).toBeNull();
    expect(refusal(() => countyValidate({ ...att, centerId: 'shiqiao' }, null, copy, {}))).toMatch(/only county administrators and the county copy/);
    expect(refusal(() => countyValidate(att, null, { name: 'r', roles: ['copy-from:qingshan'] }, {}))).toMatch(/county copy/);
    expect(refusal(() => countyValidate({ _id: '_design/county' }, null, copy, {}))).toMatch(/only county administrators/);
    // In the center's database the copy account reads but cannot write.
    expect(refusal(() => centerValidate(event, null, copy, {}))).toMatch(/may not write to center qingshan/);
  });
  it("lets a province's roll-up account write any center's county copy, and nothing else", () => {
    const event = docs.find((d) => d.type === 'attendance' && olderKioskCountyCopy(d as AnyDoc) !== null)!;
    const att = olderKioskCountyCopy(event as AnyDoc)!;
    const rollup = { name: 'rollup-hubei', roles: ['rollup-to:hubei'] };
    expect(refusal(() => countyValidate(att, null, rollup, {}))).toBeNull();
    expect(refusal(() => countyValidate({ ...att, centerId: 'shiqiao' }, null, rollup, {}))).toBeNull();
    expect(refusal(() => countyValidate({ ...att, childName: '王小明' }, null, rollup, {}))).toMatch(/not a field of this document/);
    expect(refusal(() => countyValidate(event, null, rollup, {}))).toMatch(/holds no attendance/);
    // The county's design document, which the stand-in's roll-up sends along, stays out.
    expect(refusal(() => countyValidate({ _id: '_design/county' }, null, rollup, {}))).toMatch(/only county administrators/);
    expect(refusal(() => countyValidate(att, null, { name: 'r', roles: ['rollup:hubei'] }, {}))).toMatch(/only county administrators and the county copy/);
  });

  it('has views that count consenting children by the county keys, and never names', () => {
    const ddoc = countyDesignDoc();
    const rows: [unknown, unknown][] = [];
    const countyDocs = docs.filter((d) => refusal(() => countyValidate(d, null, replicator, {})) === null);
    for (const [name, view] of Object.entries(ddoc.views!)) {
      const map = compile<(doc: object) => void>(view.map, { emit: (k: unknown, v: unknown) => rows.push([[name, k], v]) });
      for (const d of countyDocs) map(d);
    }
    // Attendances at services come from the month's service tally: they add up to the consenting participants.
    const services = rows.filter(([k]) => (k as [string])[0] === 'month_services');
    const expected = demo.activities.flatMap((a) => a.participants.filter((p) => p.snapshot.countyOk)).length;
    expect(services.reduce((n, [, v]) => n + (v as number), 0)).toBe(expected);
    expect(services[0]![0]).toEqual(['month_services', [expect.stringMatching(/^2026-10$/), 'qingshan', expect.any(String), expect.any(String), expect.any(String)]]);
    expect(rows.filter(([k]) => (k as [string])[0] === 'screenings').map(([k]) => k)).toEqual([['screenings', ['qingshan', '2026-10', 'phq9', 'prompt', screening.snapshot.group]]]);
    expect(JSON.stringify(rows)).not.toMatch(new RegExp(demo.privates.map((p) => p.fullName).join('|')));
  });
});

describe('the county copy rule: one selector, evaluated by CouchDB 3 and by the trial server’s filter', () => {
  const filter = compile<(doc: Record<string, unknown>, req: object) => boolean>(filterSource());
  /** What CouchDB's selector passes, by PouchDB's implementation of Mango selectors. */
  const selector = (doc: Record<string, unknown>) => matchesSelector(doc, massageSelector(COUNTY_SELECTOR));
  const countyOk = (d: Record<string, unknown>) => refusal(() => countyValidate(d, null, replicator, {})) === null;

  it('passes exactly the county types, no private document, staff, consent, follow-up or working event', () => {
    // The demo writes no centerTally (kiosks write them when sync goes idle): one is added.
    const corpus = [...docs, tallySample as unknown as (typeof docs)[number], coverageSample as unknown as (typeof docs)[number]];
    const passed = corpus.filter((d) => filter(d, {}));
    expect(new Set(passed.map((d) => d.type))).toEqual(new Set(COUNTY_TYPES));
    expect(JSON.stringify(passed)).not.toMatch(/fullName|guardians|pictureCode|"pin"|wantsTalk|"total"/);
    for (const d of corpus) expect(filter(d, {}), String(d._id)).toBe(selector(d));
    // Whatever the rule passes, the county database accepts.
    for (const d of passed) expect(countyOk(d), String(d._id)).toBe(true);
  });

  it('copies no day: document — its id has no center, so two centers’ days of one date would collide in the county', () => {
    const a = { ...dayOff, centerId: 'qingshan' };
    const b = { ...dayOff, centerId: 'shiqiao' };
    for (const d of [a, b]) {
      expect([filter(d, {}), selector(d)], d.centerId).toEqual([false, false]);
      expect(countyOk(d), d.centerId).toBe(false);
    }
  });

  it('refuses a county type under a private: id, by filter and by selector alike', () => {
    const copy = one('countyAttendance');
    for (const d of [{ ...copy, _id: 'private:child:x' }, { ...one('center'), _id: 'private:center' }, { ...one('serviceTally'), _id: 'private:tally:x' }, { _id: 'private:x', _deleted: true, type: 'countyMood', centerId: 'qingshan' }])
      expect([filter(d, {}), selector(d)], String(d._id)).toEqual([false, false]);
  });

  it('leaves out events without county-statistics consent, but passes their deletions', () => {
    const copy = one('countyMood');
    const withheld = { ...copy, snapshot: { ...(copy.snapshot as object), countyOk: false } };
    expect([filter(withheld, {}), selector(withheld)]).toEqual([false, false]);
    const tombstone = { _id: copy._id, _deleted: true, type: copy.type, centerId: 'qingshan' };
    expect([filter(tombstone, {}), selector(tombstone)]).toEqual([true, true]);
    expect(countyOk(tombstone)).toBe(true);
  });

  it('agrees with CouchDB’s Mango semantics on generated documents (fast-check)', () => {
    const doc = fc.record(
      {
        _id: fc.constantFrom('private:', 'county:att:', 'county:mood:', 'county:screening:', 'att:', 'center:', 'day:', 'tally:', '_design/', 'x').chain((p) => fc.constantFrom(`${p}a`, `${p}01M3SGPM001D4PRKZZZJWYTAMY`, p)),
        type: fc.constantFrom(...COUNTY_TYPES, 'attendance', 'mood', 'screening', 'childPrivate', 'staff', 'followup'),
        _deleted: fc.constantFrom(true, false),
        snapshot: fc.oneof(fc.constant(null), fc.record({ countyOk: fc.constantFrom(true, false, 'true', 1) }, { requiredKeys: [] })),
        centerId: fc.constant('qingshan'),
      },
      { requiredKeys: ['_id'] },
    );
    fc.assert(
      fc.property(doc, (d) => filter(d as Record<string, unknown>, {}) === selector(d as Record<string, unknown>)),
      { numRuns: 3000, seed: 7 },
    );
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
    // Sessions come from the month's service tally: one row per service type and provider kind, [sessions, minutes].
    const sessions = run('month_sessions', docs);
    const cellsOf = new Set(oct.map((a) => `${a.serviceType}|${a.providerKind}`));
    expect(sessions).toHaveLength(cellsOf.size);
    expect(sessions.length).toBeLessThan(oct.length);
    expect(sessions[0]!.key).toEqual(['2026-10', 'qingshan', expect.any(String), expect.any(String)]);
    for (const r of sessions) {
      const these = oct.filter((a) => a.serviceType === r.key[2] && a.providerKind === r.key[3]);
      expect(r.value, JSON.stringify(r.key)).toEqual([these.length, these.reduce((m, a) => m + a.durationMin, 0)]);
    }
    // Attendances: one row per type, provider kind and group (few rows to read), adding up to the consenting participants.
    const services = run('month_services', docs);
    const participants = oct.flatMap((a) => a.participants.filter((p) => p.snapshot.countyOk));
    expect(services.reduce((s, r) => s + (r.value as number), 0)).toBe(participants.length);
    for (const r of services)
      expect(r.value, JSON.stringify(r.key)).toBe(
        oct.filter((a) => a.serviceType === r.key[3] && a.providerKind === r.key[4]).flatMap((a) => a.participants.filter((p) => p.snapshot.countyOk && p.snapshot.group === r.key[2])).length,
      );
    expect(services.length).toBeLessThan(oct.reduce((s, a) => s + new Set(a.participants.filter((p) => p.snapshot.countyOk).map((p) => p.snapshot.group)).size, 0));
    for (const g of new Set(participants.map((p) => p.snapshot.group)))
      expect(services.filter((r) => r.key[2] === g).reduce((s, r) => s + (r.value as number), 0), g).toBe(participants.filter((p) => p.snapshot.group === g).length);
    // The per-session county copies alone no longer feed them (kiosks before DDOC_VERSION 8 wrote no service tally).
    expect(run('month_sessions', docs.filter((d) => d.type !== 'serviceMonthTally'))).toEqual([]);
    expect(run('month_services', docs.filter((d) => d.type !== 'serviceMonthTally'))).toEqual([]);
    // Mood check-ins come from the month's tally: one row per group and face (not per check-in), summing to the consenting faces.
    const moods = run('month_moods', docs);
    const faced = demo.moods.filter((m) => m.face !== null && m.snapshot.countyOk);
    expect(moods.every((r) => r.key.length === 4 && r.key[0] === '2026-10' && [1, 2, 3, 4, 5].includes(r.key[3] as number))).toBe(true);
    expect(moods.length).toBe(new Set(faced.map((m) => `${m.snapshot.group}|${m.face}`)).size);
    expect(moods.length).toBeLessThan(faced.length);
    for (const r of moods)
      expect(r.value, JSON.stringify(r.key)).toBe(faced.filter((m) => m.snapshot.group === r.key[2] && m.face === r.key[3]).length);
    // The county copies of check-ins alone no longer feed it.
    expect(run('month_moods', docs.filter((d) => d.type !== 'moodTally'))).toEqual([]);
  });

  it('read no per-event copy of a check-in or mood answer, nor a per-session copy of a service (retired: the tallies carry what is drawn)', () => {
    expect(olderCopies.filter((c) => c.type === 'countyAttendance').length).toBeGreaterThan(0);
    expect(olderCopies.filter((c) => c.type === 'countyMood').length).toBeGreaterThan(0);
    expect(olderCopies.filter((c) => c.type === 'serviceTally').length).toBe(demo.activities.length);
    for (const name of Object.keys(ddoc.views!)) expect(run(name, olderCopies), name).toEqual([]);
    for (const gone of ['attendance', 'moods', 'month_attendance', 'services', 'sessions']) expect(Object.keys(ddoc.views!)).not.toContain(gone);
    // Every view's source, as installed: none names a retired type.
    expect(JSON.stringify(ddoc.views)).not.toMatch(/countyAttendance|countyMood|serviceTally/);
    // A design document without the retired views is a new version, so provisioning replaces an installed one (admin.ts ensureDesignDoc).
    expect(DDOC_VERSION).toBeGreaterThanOrEqual(9);
    expect(ddoc.tongxinVersion).toBe(DDOC_VERSION);
  });

  it("still accept an older kiosk's per-session copy, and its deletion, by the county rules and the selector", () => {
    const tally = olderCopies.find((c) => c.type === 'serviceTally')!;
    const copy = { name: 'repl-qingshan', roles: ['copy-from:qingshan', 'copy-to:yunxi'] };
    expect(refusal(() => countyValidate(tally, null, copy, {}))).toBeNull();
    expect(refusal(() => centerValidate(tally, null, kiosk, {}))).toBeNull();
    expect(matchesSelector(tally, massageSelector(COUNTY_SELECTOR))).toBe(true);
    // What an updated kiosk leaves when it deletes one (storage/*DocStore remove): type and centerId, nothing else.
    const tombstone = { _id: tally._id, _deleted: true, type: 'serviceTally', centerId: 'qingshan' };
    expect(refusal(() => countyValidate(tombstone, null, copy, {}))).toBeNull();
    expect(refusal(() => centerValidate(tombstone, null, kiosk, {}))).toBeNull();
    expect(matchesSelector(tombstone, massageSelector(COUNTY_SELECTOR))).toBe(true);
    expect(refusal(() => countyValidate({ ...tombstone, durationMin: 60 }, null, copy, {}))).toMatch(/not a field/);
  });

  it('give the hierarchy from center documents, and when each center last sent its tallies', () => {
    expect(run('centers', docs)).toEqual([{ key: ['石桥镇', '青山村', 'qingshan', demo.center.name], value: 1 }]);
    // Freshness reads the centers' tallies only (a few rows per center), not every event of the county.
    expect(run('freshness', docs)).toEqual([]);
    const tally = (period: string, updatedAt: string, centerId = 'qingshan') => ({
      _id: `ctally:${centerId}:${period}`, type: 'centerTally', centerId, period, updatedAt, openDays: 17, staffActive: 3, volunteersActive: 2, followupsOpen: 0, followupsOverdue: 0, byGroup: [],
    });
    const fresh = run('freshness', [...docs, tally('2026-10', '2026-10-30T18:00:00+08:00'), tally('2026-autumn', '2026-10-31T09:30:00+08:00'), tally('2026-10', '2026-10-29T08:00:00+08:00', 'baiyun')]);
    expect(fresh).toEqual([
      { key: ['qingshan'], value: Date.parse('2026-10-30T18:00:00+08:00') },
      { key: ['qingshan'], value: Date.parse('2026-10-31T09:30:00+08:00') },
      { key: ['baiyun'], value: Date.parse('2026-10-29T08:00:00+08:00') },
    ]);
  });

  it('spread a center tally into [period, center, measure, group] counts', () => {
    const tally = {
      _id: 'ctally:qingshan:2026-10', type: 'centerTally', centerId: 'qingshan', period: '2026-10', openDays: 17, staffActive: 3, volunteersActive: 2, followupsOpen: 4, followupsOverdue: 1,
      byGroup: [{ group: 'migrant', enrolled: 9, reached: 8, regular: 6, longGap: 1, surrogateVisit: 0, parentContact: 0 }],
    };
    const rows = run('period_tallies', [tally]);
    expect(rows).toContainEqual({ key: ['2026-10', 'qingshan', 'staffActive', ''], value: 3 });
    expect(rows).toContainEqual({ key: ['2026-10', 'qingshan', 'reached', 'migrant'], value: 8 });
    // A count of 0 has no row (the sum is the same); no bands counted, so no '_bands' mark.
    expect(rows.filter((r) => r.key[2] === 'surrogateVisit' || r.key[2] === '_bands')).toEqual([]);
    expect(rows).toHaveLength(5 + 4);
  });

  it('spread every count of a group tally, the attendance and contact bands too, without knowing their names', () => {
    const tally = {
      _id: 'ctally:qingshan:2026-10', type: 'centerTally', centerId: 'qingshan', period: '2026-10', openDays: 17, staffActive: 3, volunteersActive: 2, followupsOpen: 4, followupsOverdue: 1,
      byGroup: [
        { group: 'migrant', enrolled: 9, reached: 8, regular: 6, longGap: 1, surrogateVisit: 0, parentContact: 0, attendNone: 1, attendUnder25: 0, attend25to49: 2, attend50to74: 2, attend75up: 4 },
        {
          group: 'left-behind-both-away', enrolled: 5, reached: 5, regular: 3, longGap: 0, surrogateVisit: 2, parentContact: 4,
          attendNone: 0, attendUnder25: 1, attend25to49: 1, attend50to74: 1, attend75up: 2, visits0: 3, visits1: 2, visits2to3: 0, visits4up: 0, contacts0: 1, contacts1: 1, contacts2to3: 1, contacts4up: 2,
          aFutureMeasure: 7,
        },
      ],
    };
    const rows = run('period_tallies', [tally]);
    expect(rows).toContainEqual({ key: ['2026-10', 'qingshan', 'attend75up', 'migrant'], value: 4 });
    expect(rows).toContainEqual({ key: ['2026-10', 'qingshan', 'attendNone', 'migrant'], value: 1 });
    expect(rows).toContainEqual({ key: ['2026-10', 'qingshan', 'contacts4up', 'left-behind-both-away'], value: 2 });
    expect(rows).toContainEqual({ key: ['2026-10', 'qingshan', 'visits1', 'left-behind-both-away'], value: 2 });
    expect(rows).toContainEqual({ key: ['2026-10', 'qingshan', 'aFutureMeasure', 'left-behind-both-away'], value: 7 });
    // The group's name is a key, not a count; nothing else is emitted.
    expect(rows.filter((r) => r.key[2] === 'group')).toEqual([]);
    // Zeros have no row; each group that counted the bands is marked, so the dashboard tells 0 from "not counted".
    expect(rows).not.toContainEqual(expect.objectContaining({ key: ['2026-10', 'qingshan', 'attendUnder25', 'migrant'] }));
    expect(rows.filter((r) => r.key[2] === '_bands').map((r) => [r.key[3], r.value])).toEqual([['migrant', 1], ['left-behind-both-away', 1]]);
    expect(rows).toHaveLength(5 + (8 + 1) + (16 + 1));
  });

  it('never emit a name, child id or score', () => {
    const all = Object.keys(ddoc.views!).flatMap((v) => run(v, docs));
    const text = JSON.stringify(all);
    expect(text).not.toMatch(new RegExp(demo.privates.map((p) => p.fullName).join('|')));
    expect(text).not.toMatch(new RegExp(demo.children.map((c) => c._id.slice(6)).join('|')));
  });
});
