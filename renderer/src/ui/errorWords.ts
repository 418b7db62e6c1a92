/**
 * What a person reads when something they asked for did not work: words in their
 * language for the failures the app knows (full disk, missing center key, a record
 * changed or damaged, no connection), and for anything else a plain sentence —
 * never a library's message or an error code (issue 11). The error itself goes to the
 * console for whoever looks at the logs.
 */
import { StorageFullError, ConflictError } from '../storage/ports';
import { InvalidDocumentError } from '@sync/schema/documents';
import { NewerDocumentError } from '@sync/schema/versions';
import { CenterKeyMissingError, TamperedCiphertextError, WrongRecoveryCodeError } from '@sync/crypto/centerKey';
import { BackupError } from '@sync/backup/backup';

export type Translate = (key: string, values?: Record<string, unknown>) => string;
/** Whether a key has words in the current locale (vue-i18n's `te`). */
export type HasWords = (key: string) => boolean;

/** A failure whose message is already words for the person (a page's own check, translated): shown as it is. */
export class WordsError extends Error {
  override name = 'WordsError';
}

export type ErrorKind = 'newer' | 'storageFull' | 'keyMissing' | 'tampered' | 'wrongCode' | 'conflict' | 'invalid' | 'network' | 'other';

/** The kind of a failure, for the words and for tests. */
export function errorKind(e: unknown): ErrorKind {
  if (e instanceof NewerDocumentError) return 'newer';
  if (e instanceof StorageFullError) return 'storageFull';
  if (e instanceof CenterKeyMissingError) return 'keyMissing';
  if (e instanceof TamperedCiphertextError) return 'tampered';
  if (e instanceof WrongRecoveryCodeError) return 'wrongCode';
  if (e instanceof ConflictError) return 'conflict';
  if (e instanceof InvalidDocumentError) return 'invalid';
  const name = typeof e === 'object' && e !== null && 'name' in e ? String((e as { name: unknown }).name) : '';
  if (name === 'QuotaExceededError') return 'storageFull';
  // What fetch throws when there is no answer at all (Chromium: "Failed to fetch").
  if (e instanceof TypeError && /fetch|network/i.test(e.message)) return 'network';
  return 'other';
}

/** The sentence to show for `e`; logs `e` itself. */
export function errorWords(e: unknown, t: Translate): string {
  if (e instanceof WordsError) return e.message;
  const kind = errorKind(e);
  if (kind === 'other' || kind === 'invalid') console.error(e);
  // A record a newer app wrote: its words live with the schema-version strings.
  if (kind === 'newer') return t('schemaVersions.editRefused');
  return t(`errorWords.${kind}`);
}

/** The problems a restore passes on to the panel by name (features/setup: RestoreError), worded under backups.errors. */
const PASSED_ON: ReadonlySet<string> = new Set(['no-center', 'no-admin']);

/**
 * A backup or restore that did not work (ui/BackupRestorePanel.vue): a BackupError's own words, a
 * problem a caller passed on by its name (`new Error('no-center')`), or errorWords. Any other
 * message is never looked up as a key: `new Error('other')` from a library would have shown
 * backups.errors.other with its detail left empty ("无法完成：").
 */
export function backupErrorWords(e: unknown, t: Translate, te: HasWords): string {
  if (e instanceof BackupError) return t(`backups.errors.${e.kind}`, { ...e.values });
  if (e instanceof StorageFullError) return t('setup.errors.storageFull');
  if (e instanceof Error && PASSED_ON.has(e.message) && te(`backups.errors.${e.message}`)) return t(`backups.errors.${e.message}`);
  return errorWords(e, t);
}
