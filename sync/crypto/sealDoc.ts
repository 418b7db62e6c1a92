/**
 * Sealing and opening documents (issue 14): a private type's PRIVATE_FIELDS
 * (sync/schema/documents.ts) move into `enc`, encrypted under the center key with the
 * document's id and type as additional data; every other field stays as it is. Other
 * types, tombstones and documents already sealed pass through unchanged.
 */
import { PRIVATE_FIELDS, isPrivateType, isSealed, type SealedDoc } from '../schema/documents';
import { CenterKeyMissingError, TamperedCiphertextError, fromB64, openFields, sealFields, toB64, type CenterKey, type EncBlob } from './centerKey';

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

/*
 * Attachments of private documents (issue 15's voice messages, drawings and replies): the
 * bytes are encrypted under the center key before they are stored, as the fields are.
 * A sealed attachment's name ends in SEALED_ATTACHMENT (so a reader knows to open it) and
 * its data is keyId (8 bytes) · IV (12 bytes) · AES-GCM ciphertext, with the document id
 * and the attachment's name as additional data (moved to another document or renamed, it
 * does not open). Its content type stays in clear (audio/webm, image/png): the server can
 * see that a message is a recording, never what it says.
 */
export const SEALED_ATTACHMENT = '.sealed';
/** Bytes a sealed attachment adds to its content: key id, IV and GCM tag. */
export const SEALED_ATTACHMENT_OVERHEAD = 8 + 12 + 16;
const attAad = (docId: string, name: string) => new TextEncoder().encode(`tongxin-e2ee-att-v1\n${docId}\n${name}`);
const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

type Attachments = Record<string, { content_type: string; data?: unknown; stub?: boolean }>;

/**
 * `doc` with every attachment given as base64 `data` encrypted (stubs of attachments already
 * stored are left as they are). Only private types are sealed; others pass through.
 */
export async function sealAttachments<T extends object>(doc: T, key: CenterKey): Promise<T> {
  const d = doc as T & { _id: string; type?: unknown; _attachments?: Attachments };
  if (!d._attachments || typeof d.type !== 'string' || !isPrivateType(d.type)) return doc;
  const out: Attachments = {};
  for (const [name, a] of Object.entries(d._attachments)) {
    if (typeof a.data !== 'string' || name.endsWith(SEALED_ATTACHMENT)) {
      out[name] = a;
      continue;
    }
    const sealedName = `${name}${SEALED_ATTACHMENT}`;
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
    const ct = new Uint8Array(await globalThis.crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: attAad(d._id, sealedName) }, key.key, fromB64(a.data)));
    const keyId = Uint8Array.from(key.id.match(/../g)!.map((h) => parseInt(h, 16)));
    const blob = new Uint8Array(8 + 12 + ct.length);
    blob.set(keyId, 0);
    blob.set(iv, 8);
    blob.set(ct, 20);
    out[sealedName] = { content_type: a.content_type, data: toB64(blob) };
  }
  return { ...d, _attachments: out };
}

/**
 * The plain bytes of attachment `name` of document `docId`, as stored (`bytes`): opened when
 * sealed, unchanged otherwise.
 * @throws CenterKeyMissingError, TamperedCiphertextError
 */
export async function openAttachment(bytes: Uint8Array, docId: string, name: string, keys: KeyLookup): Promise<Uint8Array> {
  if (!name.endsWith(SEALED_ATTACHMENT)) return bytes;
  if (bytes.length < SEALED_ATTACHMENT_OVERHEAD) throw new TamperedCiphertextError(docId);
  const key = keys.get(hex(bytes.subarray(0, 8)));
  if (!key) throw new CenterKeyMissingError(docId);
  try {
    const iv = bytes.slice(8, 20);
    return new Uint8Array(await globalThis.crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: attAad(docId, name) }, key.key, bytes.slice(20)));
  } catch {
    throw new TamperedCiphertextError(docId);
  }
}
