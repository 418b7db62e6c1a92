/**
 * USB / file bundles: a center's documents in one file for places with no
 * connection at all. Carried to the county office (or another kiosk of the
 * center) and merged there exactly as replication would merge them.
 *
 * File: one JSON object (UTF-8), so a truncated copy fails to parse and is
 * refused before anything is decrypted.
 *
 *   { format: 'tongxin-bundle', version: 1,
 *     header: { centerId, createdAt, deviceId, scope, docCount },
 *     kdf: { alg: 'PBKDF2-SHA256', iterations, salt }, check,
 *     cipher: { alg: 'AES-256-GCM', iv }, payload }
 *
 * The county passphrase is stretched with PBKDF2-SHA256 into 512 bits: the
 * first half is the AES-256-GCM key, the second half's SHA-256 is `check`,
 * so a wrong passphrase is told apart from a changed file. The payload is the
 * gzip of the documents' JSON, encrypted with the header as additional
 * authenticated data: changing a byte of the payload or of the header makes
 * decryption fail, and the file is refused with the reason.
 *
 * Before any key is derived, the parameters are bounded (round count, salt,
 * IV and check lengths) and the file's `digest` — a SHA-256 over the header,
 * the key-derivation parameters, the check value and the IV — is compared.
 * The digest has no key: it does not stop a forger (the AES-GCM tag does
 * that), it tells a changed salt, round count or check value ("the file was
 * changed") apart from a wrong passphrase, which it could not otherwise be.
 * Version 1 files, written before the digest existed, are still read.
 *
 * After decryption every document is checked with the sync schemas
 * (sync/schema/documents.ts) — the same ones the kiosk applies to what it
 * stores — and one failure refuses the whole bundle: nothing is written.
 *
 * Each document travels with its revision history (`_revisions`), and import
 * writes with `new_edits: false`: importing the same bundle twice changes
 * nothing, and two bundles that edited one record meet as a conflict, settled
 * by the same rules as live sync.
 */

export const BUNDLE_FORMAT = 'tongxin-bundle';
import { schemasByType } from '../schema/documents';
import { storedProblems } from '../schema/versions';

export const BUNDLE_VERSION = 2;
export const BUNDLE_EXTENSION = '.tongxin';
export const KDF_ITERATIONS = 210_000;
/**
 * Round counts a bundle may ask for. Below, the passphrase is too cheap to
 * guess; above, a file could make the kiosk spend seconds to minutes of CPU
 * before it is refused (10,000,000 rounds took 9 s). Checked before deriving.
 */
export const KDF_MIN_ITERATIONS = 100_000;
export const KDF_MAX_ITERATIONS = 1_000_000;
export const MIN_PASSPHRASE = 8;

export interface BundleHeader {
  readonly centerId: string;
  readonly createdAt: string;
  readonly deviceId: string;
  /** What the exporter chose: everything not yet acknowledged by the server, or a date range of last edits. */
  readonly scope:
    | { readonly kind: 'unsent' }
    | { readonly kind: 'all' }
    | { readonly kind: 'range'; readonly from: string; readonly to: string }
    /** One child's history for another center (sync/transfer), sealed with the transfer code. */
    | { readonly kind: 'transfer'; readonly to: string; readonly transferId: string }
    /** A whole-center backup (sync/backup), sealed with the recovery code; binds the readable manifest by its hash. */
    | { readonly kind: 'backup'; readonly manifestSha256: string };
  readonly docCount: number;
}

export interface BundleFile {
  readonly format: typeof BUNDLE_FORMAT;
  readonly version: number;
  readonly header: BundleHeader;
  readonly kdf: { readonly alg: 'PBKDF2-SHA256'; readonly iterations: number; readonly salt: string };
  readonly check: string;
  readonly cipher: { readonly alg: 'AES-256-GCM'; readonly iv: string };
  readonly payload: string;
  /** Version 2 on: SHA-256 (hex) of the parameters, see paramsDigest. */
  readonly digest?: string;
}

/** A stored document with its revision history, as replication sends it. */
export type BundleDoc = Record<string, unknown> & { _id: string; _rev: string; _revisions?: { start: number; ids: string[] } };

export type BundleErrorKind =
  | 'not-a-bundle'
  | 'truncated'
  | 'newer-version'
  | 'wrong-passphrase'
  | 'tampered'
  /** Key-derivation parameters out of bounds: refused before deriving. values.part names which (rounds: with value, min, max). */
  | 'bad-kdf'
  /** Documents the schemas refuse: values.n and values.example. */
  | 'invalid-docs'
  | 'other-center'
  | 'weak-passphrase'
  | 'transfer-file'
  | 'not-a-transfer';

/** Why a bundle was refused; `kind` (and `values`) is what the UI says in words. */
/**
 * How far a long operation on a center's records has got, for the progress line a person
 * sees while it runs (issue 11: every operation over a second shows progress). `step` says
 * what is being done; `done` and `total` count records (`seal` and `open` have no count
 * that moves: one step of WebCrypto and gzip on the whole file; nor has `save`).
 */
export interface RecordProgress {
  /** `save`: the sealed file is being written to disk or handed to the browser's download. */
  readonly step: 'read' | 'seal' | 'open' | 'check' | 'write' | 'save';
  readonly done: number;
  readonly total: number;
}
export type OnRecordProgress = (p: RecordProgress) => void;
const noProgress: OnRecordProgress = () => {};

/** Records per step of a long loop: small enough for a progress line that moves, large enough for IndexedDB batches. */
export const PROGRESS_CHUNK = 500;

/** Lets the page paint and take taps between the chunks of a loop that does not wait on IndexedDB. */
export const yieldToUi = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

export class BundleError extends Error {
  constructor(
    readonly kind: BundleErrorKind,
    detail: string,
    readonly values: Readonly<Record<string, string>> = {},
  ) {
    super(`${kind}: ${detail}`);
    this.name = 'BundleError';
  }
}

const subtle = () => globalThis.crypto.subtle;
const enc = new TextEncoder();

function toB64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
function fromB64(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
const hex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');

async function pipe(bytes: Uint8Array<ArrayBuffer>, stream: CompressionStream | DecompressionStream): Promise<Uint8Array<ArrayBuffer>> {
  const out = new Blob([bytes]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

async function deriveKeys(passphrase: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<{ key: CryptoKey; check: string }> {
  const base = await subtle().importKey('raw', enc.encode(passphrase.normalize('NFC')), 'PBKDF2', false, ['deriveBits']);
  const bits = new Uint8Array(await subtle().deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, base, 512));
  const key = await subtle().importKey('raw', bits.slice(0, 32), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  const check = hex(await subtle().digest('SHA-256', bits.slice(32))).slice(0, 32);
  return { key, check };
}

/** The header, serialized the same way on both sides, is the AES-GCM additional data. */
const aad = (header: BundleHeader) => enc.encode(JSON.stringify([header.centerId, header.createdAt, header.deviceId, header.scope, header.docCount]));

/** What the digest covers: everything a passphrase check depends on, and the header. */
async function paramsDigest(f: Pick<BundleFile, 'header' | 'kdf' | 'check' | 'cipher'>): Promise<string> {
  const h = f.header;
  const covered = JSON.stringify([[h.centerId, h.createdAt, h.deviceId, h.scope, h.docCount], f.kdf.alg, f.kdf.iterations, f.kdf.salt, f.check, f.cipher.alg, f.cipher.iv]);
  return hex(await subtle().digest('SHA-256', enc.encode(covered)));
}

/** Encrypts documents into a bundle file's text. @throws BundleError('weak-passphrase') */
export async function sealBundle(header: Omit<BundleHeader, 'docCount'>, docs: readonly BundleDoc[], passphrase: string, iterations = KDF_ITERATIONS, onProgress: OnRecordProgress = noProgress): Promise<string> {
  onProgress({ step: 'seal', done: 0, total: docs.length });
  if (passphrase.trim().length < MIN_PASSPHRASE) throw new BundleError('weak-passphrase', `at least ${MIN_PASSPHRASE} characters`);
  const full: BundleHeader = { ...header, docCount: docs.length };
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const { key, check } = await deriveKeys(passphrase, salt, iterations);
  const plain = await pipe(enc.encode(JSON.stringify(docs)), new CompressionStream('gzip'));
  const sealed = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: aad(full) }, key, plain));
  const params = { header: full, kdf: { alg: 'PBKDF2-SHA256' as const, iterations, salt: toB64(salt) }, check, cipher: { alg: 'AES-256-GCM' as const, iv: toB64(iv) } };
  const file: BundleFile = { format: BUNDLE_FORMAT, version: BUNDLE_VERSION, ...params, payload: toB64(sealed), digest: await paramsDigest(params) };
  return JSON.stringify(file);
}

/** Reads a bundle's header without the passphrase (for the preview). @throws BundleError */
export function readBundleHeader(text: string): BundleFile {
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch {
    // A bundle is one JSON object: if it starts like one, it was cut short on the way.
    throw new BundleError(text.trimStart().startsWith(`{"format":"${BUNDLE_FORMAT}"`) ? 'truncated' : 'not-a-bundle', 'the file does not parse');
  }
  const f = file as Partial<BundleFile>;
  if (typeof f !== 'object' || f === null || f.format !== BUNDLE_FORMAT) throw new BundleError('not-a-bundle', 'no tongxin-bundle format marker');
  if (typeof f.version !== 'number' || f.version > BUNDLE_VERSION) throw new BundleError('newer-version', `version ${String(f.version)}`);
  const h = f.header;
  if (!h || typeof h.centerId !== 'string' || typeof h.createdAt !== 'string' || typeof h.docCount !== 'number' || !f.kdf || !f.cipher || typeof f.payload !== 'string' || typeof f.check !== 'string')
    throw new BundleError('tampered', 'fields are missing');
  if (f.kdf.alg !== 'PBKDF2-SHA256' || f.cipher.alg !== 'AES-256-GCM') throw new BundleError('tampered', 'unknown algorithm');
  checkKdfBounds(f as BundleFile);
  if (f.version >= 2 && typeof f.digest !== 'string') throw new BundleError('tampered', 'the parameter digest is missing');
  return f as BundleFile;
}

const base64Length = (b64: string) => (/^[A-Za-z0-9+/]*={0,2}$/.test(b64) && b64.length % 4 === 0 ? (b64.length / 4) * 3 - (b64.match(/=*$/)?.[0].length ?? 0) : -1);

/** @throws BundleError('bad-kdf') naming what is out of bounds; nothing has been derived yet. */
function checkKdfBounds(f: BundleFile): void {
  const { iterations, salt } = f.kdf;
  const refuse = (part: 'rounds' | 'salt' | 'iv' | 'check', detail: string, values: Record<string, string> = {}) => {
    throw new BundleError('bad-kdf', detail, { part, ...values });
  };
  if (typeof iterations !== 'number' || !Number.isInteger(iterations) || iterations < KDF_MIN_ITERATIONS || iterations > KDF_MAX_ITERATIONS) {
    const value = String(iterations).slice(0, 20);
    refuse('rounds', `${value} rounds, allowed ${KDF_MIN_ITERATIONS}–${KDF_MAX_ITERATIONS}`, { value, min: String(KDF_MIN_ITERATIONS), max: String(KDF_MAX_ITERATIONS) });
  }
  const saltBytes = typeof salt === 'string' ? base64Length(salt) : -1;
  if (saltBytes < 16 || saltBytes > 64) refuse('salt', `salt of ${saltBytes < 0 ? 'unreadable' : saltBytes} bytes, allowed 16–64`);
  if (typeof f.cipher.iv !== 'string' || base64Length(f.cipher.iv) !== 12) refuse('iv', 'IV not 12 bytes');
  if (typeof f.check !== 'string' || !/^[0-9a-f]{32}$/.test(f.check)) refuse('check', 'check value not 32 hex digits');
}

/**
 * Checks every document of a bundle with the sync schemas, without its
 * revision history (bundle metadata, not part of the document). A deletion
 * carries only its id, revision, type and center.
 * @throws BundleError('invalid-docs') naming how many failed and the first.
 */
export function checkBundleDocs(docs: readonly BundleDoc[]): void {
  const failed = docs.flatMap((d) => bundleDocProblem(d) ?? []);
  if (failed.length > 0) throw invalidDocs(failed);
}

function invalidDocs(failed: readonly string[]): BundleError {
  return new BundleError('invalid-docs', `${failed.length} documents fail the schemas: ${failed.slice(0, 5).join('; ')}`, { n: String(failed.length), example: failed[0]!.slice(0, 120) });
}

/** What is wrong with one document of a bundle (its id and the fields), or null. */
function bundleDocProblem(d: BundleDoc): string | null {
  const { _revisions: _history, ...doc } = d;
  if (doc._deleted === true) {
    const extra = Object.keys(doc).filter((k) => !['_id', '_rev', '_deleted', 'type', 'centerId'].includes(k));
    return extra.length > 0 || (doc.type !== undefined && !(String(doc.type) in schemasByType)) ? `${d._id} (${extra.join(', ') || 'type'})` : null;
  }
  // A private document travels sealed under the center key (issue 14): its clear part is checked here.
  // A document of an older version is checked against its own version's schema, one written by a
  // newer app by its envelope only: both are kept as they came (sync/schema/versions.ts).
  const problems = storedProblems(doc);
  return problems.length > 0 ? `${d._id} (${problems.slice(0, 3).join(', ')})` : null;
}

/** Decrypts and checks a bundle. @throws BundleError with the reason; nothing is written anywhere. */
export async function openBundle(text: string, passphrase: string, onProgress: OnRecordProgress = noProgress): Promise<{ header: BundleHeader; docs: BundleDoc[] }> {
  const file = readBundleHeader(text);
  onProgress({ step: 'open', done: 0, total: file.header.docCount });
  let salt: Uint8Array<ArrayBuffer>, iv: Uint8Array<ArrayBuffer>, sealed: Uint8Array<ArrayBuffer>;
  try {
    salt = fromB64(file.kdf.salt);
    iv = fromB64(file.cipher.iv);
    sealed = fromB64(file.payload);
  } catch {
    throw new BundleError('tampered', 'the encrypted part is not valid base64');
  }
  // Before the expensive derivation: a changed salt, round count or check value is a changed file, not a wrong passphrase.
  if (file.version >= 2 && (await paramsDigest(file)) !== file.digest) throw new BundleError('tampered', 'the key parameters or the check value were changed');
  const { key, check } = await deriveKeys(passphrase, salt, file.kdf.iterations);
  if (check !== file.check) throw new BundleError('wrong-passphrase', 'the passphrase does not open this bundle');
  let plain: Uint8Array<ArrayBuffer>;
  try {
    plain = new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv, additionalData: aad(file.header) }, key, sealed));
  } catch {
    throw new BundleError('tampered', 'the contents or the header were changed after export');
  }
  const docs = JSON.parse(new TextDecoder().decode(await pipe(plain, new DecompressionStream('gzip')))) as BundleDoc[];
  if (!Array.isArray(docs) || docs.length !== file.header.docCount) throw new BundleError('tampered', 'document count does not match');
  for (const d of docs) {
    if (typeof d?._id !== 'string' || typeof d._rev !== 'string' || d._id.startsWith('_')) throw new BundleError('tampered', `a document without id or revision`);
    if (d.centerId !== file.header.centerId) throw new BundleError('other-center', `${d._id} belongs to ${String(d.centerId)}`);
  }
  // The schema check of 15,000 records takes seconds: in chunks, with the page painting between them.
  const failed: string[] = [];
  for (let i = 0; i < docs.length; i += PROGRESS_CHUNK) {
    for (const d of docs.slice(i, i + PROGRESS_CHUNK)) {
      const problem = bundleDocProblem(d);
      if (problem) failed.push(problem);
    }
    onProgress({ step: 'check', done: Math.min(i + PROGRESS_CHUNK, docs.length), total: docs.length });
    await yieldToUi();
  }
  if (failed.length > 0) throw invalidDocs(failed);
  return { header: file.header, docs };
}

export interface BundlePlan {
  /** Documents (by id) with revisions this database does not have. */
  readonly incoming: readonly BundleDoc[];
  /** Of those, how many are new records (the rest update or conflict with existing ones). */
  readonly newRecords: number;
  /** Already here: importing them again changes nothing. */
  readonly alreadyHere: number;
  /** Counts by document type of what would be written. */
  readonly byType: Readonly<Record<string, number>>;
}

/** What importing would change in `db`, without writing. */
export async function planImport(db: PouchDB.Database, docs: readonly BundleDoc[]): Promise<BundlePlan> {
  const diff = await db.revsDiff(Object.fromEntries(docs.map((d) => [d._id, [d._rev]])));
  const incoming = docs.filter((d) => diff[d._id]?.missing?.includes(d._rev));
  const existing = incoming.length ? await db.allDocs({ keys: incoming.map((d) => d._id) }) : { rows: [] };
  const newRecords = existing.rows.filter((r) => 'error' in r || (r as { value?: { deleted?: boolean } }).value?.deleted).length;
  const byType: Record<string, number> = {};
  for (const d of incoming) byType[String(d.type)] = (byType[String(d.type)] ?? 0) + 1;
  return { incoming, newRecords, alreadyHere: docs.length - incoming.length, byType };
}

/**
 * Writes a bundle's documents as replication would (`new_edits: false`).
 * @returns the ids written; a second import of the same bundle writes nothing.
 */
export async function importBundle(db: PouchDB.Database, docs: readonly BundleDoc[], onProgress: OnRecordProgress = noProgress): Promise<{ written: string[] }> {
  const { incoming } = await planImport(db, docs);
  const written: string[] = [];
  onProgress({ step: 'write', done: 0, total: incoming.length });
  for (let i = 0; i < incoming.length; i += PROGRESS_CHUNK) {
    const chunk = incoming.slice(i, i + PROGRESS_CHUNK);
    const res = await db.bulkDocs(chunk as PouchDB.Core.PutDocument<object>[], { new_edits: false });
    const failed = (res as { error?: string; id?: string; reason?: string }[]).find((r) => r.error);
    if (failed) throw new Error(`could not store ${failed.id}: ${failed.reason ?? failed.error}`);
    written.push(...chunk.map((d) => d._id));
    onProgress({ step: 'write', done: written.length, total: incoming.length });
  }
  return { written };
}

/** The documents with their revision histories, for a bundle (winning revisions; design and local documents left out). */
export async function collectForBundle(db: PouchDB.Database, ids: readonly string[], onProgress: OnRecordProgress = noProgress): Promise<BundleDoc[]> {
  const out: BundleDoc[] = [];
  const wanted = ids.filter((id) => !id.startsWith('_'));
  onProgress({ step: 'read', done: 0, total: wanted.length });
  for (let i = 0; i < wanted.length; i += PROGRESS_CHUNK) {
    const rows = await db.allDocs({ keys: wanted.slice(i, i + PROGRESS_CHUNK) });
    const refs = rows.rows.flatMap((r) => ('value' in r && r.value ? [{ id: r.id, rev: r.value.rev }] : []));
    if (refs.length > 0) {
      const got = await db.bulkGet({ docs: refs, revs: true });
      for (const r of got.results) for (const d of r.docs) if ('ok' in d) out.push(d.ok as unknown as BundleDoc);
    }
    onProgress({ step: 'read', done: Math.min(i + PROGRESS_CHUNK, wanted.length), total: wanted.length });
  }
  return out;
}
