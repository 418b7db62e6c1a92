// @vitest-environment happy-dom
// Real PouchDB (indexeddb adapter over fake-indexeddb): the store's rule for documents of
// other schema versions (sync/schema/versions.ts) on the ways a transfer and a read take.
import { describe, expect, it } from 'vitest';
import { openCenterDb } from './createPouch';
import { PouchDocStore } from './PouchDocStore';
import { InvalidDocumentError, type AnyDoc } from '@sync/schema/documents';
import { NewerDocumentError } from '@sync/schema/versions';

let n = 0;
const CHILD = '01JCDEFGHJKMNPQRSTVWXYZ012';
const at = '2026-11-30T16:00:00+08:00';
const answers = (i: number, extra: Record<string, unknown>) =>
  ({ _id: `private:answers:01JCDEFGHJKMNPQRSTVWXYZ0${20 + i}`, type: 'screeningAnswers', centerId: 'qingshan', createdAt: at, updatedAt: at, deviceId: 'k', screeningId: `01JCDEFGHJKMNPQRSTVWXYZ0${20 + i}`, childId: CHILD, answers: { q1: 1 }, ...extra }) as unknown as AnyDoc;

describe('PouchDocStore and schema versions', () => {
  it('a transfer (bulkCreate) keeps a newer document as it came, stores an older one migrated, and refuses a newer one without a valid envelope', async () => {
    const db = openCenterDb(`versions-${Date.now()}-${n++}`);
    const store = new PouchDocStore(db);
    const met: string[] = [];
    store.onNewer = (id) => met.push(id);
    const newer = answers(1, { schemaVersion: 3, incompleteNote: '', addedLater: { x: 1 } });
    const older = answers(2, { schemaVersion: 1 });
    expect(await store.bulkCreate([newer, older])).toEqual({ written: 2, failed: [] });
    const { _rev: _r, ...stored } = (await db.get(newer._id)) as unknown as Record<string, unknown>;
    expect(stored).toEqual(newer);
    expect(await db.get(older._id)).toMatchObject({ schemaVersion: 2, incompleteNote: '' });
    expect(met).toEqual([newer._id]);
    await expect(store.bulkCreate([answers(3, { schemaVersion: 3, centerId: 'Bad Center' })])).rejects.toBeInstanceOf(InvalidDocumentError);
    // Read-only: shown with its known fields, never written or deleted here.
    expect(await store.get('screeningAnswers', newer._id)).toMatchObject({ schemaVersion: 3, answers: { q1: 1 } });
    await expect(store.update('screeningAnswers', newer._id, (c) => c)).rejects.toBeInstanceOf(NewerDocumentError);
    await expect(store.remove('screeningAnswers', newer._id)).rejects.toBeInstanceOf(NewerDocumentError);
    expect(((await db.get(newer._id)) as { _rev: string })._rev.startsWith('1-')).toBe(true);
  });

  it('a newer document this app cannot read is left out of lists, not reported as invalid, and a list still shows the rest', async () => {
    const db = openCenterDb(`versions-${Date.now()}-${n++}`);
    const invalid: string[] = [];
    const store = new PouchDocStore(db, (bad) => invalid.push(bad.id));
    const met: number[] = [];
    store.onNewer = (_id, v) => met.push(v);
    await db.bulkDocs([answers(4, { schemaVersion: 5, answers: ['a changed shape'] }), answers(5, { schemaVersion: 2, incompleteNote: '' })] as object[]);
    expect((await store.list('screeningAnswers', 'private:answers:')).map((d) => d._id)).toEqual([answers(5, {})._id]);
    expect(invalid).toEqual([]);
    expect(met).toEqual([5]);
  });
});
