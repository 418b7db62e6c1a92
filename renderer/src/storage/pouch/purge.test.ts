// Two purges of one document at once (an erasure on this kiosk and the watcher applying the
// same request). PouchDB's purge runs only on the indexeddb adapter, and fake-indexeddb cannot
// run it (its transaction ends before the adapter's purge step), so this database stands in for
// the adapter with the behaviour that matters, read from pouchdb-adapter-indexeddb 9.0's
// `purge`: the leaves are read first; a purge that reaches a record already gone throws inside
// its IndexedDB callback and never settles. The real purge runs in Chromium in
// tests/e2e/erasure.e2e.test.ts and tests/e2e/childFileErasure.e2e.test.ts.
import { describe, expect, it } from 'vitest';
import { purgeDoc } from './purge';

/** The adapter's purge as described above, over a map of id → leaf revisions. */
function adapterLike(ids: readonly string[]) {
  const leaves = new Map(ids.map((id) => [id, [`1-${id}`]]));
  return {
    leaves,
    async get(id: string) {
      const revs = leaves.get(id);
      if (!revs) throw Object.assign(new Error('missing'), { status: 404 });
      return revs.map((rev) => ({ ok: { _id: id, _rev: rev } }));
    },
    purge(id: string, rev: string) {
      return new Promise((resolve) =>
        setTimeout(() => {
          const revs = leaves.get(id);
          if (!revs) return; // the adapter: `doc.rev_tree` of undefined, thrown in onsuccess; the callback never runs
          const left = revs.filter((r) => r !== rev);
          if (left.length === 0) leaves.delete(id);
          else leaves.set(id, left);
          resolve({ ok: true });
        }, 1),
      );
    },
  };
}

/** Settles with the promise's value, or 'pending' when it has not settled within `ms`. */
function within<T>(p: Promise<T>, ms: number): Promise<T | 'pending'> {
  return Promise.race([p, new Promise<'pending'>((r) => setTimeout(() => r('pending'), ms))]);
}

describe('purgeDoc', () => {
  it('two walkers purging the same documents at once both finish, each document purged once', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `d${i}`);
    const db = adapterLike(ids);
    const walk = async () => {
      let purged = 0;
      for (const id of ids) purged += await purgeDoc(db as unknown as PouchDB.Database, id);
      return purged;
    };
    const both = await within(Promise.all([walk(), walk()]), 3_000);
    expect(both).not.toBe('pending');
    const [a, b] = both as number[];
    expect(a! + b!).toBe(ids.length);
    expect(db.leaves.size).toBe(0);
  });

  it('a document that is not there purges nothing', async () => {
    const db = adapterLike([]);
    expect(await purgeDoc(db as unknown as PouchDB.Database, 'missing')).toBe(0);
  });
});
