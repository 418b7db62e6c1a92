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

export type StoredCopy = AnyDoc & { _rev: string };

/** Whether documents of `type` have a county copy. */
export function hasCountyCopy(type: string): boolean {
  return (COPIED_TYPES as readonly string[]).includes(type);
}

/**
 * The stored county copy of `sourceId`, or null. The DocStore starts this read beside the
 * write of the document itself, so a check-in costs one more write, not a read and a write.
 */
export async function readCountyCopy(db: PouchDB.Database, sourceId: string): Promise<StoredCopy | null> {
  try {
    return (await db.get(countyCopyId(sourceId))) as unknown as StoredCopy;
  } catch (e) {
    if ((e as PouchError).status !== 404) throw e;
    return null;
  }
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
 * What must be written to bring the stored county copy `current` in step with `source`
 * (null: the document was deleted): the copy with the stored revision, a tombstone, or
 * null when nothing needs writing. Pure: the caller writes it, alone or beside its source.
 * `guessed`: `current` was not read but is what the caller believes is stored; the copy is
 * then written even when unchanged, so that PouchDB's revision check confirms the guess.
 */
export function nextCountyCopy(sourceId: string, source: AnyDoc | null, current: StoredCopy | null, guessed = false): object | null {
  const copy = source ? countyCopyOf(source) : null;
  if (!copy && !current) return null;
  if (copy && current && !guessed && sameContent(copy, current)) return null;
  return copy
    ? { ...copy, ...(current ? { _rev: current._rev } : {}) }
    : { _id: countyCopyId(sourceId), _rev: current!._rev, _deleted: true, type: current!.type, centerId: current!.centerId };
}

/**
 * Brings the county copy of `source` in step: `source` null means the document was deleted.
 * Does nothing for a type that has no county copy.
 * @throws the database's error (a 409 is retried)
 */
export async function keepCountyCopy(db: PouchDB.Database, sourceId: string, type: string, source: AnyDoc | null, read: Promise<StoredCopy | null> | null = null): Promise<void> {
  if (!hasCountyCopy(type)) return;
  for (let attempt = 0; ; attempt++) {
    const current = attempt === 0 && read ? await read : await readCountyCopy(db, sourceId);
    const next = nextCountyCopy(sourceId, source, current);
    if (!next) return;
    try {
      await db.put(next as PouchDB.Core.PutDocument<object>);
      return;
    } catch (e) {
      if ((e as PouchError).status !== 409 || attempt >= RETRIES) throw e;
    }
  }
}
