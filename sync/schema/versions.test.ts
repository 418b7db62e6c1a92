import { describe, expect, it } from 'vitest';
import { DATA_VERSION, DOC_VERSIONS, InvalidDocumentError, parseDoc, SCHEMA_VERSION } from './documents';
import { APP_SCHEMAS, checkRegistry, isNewer, MIGRATIONS, MigrationRegistryError, readDoc, schemaSetAt, storedProblems, type Migration } from './versions';

const CHILD = '01JCDEFGHJKMNPQRSTVWXYZ012';
const SCREENING = '01JCDEFGHJKMNPQRSTVWXYZ013';
/** Answers as a kiosk before schema version 2 wrote them: no note at all. */
const answersV1 = {
  _id: `private:answers:${SCREENING}`,
  type: 'screeningAnswers',
  centerId: 'qingshan',
  schemaVersion: 1,
  createdAt: '2026-11-30T16:00:00+08:00',
  updatedAt: '2026-11-30T16:00:00+08:00',
  deviceId: 'kiosk-old',
  screeningId: SCREENING,
  childId: CHILD,
  answers: { q1: 2, q2: null },
};
const answersV2 = { ...answersV1, schemaVersion: 2, incompleteNote: '' };
const step = (type: string, from: number, to: number): Migration => ({ type: type as Migration['type'], from, to, reason: 'test', up: (d) => d });

describe('the migration registry', () => {
  it('is a chain from version 1 to the current one for every type (checked as the module loads)', () => {
    expect(() => checkRegistry(MIGRATIONS, DOC_VERSIONS)).not.toThrow();
    expect(DOC_VERSIONS.screeningAnswers).toBe(2);
    expect(DOC_VERSIONS.attendance).toBe(SCHEMA_VERSION);
    expect(DATA_VERSION).toBe(3); // screeningAnswers 1 → 2, child 1 → 2
  });
  it('refuses a gap, a step down, a missing or doubled step, a step past the current version and a version without its schema', () => {
    const older = { screeningAnswers: { 1: {}, 2: {} } };
    const versions = { screeningAnswers: 3 };
    const refused = (m: Migration[], v: Record<string, number> = versions, o: Record<string, Record<number, unknown>> = older) => {
      try {
        checkRegistry(m, v, o);
        return null;
      } catch (e) {
        expect(e).toBeInstanceOf(MigrationRegistryError);
        return (e as Error).message;
      }
    };
    expect(refused([step('screeningAnswers', 1, 2), step('screeningAnswers', 2, 3)])).toBeNull();
    expect(refused([step('screeningAnswers', 1, 3)])).toMatch(/a gap, from version 1 to 3/);
    expect(refused([step('screeningAnswers', 2, 1), step('screeningAnswers', 1, 2)])).toMatch(/a step down/);
    expect(refused([step('screeningAnswers', 1, 2)])).toMatch(/no step from version 2 to 3/);
    expect(refused([step('screeningAnswers', 1, 2), step('screeningAnswers', 1, 2), step('screeningAnswers', 2, 3)])).toMatch(/2 steps from version 1/);
    expect(refused([step('screeningAnswers', 1, 2), step('screeningAnswers', 2, 3), step('screeningAnswers', 3, 4)])).toMatch(/past this app's 3/);
    expect(refused([step('screeningAnswers', 1, 2), step('screeningAnswers', 2, 3)], versions, { screeningAnswers: { 1: {} } })).toMatch(/no schema for version 2/);
    expect(refused([step('gossip', 1, 2)])).toMatch(/not a document type/);
  });
  it('cannot describe an app newer than this code', () => {
    expect(() => schemaSetAt({ screeningAnswers: 3 })).toThrow(MigrationRegistryError);
    expect(() => schemaSetAt({ screeningAnswers: 0 })).toThrow(MigrationRegistryError);
  });
});

describe('screeningAnswers 1 → 2', () => {
  const up = MIGRATIONS.find((m) => m.type === 'screeningAnswers' && m.from === 1)!;
  it('gives answers without a note an empty note, keeps a note there was, and changes nothing else', () => {
    expect(up.up(answersV1)).toEqual(answersV2);
    expect(up.up({ ...answersV1, incompleteNote: '孩子累了' })).toEqual({ ...answersV2, incompleteNote: '孩子累了' });
    expect(() => parseDoc('screeningAnswers', up.up(answersV1))).not.toThrow();
  });
  it('the current schema refuses the old shape, so only a migrated document reaches a screen', () => {
    expect(() => parseDoc('screeningAnswers', answersV1)).toThrow(InvalidDocumentError);
  });
});

/** A child as a kiosk before the child schema's version 2 wrote it: every period names the caregiver. */
const childV1 = {
  _id: `child:${CHILD}`, type: 'child', centerId: 'qingshan', schemaVersion: 1, createdAt: '2026-09-01T08:00:00+08:00', updatedAt: '2026-09-01T08:00:00+08:00',
  deviceId: 'kiosk-old', birthMonth: '2016-03', gender: 'female', grade: 4, school: '村小学',
  groupHistory: [{ from: '2026-09-01', group: 'left-behind-both-away', caregiver: 'grandparent', parentsWorkIn: '东莞' }],
  surrogateParentStaffId: null, enrolledOn: '2026-09-01', leftOn: null, archived: false, avatar: { animal: 'panda', color: '#e57373' },
};
/** Imported from a roster file without a caregiver: the period leaves it unanswered (not recorded yet). */
const childV2NoCaregiver = { ...childV1, schemaVersion: 2, groupHistory: [{ from: '2026-09-01', group: 'left-behind-both-away' }] };

describe('child 1 → 2 (a caregiver may be not recorded yet)', () => {
  const up = MIGRATIONS.find((m) => m.type === 'child' && m.from === 1)!;
  it('is the current version of a child, and DATA_VERSION counts its step', () => {
    expect(DOC_VERSIONS.child).toBe(2);
    expect(DATA_VERSION).toBe(1 + (DOC_VERSIONS.screeningAnswers - 1) + (DOC_VERSIONS.child - 1));
  });
  it('a version-1 child with a caregiver reads as version 2, its content unchanged', () => {
    expect(up.up(childV1)).toEqual({ ...childV1, schemaVersion: 2 });
    expect(readDoc('child', { ...childV1, _rev: '3-b' })).toEqual({ kind: 'migrated', from: 1, doc: { ...childV1, schemaVersion: 2, _rev: '3-b' } });
    expect(() => parseDoc('child', up.up(childV1))).not.toThrow();
  });
  it('a version-2 child without a caregiver is valid, and so is a version-1 one (the app of 2026-12-01 wrote them before the version step): read as version 2, nothing made invalid', () => {
    expect(readDoc('child', childV2NoCaregiver)).toEqual({ kind: 'current', doc: childV2NoCaregiver });
    expect(readDoc('child', { ...childV2NoCaregiver, schemaVersion: 1 })).toEqual({ kind: 'migrated', from: 1, doc: childV2NoCaregiver });
    expect(storedProblems(childV2NoCaregiver)).toEqual([]);
    expect(storedProblems({ ...childV2NoCaregiver, schemaVersion: 1 })).toEqual([]);
    expect(storedProblems(childV1)).toEqual([]);
    // Still refused at either version: a caregiver that is not one of the answers.
    expect(() => readDoc('child', { ...childV1, groupHistory: [{ ...childV1.groupHistory[0]!, caregiver: 'neighbour' }] })).toThrow(/caregiver/);
  });
  it('an app at child version 1 reads a version-2 child as written by a newer app (kept, read-only)', () => {
    const v1 = schemaSetAt({ child: 1 });
    expect(readDoc('child', childV1, v1)).toEqual({ kind: 'current', doc: childV1 });
    expect(readDoc('child', { ...childV1, schemaVersion: 2 }, v1)).toEqual({ kind: 'newer', version: 2, doc: { ...childV1, schemaVersion: 2 } });
    expect(readDoc('child', childV2NoCaregiver, v1)).toMatchObject({ kind: 'newer', version: 2 });
  });
});

describe('reading a stored document by its version', () => {
  it('current, and older migrated on read', () => {
    expect(readDoc('screeningAnswers', answersV2)).toEqual({ kind: 'current', doc: answersV2 });
    expect(readDoc('screeningAnswers', { ...answersV1, _rev: '1-a' })).toEqual({ kind: 'migrated', from: 1, doc: { ...answersV2, _rev: '1-a' } });
  });
  it('an older document that is not valid at its own version is refused, in words', () => {
    expect(() => readDoc('screeningAnswers', { ...answersV1, answers: 'none' })).toThrow(/answers/);
    expect(() => readDoc('screeningAnswers', { ...answersV1, schemaVersion: 'one' })).toThrow(/schemaVersion/);
  });
  it('newer: its known fields read-only (the newer version kept, so a write of it is refused), unknown fields left out of the view', () => {
    const newer = { ...answersV2, schemaVersion: 3, answeredBy: 'child' };
    const r = readDoc('screeningAnswers', newer);
    expect(r.kind).toBe('newer');
    expect(r.doc).toEqual({ ...answersV2, schemaVersion: 3 });
    expect(isNewer(r.doc)).toBe(true);
  });
  it('newer and unreadable here: nothing shown, still reported as newer', () => {
    expect(readDoc('screeningAnswers', { ...answersV2, schemaVersion: 3, answers: [1, 2] })).toEqual({ kind: 'newer', doc: null, version: 3 });
  });
  it('the app of version 1 (the same registry, cut where that app shipped) sees a version 2 document as newer and reads it read-only', () => {
    const v1 = schemaSetAt({ screeningAnswers: 1 });
    expect(readDoc('screeningAnswers', answersV1, v1)).toEqual({ kind: 'current', doc: answersV1 });
    const r = readDoc('screeningAnswers', { ...answersV2, incompleteNote: '孩子累了' }, v1);
    expect(r).toEqual({ kind: 'newer', version: 2, doc: { ...answersV2, incompleteNote: '孩子累了' } });
    expect(isNewer(answersV2, v1)).toBe(true);
    expect(isNewer(answersV2, APP_SCHEMAS)).toBe(false);
  });
});

describe('documents from a bundle, a backup or a transfer (storedProblems)', () => {
  it('checks an older one against its own version and a newer one by its envelope only', () => {
    expect(storedProblems(answersV1)).toEqual([]);
    expect(storedProblems(answersV2)).toEqual([]);
    expect(storedProblems({ ...answersV1, incompleteNote: ' padded ' })).toEqual(['incompleteNote']);
    expect(storedProblems({ ...answersV2, schemaVersion: 7, anything: { new: true } })).toEqual([]);
    expect(storedProblems({ ...answersV2, schemaVersion: 7, centerId: 'Not A Center' })).toEqual(['centerId']);
    expect(storedProblems({ ...answersV2, type: 'gossip' })).toEqual(['type']);
    expect(storedProblems({ ...answersV2, schemaVersion: 0 })).toEqual(['schemaVersion']);
    // The app of version 1 keeps a version 2 document it cannot check fully, by its envelope.
    expect(storedProblems(answersV2, schemaSetAt({ screeningAnswers: 1 }))).toEqual([]);
  });
});
