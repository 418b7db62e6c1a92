/**
 * Encrypted backups of a center's database, made by the kiosk on its own
 * (daily, and before an upgrade) and restored with a preview, on the same or
 * on a new kiosk. No server is involved at any point.
 *
 * The documents are packed exactly as a USB bundle (sync/bundle/bundle.ts:
 * revision histories, gzip, PBKDF2-SHA256 → AES-256-GCM with the header as
 * additional data, the schemas checked on the way in), sealed with the
 * center's recovery code instead of the county passphrase. Around the bundle
 * sits a manifest anyone can read without the code — which center, when, from
 * which app and data version, how many documents of each type — so a file is
 * recognized and refused (another center, a newer version) before the code is
 * even asked for.
 *
 * File (UTF-8 JSON):
 *   { format: 'tongxin-backup', version: 1, manifest, bundle, sha256 }
 *
 * Integrity, in the order it is checked:
 *   1. `sha256` covers the manifest and the bundle text: a file cut short or
 *      changed on a USB stick is "damaged" before any key is derived;
 *   2. the bundle's own parameter digest and its AES-GCM tag (bundle.ts);
 *   3. the bundle header (authenticated by the tag) carries the manifest's
 *      own hash, so a manifest rewritten by someone without the code — its
 *      counts, dates or versions — is refused as changed;
 *   4. the documents' counts by type equal the manifest's.
 *
 * Restore merges as replication would (`new_edits: false`): what the kiosk
 * already holds is never overwritten or lost, a later edit stays the winner.
 */
import { BundleError, importBundle, openBundle, planImport, PROGRESS_CHUNK, sealBundle, type BundleDoc, type BundlePlan, type OnRecordProgress } from '../bundle/bundle';
import { DATA_VERSION } from '../schema/documents';
import { backupFileName, type BackupReason } from './names';

export const BACKUP_FORMAT = 'tongxin-backup';
export const BACKUP_VERSION = 1;
export { BACKUP_EXTENSION, BACKUPS_KEPT, BACKUP_INTERVAL_MS, BACKUP_NAME_RE, backupFileName, backupsToPrune, dailyBackupDue, sortNewestFirst, backupTime, type BackupReason } from './names';

export interface BackupManifest {
  readonly centerId: string;
  readonly centerName: string;
  readonly createdAt: string;
  readonly deviceId: string;
  readonly appVersion: string;
  /** DATA_VERSION of the app that made it (sync/schema/documents.ts): a newer one is refused by an older app. */
  readonly schemaVersion: number;
  readonly reason: BackupReason;
  readonly docCount: number;
  readonly counts: Readonly<Record<string, number>>;
}

export interface BackupFile {
  readonly format: typeof BACKUP_FORMAT;
  readonly version: number;
  readonly manifest: BackupManifest;
  readonly bundle: string;
  readonly sha256: string;
}

export type BackupErrorKind =
  /** Not a Tongxin backup at all. */
  | 'not-a-backup'
  /** Cut short or changed after it was written. */
  | 'damaged'
  /** Made by a newer Tongxin (file format or data version). */
  | 'newer-version'
  /** Another center's backup (values.center). */
  | 'other-center'
  /** The recovery code does not open it. */
  | 'wrong-code'
  /** The recovery code is mistyped (its check letter does not match). */
  | 'bad-code';

export class BackupError extends Error {
  constructor(
    readonly kind: BackupErrorKind,
    detail: string,
    readonly values: Readonly<Record<string, string>> = {},
  ) {
    super(`${kind}: ${detail}`);
    this.name = 'BackupError';
  }
}

// ---- The recovery code -------------------------------------------------------

/** Crockford's base32: no I, L, O or U, so a code read off paper is not misread. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_DATA_CHARS = 19;

function checkChar(data: string): string {
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum = (sum * 7 + ALPHABET.indexOf(data[i]!) * (i + 3)) % 32;
  return ALPHABET[sum]!;
}

/**
 * A new recovery code: 19 random base32 characters (95 bits) and a check
 * letter, printed as five groups of four. Not a PIN: it cannot be guessed,
 * and it is the only way into a backup.
 */
export function generateRecoveryCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(CODE_DATA_CHARS));
  const data = [...bytes].map((b) => ALPHABET[b & 31]).join('');
  return formatRecoveryCode(data + checkChar(data));
}

/** Groups of four for paper: ABCD-EFGH-… */
export function formatRecoveryCode(code: string): string {
  return (code.match(/.{1,4}/g) ?? []).join('-');
}

/**
 * The code as typed (any case, spaces or dashes, O for 0, I or L for 1) in its
 * canonical form. @throws BackupError('bad-code') when it has the wrong length,
 * a letter outside the alphabet, or its check letter does not match.
 */
export function normalizeRecoveryCode(typed: string): string {
  const s = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (s.length !== CODE_DATA_CHARS + 1 || [...s].some((c) => !ALPHABET.includes(c))) throw new BackupError('bad-code', `expected ${CODE_DATA_CHARS + 1} characters of the code`);
  if (checkChar(s.slice(0, CODE_DATA_CHARS)) !== s[CODE_DATA_CHARS]) throw new BackupError('bad-code', 'the check letter does not match');
  return formatRecoveryCode(s);
}

// ---- Writing -----------------------------------------------------------------

const hex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
const sha256 = async (text: string) => hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
const fileHash = (manifest: BackupManifest, bundle: string) => sha256(`${JSON.stringify(manifest)}\n${bundle}`);

/** Every document of the center with its revision history (design and local documents left out). */
export async function collectAll(db: PouchDB.Database, onProgress: OnRecordProgress = () => {}): Promise<BundleDoc[]> {
  const out: BundleDoc[] = [];
  // The live document count (design documents included, so the last step may fall a little short of it).
  const total = (await db.info()).doc_count;
  let read = 0;
  let startkey: string | undefined;
  onProgress({ step: 'read', done: 0, total });
  for (;;) {
    const page = await db.allDocs({ include_docs: false, limit: PROGRESS_CHUNK, ...(startkey === undefined ? {} : { startkey, skip: 1 }) });
    if (page.rows.length === 0) break;
    startkey = page.rows[page.rows.length - 1]!.id;
    read += page.rows.length;
    const refs = page.rows.filter((r) => !r.id.startsWith('_')).map((r) => ({ id: r.id, rev: r.value.rev }));
    if (refs.length > 0) {
      const got = await db.bulkGet({ docs: refs, revs: true });
      for (const r of got.results) for (const d of r.docs) if ('ok' in d) out.push(d.ok as unknown as BundleDoc);
    }
    onProgress({ step: 'read', done: Math.min(read, total), total: Math.max(total, read) });
  }
  return out;
}

function countByType(docs: readonly BundleDoc[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const d of docs) counts[String(d.type)] = (counts[String(d.type)] ?? 0) + 1;
  return counts;
}

export interface MakeBackupInput {
  readonly centerId: string;
  readonly centerName: string;
  readonly deviceId: string;
  readonly appVersion: string;
  readonly reason: BackupReason;
  readonly now: Date;
  /** The recovery code (canonical form): see renderer/src/app/backupKey.ts for where it comes from. */
  readonly secret: string;
  /** PBKDF2 rounds; tests may lower it to the bundle's minimum. */
  readonly iterations?: number;
  /** Reading and sealing, for the progress line of a backup made by hand. */
  readonly onProgress?: OnRecordProgress;
}

/** Seals the whole center database into a backup file's text. */
export async function makeBackup(db: PouchDB.Database, o: MakeBackupInput): Promise<{ fileName: string; text: string; manifest: BackupManifest }> {
  const docs = await collectAll(db, o.onProgress);
  const createdAt = o.now.toISOString();
  const manifest: BackupManifest = {
    centerId: o.centerId,
    centerName: o.centerName,
    createdAt,
    deviceId: o.deviceId,
    appVersion: o.appVersion,
    schemaVersion: DATA_VERSION,
    reason: o.reason,
    docCount: docs.length,
    counts: countByType(docs),
  };
  const bundle = await sealBundle({ centerId: o.centerId, createdAt, deviceId: o.deviceId, scope: { kind: 'backup', manifestSha256: await sha256(JSON.stringify(manifest)) } }, docs, o.secret, o.iterations, o.onProgress);
  const file: BackupFile = { format: BACKUP_FORMAT, version: BACKUP_VERSION, manifest, bundle, sha256: await fileHash(manifest, bundle) };
  return { fileName: backupFileName(o.centerId, createdAt, o.reason), text: JSON.stringify(file), manifest };
}

// ---- Reading -----------------------------------------------------------------

/**
 * Reads and checks what can be checked without the code: the format, the
 * versions, the file hash, and (when `centerId` is given) the center.
 * @throws BackupError with the reason.
 */
export async function readBackupManifest(text: string, centerId: string | null): Promise<BackupFile> {
  let f: Partial<BackupFile>;
  try {
    f = JSON.parse(text) as Partial<BackupFile>;
  } catch {
    throw new BackupError(text.trimStart().startsWith(`{"format":"${BACKUP_FORMAT}"`) ? 'damaged' : 'not-a-backup', 'the file does not parse');
  }
  if (typeof f !== 'object' || f === null || f.format !== BACKUP_FORMAT) throw new BackupError('not-a-backup', 'no tongxin-backup format marker');
  if (typeof f.version !== 'number' || f.version > BACKUP_VERSION) throw new BackupError('newer-version', `file format ${String(f.version)}`);
  const m = f.manifest;
  if (!m || typeof m.centerId !== 'string' || typeof m.createdAt !== 'string' || typeof m.schemaVersion !== 'number' || typeof m.docCount !== 'number' || typeof m.counts !== 'object' || typeof f.bundle !== 'string' || typeof f.sha256 !== 'string')
    throw new BackupError('damaged', 'fields are missing');
  if ((await fileHash(m, f.bundle)) !== f.sha256) throw new BackupError('damaged', 'the file hash does not match');
  if (m.schemaVersion > DATA_VERSION) throw new BackupError('newer-version', `data version ${m.schemaVersion}, this app reads up to ${DATA_VERSION}`, { version: m.appVersion });
  if (centerId !== null && m.centerId !== centerId) throw new BackupError('other-center', `the backup is of ${m.centerId}`, { center: m.centerName || m.centerId });
  return f as BackupFile;
}

export interface BackupPreview {
  readonly manifest: BackupManifest;
  readonly docs: BundleDoc[];
  readonly plan: BundlePlan;
}

/**
 * Opens a backup with the recovery code and says what restoring would add to
 * `db`; writes nothing.
 * @param centerId this kiosk's center, or null for a kiosk not yet set up (any center is accepted).
 * @throws BackupError with the reason.
 */
export async function previewBackup(db: PouchDB.Database, text: string, typedCode: string, centerId: string | null, onProgress?: OnRecordProgress): Promise<BackupPreview> {
  const file = await readBackupManifest(text, centerId);
  const code = normalizeRecoveryCode(typedCode);
  let opened: Awaited<ReturnType<typeof openBundle>>;
  try {
    opened = await openBundle(file.bundle, code, onProgress);
  } catch (e) {
    if (e instanceof BundleError && e.kind === 'wrong-passphrase') throw new BackupError('wrong-code', 'the recovery code does not open this backup');
    if (e instanceof BundleError && e.kind === 'newer-version') throw new BackupError('newer-version', e.message, { version: file.manifest.appVersion });
    throw new BackupError('damaged', e instanceof Error ? e.message : String(e));
  }
  const { header, docs } = opened;
  const scope = header.scope;
  if (scope.kind !== 'backup' || scope.manifestSha256 !== (await sha256(JSON.stringify(file.manifest)))) throw new BackupError('damaged', 'the manifest was changed');
  if (header.centerId !== file.manifest.centerId) throw new BackupError('damaged', 'the manifest names another center');
  const counts = countByType(docs);
  const m = file.manifest.counts;
  if (Object.keys(counts).length !== Object.keys(m).length || Object.entries(counts).some(([k, n]) => m[k] !== n)) throw new BackupError('damaged', 'the counts do not match the manifest');
  return { manifest: file.manifest, docs, plan: await planImport(db, docs) };
}

/** Writes a previewed backup's documents as replication would: nothing already here is overwritten. */
export async function restoreBackup(db: PouchDB.Database, preview: BackupPreview, onProgress?: OnRecordProgress): Promise<{ written: string[] }> {
  return importBundle(db, preview.docs, onProgress);
}
