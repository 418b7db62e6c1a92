// @vitest-environment happy-dom
/**
 * patches/pouchdb-adapter-indexeddb+9.0.0.patch (issue 19), two changes:
 * - a write: the adapter wrote the database's metadata (update sequence, document count) from
 *   the last document's success callback, a third round trip between the page and IndexedDB
 *   inside every write transaction (a check-in). It is now queued right behind the documents, in
 *   the same transaction. These tests hold the order, and that the metadata is still right — in
 *   memory and as stored, read back by a fresh open — after every kind of write the app makes.
 * - a range read (`allDocs`) asked IndexedDB for 100 rows at a time, one request after another:
 *   the roster (300 children, their private records, their consents) was four requests in a row
 *   per type at every start. Now 1,000. The tests hold that, and that every kind of range read
 *   answers as PouchDB's in-memory adapter does over the same documents.
 */
import { afterEach, describe, expect, it } from 'vitest';
import MemoryAdapter from 'pouchdb-adapter-memory';
import { openCenterDb, PouchDB } from './createPouch';

PouchDB.plugin(MemoryAdapter);

let n = 0;
const fresh = () => `adapter-patch-${Date.now()}-${n++}`;

type Event = 'docs put' | 'meta put' | 'docs put done';
const realPut = IDBObjectStore.prototype.put;
const realGetAll = IDBIndex.prototype.getAll;
afterEach(() => {
  IDBObjectStore.prototype.put = realPut;
  IDBIndex.prototype.getAll = realGetAll;
});
/** Records, in order, each put the adapter asks for and when a document's put has succeeded. */
function recordPuts(): Event[] {
  const events: Event[] = [];
  IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
    const req = realPut.apply(this, args);
    if (this.name === 'docs') {
      events.push('docs put');
      // Registered before the adapter sets `onsuccess`, so it runs first.
      req.addEventListener('success', () => events.push('docs put done'));
    } else if (this.name === 'meta') events.push('meta put');
    return req;
  } as IDBObjectStore['put'];
  return events;
}

describe('the indexeddb adapter as patched', () => {
  it('queues the metadata behind the documents instead of after their success (one round trip fewer a write)', async () => {
    const db = openCenterDb(fresh());
    await db.info();
    const events = recordPuts();
    await db.put({ _id: 'att:2026-12-02:a', status: 'present' });
    expect(events).toEqual(['docs put', 'meta put', 'docs put done']);
    events.length = 0;
    await db.bulkDocs([{ _id: 'b' }, { _id: 'c' }, { _id: 'd' }]);
    // One metadata write for the batch, after all its documents.
    expect(events.filter((e) => e !== 'docs put done')).toEqual(['docs put', 'docs put', 'docs put', 'meta put']);
    expect(events.indexOf('meta put')).toBeLessThan(events.indexOf('docs put done'));
    await db.close();
  });

  it('keeps the update sequence and document count right, in memory and as stored, through every kind of write', async () => {
    const name = fresh();
    const db = openCenterDb(name);
    const a = await db.put({ _id: 'a', v: 1 });
    await db.bulkDocs([{ _id: 'b' }, { _id: 'c' }]);
    await db.put({ _id: 'a', _rev: a.rev, v: 2 }); // an update
    const c = await db.get('c');
    await db.remove(c); // a deletion
    await db.bulkDocs([{ _id: 'e', _rev: '1-aaa', v: 'theirs' }, { _id: 'a', _rev: '3-zzz', _revisions: { start: 3, ids: ['zzz', 'yyy'] }, v: 'branch' }], { new_edits: false });
    const local = await db.put({ _id: '_local/checkpoint', at: 1 });
    await db.remove({ _id: '_local/checkpoint', _rev: local.rev });
    // A write refused as a conflict changes nothing.
    await expect(db.put({ _id: 'b', v: 'no rev' })).rejects.toMatchObject({ status: 409 });
    // Seven revisions written (a ×2, b, c ×2, e, a's other branch); three live documents (c deleted).
    const expected = { doc_count: 3, update_seq: 7 };
    const info = await db.info();
    const changes = await db.changes({ since: 0 });
    expect(changes.results.map((r) => r.id).sort()).toEqual(['a', 'b', 'c', 'e']);
    expect(changes.last_seq).toBe(info.update_seq);
    expect({ doc_count: info.doc_count, update_seq: info.update_seq }).toEqual(expected);
    await db.close();
    // The stored metadata, as the next start reads it.
    const again = openCenterDb(name);
    const reread = await again.info();
    expect({ doc_count: reread.doc_count, update_seq: reread.update_seq }).toEqual(expected);
    const next = await again.put({ _id: 'f' });
    expect(next.ok).toBe(true);
    expect((await again.info()).update_seq).toBe(expected.update_seq + 1);
    await again.close();
  });

  it('writes nothing when a batch is refused as a whole (a missing attachment stub aborts the transaction)', async () => {
    const name = fresh();
    const db = openCenterDb(name);
    await db.put({ _id: 'x' });
    const before = await db.info();
    await expect(db.bulkDocs([{ _id: 'y', _attachments: { 'a.txt': { stub: true, digest: 'md5-missing', content_type: 'text/plain' } } } as never])).rejects.toBeTruthy();
    await db.close();
    const again = openCenterDb(name);
    const after = await again.info();
    expect({ doc_count: after.doc_count, update_seq: after.update_seq }).toEqual({ doc_count: before.doc_count, update_seq: before.update_seq });
    await again.close();
  });

  it('reads a range of up to 1,000 documents in one request, not 100 at a time', async () => {
    const db = openCenterDb(fresh());
    await db.bulkDocs(Array.from({ length: 450 }, (_, i) => ({ _id: `child:${String(i).padStart(4, '0')}`, grade: i % 9 })));
    let requests = 0;
    IDBIndex.prototype.getAll = function (this: IDBIndex, ...args: Parameters<IDBIndex['getAll']>) {
      if (this.name === 'deleted,id') requests++;
      return realGetAll.apply(this, args);
    } as IDBIndex['getAll'];
    const res = await db.allDocs({ include_docs: true, startkey: 'child:', endkey: 'child:\uffff' });
    expect(res.rows).toHaveLength(450);
    expect(requests).toBe(1);
    await db.close();
  });

  it('answers every kind of range read as the in-memory adapter does, across the request size', async () => {
    const idb = openCenterDb(fresh());
    const mem = new PouchDB(fresh(), { adapter: 'memory' });
    const docs = Array.from({ length: 2_345 }, (_, i) => ({ _id: `att:${String(i).padStart(5, '0')}`, n: i }));
    for (const db of [idb, mem]) {
      await db.bulkDocs(docs);
      // Some deleted, among them the rows at the request boundaries.
      for (const i of [0, 999, 1000, 1001, 1999, 2000, 2344, 1234]) await db.remove(await db.get(`att:${String(i).padStart(5, '0')}`));
    }
    type Query = PouchDB.Core.AllDocsOptions | PouchDB.Core.AllDocsWithinRangeOptions | PouchDB.Core.AllDocsWithKeyOptions | PouchDB.Core.AllDocsWithKeysOptions;
    const queries: Query[] = [
      {},
      { include_docs: true },
      { limit: 1000 },
      { limit: 1001, skip: 998 },
      { skip: 1500 },
      { descending: true, limit: 1200 },
      { startkey: 'att:00990', endkey: 'att:02010' },
      { startkey: 'att:00990', endkey: 'att:02010', inclusive_end: false },
      { startkey: 'att:02010', endkey: 'att:00990', descending: true, include_docs: true },
      { key: 'att:01000' },
      { key: 'att:01002', include_docs: true },
      { keys: ['att:00999', 'att:00998', 'att:zzz', 'att:02001'] },
      { limit: 0 },
    ];
    const shape = (r: PouchDB.Core.AllDocsResponse<object>) => ({ total: r.total_rows, rows: r.rows.map((row) => JSON.stringify(row)) });
    for (const q of queries) expect(shape(await idb.allDocs(q as PouchDB.Core.AllDocsWithinRangeOptions)), JSON.stringify(q)).toEqual(shape(await mem.allDocs(q as PouchDB.Core.AllDocsWithinRangeOptions)));
    await idb.close();
    await mem.close();
  });
});
