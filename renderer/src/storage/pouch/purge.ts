/**
 * Removing documents from this kiosk for good (PouchDB's local purge): every leaf revision of a
 * document is purged, so it is gone from the database as if never written — no tombstone, no
 * earlier revision, nothing to replicate. PouchDB 9's indexeddb adapter purges a leaf together
 * with its branch: the revisions' bodies are deleted from the document's record and, when no
 * branch is left, the record itself (with its inline attachments) is deleted from the object
 * store; `_local/purges` keeps the purged ids and revisions (no content). Chromium's IndexedDB
 * (LevelDB) frees the disk space when it compacts its own files.
 */
/**
 * PouchDB 9.0's purge records each purge in `_local/purges` and trims that list with
 * `self.purged_infos_limit` — the global object's, not the database's (a bug: in a page `self` is
 * the window, which has no such property, so the list is never trimmed and grows by one entry,
 * rewritten whole, per purged revision). Giving the global the database's default (1,000) keeps
 * the list bounded as PouchDB intends.
 */
const g = globalThis as { purged_infos_limit?: number };
g.purged_infos_limit ??= 1000;

export type Purgeable = PouchDB.Database & { purge(id: string, rev: string): Promise<unknown> };

/**
 * Purges run one at a time per database. Two purges of one document at once (an erasure
 * on this kiosk and the watcher that applies erasure requests, both reacting to the same
 * request) would both read its leaves, and the second would reach the indexeddb adapter's
 * purge after the record is gone: the adapter then throws inside its IndexedDB callback
 * (`doc.rev_tree` of undefined) and never settles the promise, so its caller waited for
 * ever. In a queue, the second reads the leaves after the first purge and finds none.
 */
const queues = new WeakMap<PouchDB.Database, Promise<unknown>>();

/** Purges every leaf revision of `id` (deleted ones too). Returns how many revisions were purged (0 when there is no such document). */
export function purgeDoc(db: PouchDB.Database, id: string): Promise<number> {
  const next = (queues.get(db) ?? Promise.resolve()).catch(() => undefined).then(() => purgeNow(db, id));
  queues.set(db, next);
  return next;
}

async function purgeNow(db: PouchDB.Database, id: string): Promise<number> {
  const leaves = (await db.get(id, { open_revs: 'all' }).catch((e: { status?: number }) => {
    if (e.status === 404) return [];
    throw e;
  })) as { ok?: { _rev: string } }[];
  const purge = (db as Purgeable).purge.bind(db);
  let n = 0;
  for (const leaf of leaves)
    if (leaf.ok) {
      await purge(id, leaf.ok._rev);
      n++;
    }
  return n;
}
