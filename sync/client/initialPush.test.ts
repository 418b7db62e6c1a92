// The first push sends records that have one revision as the changes feed gave them, with the
// history PouchDB itself would give them (issue 16); everything else is read again with bulkGet.
// Needs no server: PouchDB in memory.
import { describe, expect, it } from 'vitest';
import { PouchDB } from '../../renderer/src/storage/pouch/createPouch';
import MemoryAdapter from 'pouchdb-adapter-memory';
import { firstRevisions } from './initialPush';

PouchDB.plugin(MemoryAdapter);

describe('first push: records read with the changes', () => {
  it('takes first revisions (attachments included) exactly as bulkGet gives them, and leaves edits, deletions and conflicts to bulkGet', async () => {
    const db = new PouchDB(`push-read-${Math.random()}`, { adapter: 'memory' });
    await db.put({ _id: 'mood:a', type: 'mood', face: 3 });
    await db.put({ _id: 'msg:a', type: 'familyMessage', _attachments: { 'message.webm': { content_type: 'audio/webm', data: btoa('voice') } } });
    const edited = await db.put({ _id: 'att:a', type: 'attendance', status: 'present' });
    await db.put({ _id: 'att:a', _rev: edited.rev, type: 'attendance', status: 'left' });
    const gone = await db.put({ _id: 'day:a', type: 'day' });
    await db.put({ _id: 'day:a', _rev: gone.rev, _deleted: true, type: 'day', centerId: 'x' });
    // Two first revisions of one record (two kiosks): a conflict, both leaves go up through bulkGet.
    await db.bulkDocs([{ _id: 'child:a', _rev: '1-aaaa', type: 'child', n: 1 }, { _id: 'child:a', _rev: '1-bbbb', type: 'child', n: 2 }], { new_edits: false });

    const changes = await db.changes({ style: 'all_docs', include_docs: true, attachments: true } as PouchDB.Core.ChangesOptions);
    const read = firstRevisions(changes.results);
    expect([...read.keys()].sort()).toEqual(['mood:a', 'msg:a']);
    for (const [id, doc] of read) {
      const got = await db.bulkGet({ docs: [{ id, rev: doc._rev }], revs: true, attachments: true } as PouchDB.Core.BulkGetOptions);
      const ok = got.results[0]!.docs[0]! as { ok: object };
      expect(doc).toEqual(ok.ok);
    }
    expect((read.get('msg:a') as unknown as { _attachments: Record<string, { data: string }> })._attachments['message.webm']!.data).toBe(btoa('voice'));
    await db.destroy();
  });
});
