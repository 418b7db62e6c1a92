// @vitest-environment happy-dom
/**
 * patches/pouchdb-adapter-indexeddb+9.0.0.patch (issue 19: a check-in at frame speed): the
 * adapter wrote the database's metadata (update sequence, document count) from the last
 * document's success callback, a third round trip between the page and IndexedDB inside every
 * write transaction. The patch queues it right behind the documents, in the same transaction.
 * These tests hold the order, and that the metadata is still right — in memory and as stored,
 * read back by a fresh open — after every kind of write the app makes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openCenterDb } from './createPouch';

let n = 0;
const fresh = () => `adapter-patch-${Date.now()}-${n++}`;

type Event = 'docs put' | 'meta put' | 'docs put done';
const realPut = IDBObjectStore.prototype.put;
afterEach(() => {
  IDBObjectStore.prototype.put = realPut;
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
});
