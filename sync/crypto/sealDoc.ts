/**
 * Sealing and opening documents (issue 14): a private type's PRIVATE_FIELDS
 * (sync/schema/documents.ts) move into `enc`, encrypted under the center key with the
 * document's id and type as additional data; every other field stays as it is. Other
 * types, tombstones and documents already sealed pass through unchanged.
 */
import { PRIVATE_FIELDS, isPrivateType, isSealed, type SealedDoc } from '../schema/documents';
import { CenterKeyMissingError, TamperedCiphertextError, openFields, sealFields, type CenterKey, type EncBlob } from './centerKey';

export interface KeyLookup {
  get(id: string): CenterKey | undefined;
}

/** Whether `doc` is a private type written in clear (what the migration and the sealing look for). */
export function needsSealing(doc: unknown): boolean {
  if (typeof doc !== 'object' || doc === null) return false;
  const d = doc as { type?: unknown; _deleted?: unknown; enc?: unknown };
  return typeof d.type === 'string' && isPrivateType(d.type) && !d._deleted && d.enc === undefined;
}

/**
 * The stored form of `doc`: for a private type in clear, its private fields encrypted under `key`.
 * @throws CenterKeyMissingError when it must be sealed and there is no key (nothing is ever stored in clear instead)
 */
export async function sealDoc<T extends object>(doc: T, key: CenterKey | null): Promise<T | SealedDoc> {
  if (!needsSealing(doc)) return doc;
  const d = doc as unknown as Record<string, unknown> & { _id: string; type: keyof typeof PRIVATE_FIELDS };
  if (!key) throw new CenterKeyMissingError(d._id);
  const fields: readonly string[] = PRIVATE_FIELDS[d.type];
  const secret: Record<string, unknown> = {};
  const clear: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d)) {
    if (fields.includes(k)) secret[k] = v;
    else clear[k] = v;
  }
  return { ...clear, enc: await sealFields(key, d._id, d.type, secret) } as SealedDoc;
}

/**
 * The plain form of a stored document: a sealed one with its private fields back in place.
 * @throws CenterKeyMissingError, TamperedCiphertextError (sync/crypto/centerKey.ts)
 */
export async function openDoc<T extends object>(raw: T, keys: KeyLookup): Promise<T> {
  if (!isSealed(raw)) return raw;
  const { enc, ...clear } = raw as SealedDoc;
  const secret = await openFields(keys, raw._id, raw.type, enc as EncBlob);
  if (typeof secret !== 'object' || secret === null || Array.isArray(secret)) throw new TamperedCiphertextError(raw._id);
  const allowed: readonly string[] = PRIVATE_FIELDS[raw.type];
  // Only the type's private fields come out of `enc`: a sealed part cannot overwrite an id, a type or a center.
  const fields = Object.fromEntries(Object.entries(secret).filter(([k]) => allowed.includes(k)));
  return { ...clear, ...fields } as unknown as T;
}
