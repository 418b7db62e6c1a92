/**
 * Automatic backups (sync/backup/backup.ts makes and checks the files; the
 * bridge stores them). A backup is made:
 *   - once a day while the kiosk runs (checked at start and every hour);
 *   - at start when the app's version differs from the newest backup's — the
 *     first run after an upgrade, before anything else writes; and
 *   - by whoever is about to migrate documents (beforeMigration).
 * Nothing happens until the center has a recovery code on this kiosk; a
 * backup that fails is reported on the backup page and tried again at the
 * next check, never in a loop.
 */
import { shallowRef, type ShallowRef } from 'vue';
import type { BackupEntry, BackupPlace, BackupPlaces, TongxinBridge } from '../../../electron/contract';
import { BACKUPS_KEPT, dailyBackupDue, makeBackup, previewBackup, type BackupPreview, type BackupReason } from '@sync/backup/backup';
import type { OnRecordProgress } from '@sync/bundle/bundle';
import type { CenterState } from './center';
import { backupSecret } from './backupKey';

export const BACKUP_CHECK_MS = 60 * 60 * 1000;
/** The first check waits until the kiosk is up: a backup never delays the first screen. */
export const BACKUP_FIRST_CHECK_MS = 20 * 1000;

export interface BackupStatus {
  readonly hasSecret: boolean;
  readonly places: BackupPlaces | null;
  readonly entries: readonly BackupEntry[];
  readonly running: boolean;
  /** The last automatic or manual attempt's failure, in the library's words (the page words it). */
  readonly lastError: string | null;
  /** Where the last backup was written. */
  readonly lastWritten: readonly BackupPlace[];
}

export interface BackupService {
  readonly status: ShallowRef<BackupStatus>;
  refresh(): Promise<void>;
  /** @returns the file name, or null when there is no center or no recovery code yet. @throws when writing fails. */
  backupNow(reason: BackupReason, onProgress?: OnRecordProgress): Promise<string | null>;
  /** The automatic check: a daily or an upgrade backup when one is due. */
  runDue(): Promise<void>;
  beforeMigration(): Promise<string | null>;
  start(): () => void;
}

interface Deps {
  readonly centerDb: PouchDB.Database;
  readonly bridge: TongxinBridge;
  readonly center: CenterState;
  readonly deviceId: string;
  readonly now: () => Date;
}

export function createBackupService(d: Deps): BackupService {
  const status = shallowRef<BackupStatus>({ hasSecret: false, places: null, entries: [], running: false, lastError: null, lastWritten: [] });
  const set = (patch: Partial<BackupStatus>) => (status.value = { ...status.value, ...patch });
  let running: Promise<unknown> | null = null;

  async function refresh() {
    const [secret, listed] = await Promise.all([backupSecret(d.bridge), d.bridge.listBackups()]);
    set({ hasSecret: secret !== null, places: listed.places, entries: listed.entries });
  }

  async function backupNow(reason: BackupReason, onProgress?: OnRecordProgress): Promise<string | null> {
    while (running) await running.catch(() => {});
    const center = d.center.current.value;
    const secret = await backupSecret(d.bridge);
    if (!center || !secret) return null;
    set({ running: true });
    const work = (async () => {
      const { version } = await d.bridge.appInfo();
      const { fileName, text } = await makeBackup(d.centerDb, { centerId: center.centerId, centerName: center.name, deviceId: d.deviceId, appVersion: version, reason, now: d.now(), secret, ...(onProgress ? { onProgress } : {}) });
      onProgress?.({ step: 'save', done: 0, total: 0 });
      const { written } = await d.bridge.writeBackup({ name: fileName, content: text, keep: BACKUPS_KEPT });
      return { fileName, written };
    })();
    running = work;
    try {
      const { fileName, written } = await work;
      set({ lastError: null, lastWritten: written });
      return fileName;
    } catch (e) {
      set({ lastError: e instanceof Error ? e.message : String(e) });
      throw e;
    } finally {
      running = null;
      set({ running: false });
      await refresh().catch(() => {});
    }
  }

  async function newestAppVersion(entries: readonly BackupEntry[]): Promise<string | null> {
    const newest = entries.find((e) => e.place === 'data');
    if (!newest) return null;
    try {
      const head = (JSON.parse(await d.bridge.readBackup('data', newest.name)) as { manifest?: { appVersion?: unknown } }).manifest?.appVersion;
      return typeof head === 'string' ? head : null;
    } catch {
      return null;
    }
  }

  async function runDue() {
    if (!d.center.current.value) return;
    await refresh();
    if (!status.value.hasSecret) return;
    const own = status.value.entries.filter((e) => e.place === 'data');
    const { version } = await d.bridge.appInfo();
    const last = await newestAppVersion(own);
    const reason: BackupReason | null = last !== null && last !== version ? 'upgrade' : dailyBackupDue(own.map((e) => e.name), d.now()) ? 'daily' : null;
    if (reason) await backupNow(reason).catch(() => {}); // reported in status; the next check tries again
  }

  return {
    status,
    refresh,
    backupNow,
    runDue,
    beforeMigration: () => backupNow('upgrade'),
    start() {
      const first = setTimeout(() => void runDue(), BACKUP_FIRST_CHECK_MS);
      const every = setInterval(() => void runDue(), BACKUP_CHECK_MS);
      return () => {
        clearTimeout(first);
        clearInterval(every);
      };
    },
  };
}

/**
 * Opens a backup for the restore preview. An empty code means the one kept on
 * this kiosk (restoring on the same kiosk); a new kiosk needs the paper code.
 * @param centerId this kiosk's center, or null on a kiosk not yet set up.
 * @throws BackupError with the reason; nothing is written.
 */
export async function openForRestore(db: PouchDB.Database, bridge: TongxinBridge, text: string, typedCode: string, centerId: string | null, onProgress?: OnRecordProgress): Promise<BackupPreview> {
  const code = typedCode.trim() || (await backupSecret(bridge)) || '';
  return previewBackup(db, text, code, centerId, onProgress);
}
