/**
 * Keeping a working document's county copy (sync/schema/county.ts) in step with it in a
 * PouchDB database: written when the county gets one, changed when it changes, deleted
 * (a tombstone with type and centerId, as every deletion) when it gets none any more.
 * Used by the kiosk's DocStore on every write and by the conflict rules after settling
 * a conflict, so the copy always follows the document as it finally is.
 */
import type { AnyDoc } from '../schema/documents';
import { COPIED_TYPES, countyCopyId, countyCopyOf } from '../schema/county';

const RETRIES = 5;

interface PouchError {
  status?: number;
}

/** Equal documents, revisions aside. */
function sameContent(a: object, b: object): boolean {
  const strip = (d: object) => {
    const { _rev: _r, ...rest } = d as { _rev?: string };
    return JSON.stringify(Object.keys(rest).sort().map((k) => [k, (rest as Record<string, unknown>)[k]]));
  };
  return strip(a) === strip(b);
}

/**
 * Brings the county copy of `source` in step: `source` null means the document was deleted.
 * Does nothing for a type that has no county copy.
 * @throws the database's error (a 409 is retried)
 */
export async function keepCountyCopy(db: PouchDB.Database, sourceId: string, type: string, source: AnyDoc | null): Promise<void> {
  if (!(COPIED_TYPES as readonly string[]).includes(type)) return;
  const copy = source ? countyCopyOf(source) : null;
  const id = countyCopyId(sourceId);
  for (let attempt = 0; ; attempt++) {
    let current: (AnyDoc & { _rev: string }) | null = null;
    try {
      current = (await db.get(id)) as unknown as AnyDoc & { _rev: string };
    } catch (e) {
      if ((e as PouchError).status !== 404) throw e;
    }
    if (!copy && !current) return;
    if (copy && current && sameContent(copy, current)) return;
    const next = copy
      ? { ...copy, ...(current ? { _rev: current._rev } : {}) }
      : { _id: id, _rev: current!._rev, _deleted: true, type: current!.type, centerId: current!.centerId };
    try {
      await db.put(next as PouchDB.Core.PutDocument<object>);
      return;
    } catch (e) {
      if ((e as PouchError).status !== 409 || attempt >= RETRIES) throw e;
    }
  }
}
