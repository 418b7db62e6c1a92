/**
 * The center key (issue 14). Children's private fields are encrypted on the kiosk before
 * they are stored for sync, so the county server, its disks and its backups hold only
 * ciphertext. WebCrypto only (the browser's and Node's own), no crypto dependency.
 *
 *   center key     a random AES-256-GCM key, one per center (a new one at each rotation);
 *                  kept in each kiosk's own device storage, never synced in clear.
 *   document       the private fields as JSON, AES-GCM with a fresh 96-bit IV; the
 *                  additional data is the document's id and type, so a ciphertext copied
 *                  into another document (or another type) is refused, not misread.
 *   recovery code  24 random base32 characters (120 bits) in six groups, printed on paper
 *                  at setup. It is high-entropy, not a PIN: PBKDF2-SHA256 derives an AES-KW
 *                  key from it, and the center key travels wrapped under that (the
 *                  `centerKey` document in the center database), so a joining kiosk that
 *                  types the code unwraps the key and nobody else can.
 *
 * AES-KW carries its own integrity check: a wrong recovery code fails to unwrap rather than
 * giving a wrong key.
 */

/** The encrypted part of a document: format version, key id, IV and ciphertext (base64). */
export interface EncBlob {
  readonly v: 1;
  readonly k: string;
  readonly iv: string;
  readonly ct: string;
}

export interface CenterKey {
  /** A short random id, stored beside every ciphertext, so a kiosk knows which key opens it. */
  readonly id: string;
  readonly key: CryptoKey;
}

/** The center key wrapped under a recovery code: what the `centerKey` document carries. */
export interface WrappedCenterKey {
  readonly keyId: string;
  readonly kdf: { readonly alg: 'PBKDF2-SHA256'; readonly iterations: number; readonly salt: string };
  readonly wrap: 'AES-KW';
  readonly wrapped: string;
}

/** The recovery code does not open this key (mistyped, or another center's / an older code). */
export class WrongRecoveryCodeError extends Error {
  override name = 'WrongRecoveryCodeError';
}
/** Ciphertext that fails authentication: changed, truncated, or moved from another document. */
export class TamperedCiphertextError extends Error {
  override name = 'TamperedCiphertextError';
  constructor(readonly docId: string) {
    super(`the encrypted part of ${docId} does not authenticate: it was changed or belongs to another document`);
  }
}
/** This kiosk does not hold the key a document was encrypted with. */
export class CenterKeyMissingError extends Error {
  override name = 'CenterKeyMissingError';
  constructor(readonly docId: string | null) {
    super(`this kiosk does not have the center key${docId ? ` (needed for ${docId})` : ''}`);
  }
}

export const RECOVERY_KDF_ITERATIONS = 200_000;
const KEY_ID_RE = /^[0-9a-f]{16}$/;
/** Crockford's base32: no I, L, O or U, so a code read off paper is not misread. */
const BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const RECOVERY_CODE_LENGTH = 24;

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;
const random = (n: number): Uint8Array<ArrayBuffer> => globalThis.crypto.getRandomValues(new Uint8Array(n));
const utf8 = (s: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(s);

export function toB64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
export function fromB64(text: string): Uint8Array<ArrayBuffer> {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

/** A new random center key (extractable: it is wrapped under the recovery code and kept on the device). */
export async function generateCenterKey(): Promise<CenterKey> {
  const key = await subtle().generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']);
  return { id: hex(random(8)), key };
}

/** The key's bytes, for this device's own storage only. */
export async function exportCenterKey(k: CenterKey): Promise<string> {
  return `${k.id}:${toB64(new Uint8Array(await subtle().exportKey('raw', k.key)))}`;
}
/** @throws Error when `stored` is not what exportCenterKey wrote. */
export async function importCenterKey(stored: string): Promise<CenterKey> {
  const [id, raw] = stored.split(':');
  if (!id || !KEY_ID_RE.test(id) || !raw) throw new Error('not a stored center key');
  const bytes = fromB64(raw);
  if (bytes.length !== 32) throw new Error('not a stored center key');
  return { id, key: await subtle().importKey('raw', bytes, { name: 'AES-GCM' }, true, ['encrypt', 'decrypt']) };
}

/** A new recovery code: 24 base32 characters in groups of four (XXXX-XXXX-…). */
export function newRecoveryCode(): string {
  const bytes = random(RECOVERY_CODE_LENGTH);
  const chars = [...bytes].map((b) => BASE32[b & 31]).join('');
  return chars.match(/.{4}/g)!.join('-');
}

/**
 * The code as typed, made canonical: case, spaces and dashes do not matter, and the letters
 * people confuse with digits (I, L → 1; O → 0) read as the digits. @returns null when it
 * cannot be a recovery code (wrong length or a character outside the alphabet).
 */
export function normalizeRecoveryCode(typed: string): string | null {
  const s = typed
    .toUpperCase()
    .replace(/[\s\-－—_]/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
  if (s.length !== RECOVERY_CODE_LENGTH || [...s].some((c) => !BASE32.includes(c))) return null;
  return s;
}

async function kek(code: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<CryptoKey> {
  const normalized = normalizeRecoveryCode(code);
  if (!normalized) throw new WrongRecoveryCodeError('not a recovery code');
  const base = await subtle().importKey('raw', utf8(normalized), 'PBKDF2', false, ['deriveKey']);
  return subtle().deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, base, { name: 'AES-KW', length: 256 }, false, ['wrapKey', 'unwrapKey']);
}

/** Wraps the center key under a recovery code (PBKDF2-SHA256 → AES-KW). */
export async function wrapCenterKey(k: CenterKey, code: string, iterations = RECOVERY_KDF_ITERATIONS): Promise<WrappedCenterKey> {
  const salt = random(16);
  const wrapped = await subtle().wrapKey('raw', k.key, await kek(code, salt, iterations), 'AES-KW');
  return { keyId: k.id, kdf: { alg: 'PBKDF2-SHA256', iterations, salt: toB64(salt) }, wrap: 'AES-KW', wrapped: toB64(new Uint8Array(wrapped)) };
}

/** @throws WrongRecoveryCodeError when the code does not open it (or is not a code at all). */
export async function unwrapCenterKey(w: WrappedCenterKey, code: string): Promise<CenterKey> {
  if (!KEY_ID_RE.test(w.keyId) || w.kdf.iterations < 100_000 || w.kdf.iterations > 2_000_000) throw new WrongRecoveryCodeError('the wrapped key is malformed');
  const wrappingKey = await kek(code, fromB64(w.kdf.salt), w.kdf.iterations);
  try {
    const key = await subtle().unwrapKey('raw', fromB64(w.wrapped), wrappingKey, 'AES-KW', { name: 'AES-GCM' }, true, ['encrypt', 'decrypt']);
    return { id: w.keyId, key };
  } catch {
    throw new WrongRecoveryCodeError('the recovery code does not open this center key');
  }
}

const aad = (docId: string, type: string) => utf8(`tongxin-e2ee-v1\n${docId}\n${type}`);

/** Encrypts `fields` (any JSON value) for document `docId` of type `type`, with a fresh IV. */
export async function sealFields(k: CenterKey, docId: string, type: string, fields: unknown): Promise<EncBlob> {
  const iv = random(12);
  const ct = await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: aad(docId, type) }, k.key, utf8(JSON.stringify(fields)));
  return { v: 1, k: k.id, iv: toB64(iv), ct: toB64(new Uint8Array(ct)) };
}

/**
 * Decrypts what sealFields wrote for the same document id and type.
 * @throws CenterKeyMissingError when `keys` has no key with the blob's id;
 *         TamperedCiphertextError when it does not authenticate (changed, or moved from another document).
 */
export async function openFields(keys: { get(id: string): CenterKey | undefined }, docId: string, type: string, enc: EncBlob): Promise<unknown> {
  const k = keys.get(enc.k);
  if (!k) throw new CenterKeyMissingError(docId);
  let plain: ArrayBuffer;
  try {
    plain = await subtle().decrypt({ name: 'AES-GCM', iv: fromB64(enc.iv), additionalData: aad(docId, type) }, k.key, fromB64(enc.ct));
  } catch {
    throw new TamperedCiphertextError(docId);
  }
  return JSON.parse(new TextDecoder().decode(plain)) as unknown;
}

/**
 * The keys this kiosk holds: the current one (new writes) and older ones (documents not yet
 * re-encrypted after a rotation). A mutable holder, so the storage adapter built at start
 * sees a key entered later (joining, recovery).
 */
export class CenterKeyring {
  private readonly keys = new Map<string, CenterKey>();
  private currentId: string | null = null;
  private readonly listeners = new Set<() => void>();

  get current(): CenterKey | null {
    return this.currentId ? (this.keys.get(this.currentId) ?? null) : null;
  }
  get(id: string): CenterKey | undefined {
    return this.keys.get(id);
  }
  get size(): number {
    return this.keys.size;
  }
  all(): CenterKey[] {
    return [...this.keys.values()];
  }
  /** Adds a key; `current` makes it the one new writes use. */
  add(k: CenterKey, current = false): void {
    this.keys.set(k.id, k);
    if (current || !this.currentId) this.currentId = k.id;
    for (const l of [...this.listeners]) l();
  }
  clear(): void {
    this.keys.clear();
    this.currentId = null;
    for (const l of [...this.listeners]) l();
  }
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
