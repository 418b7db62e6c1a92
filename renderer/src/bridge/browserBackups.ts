/**
 * Backups in a browser (Chromium app window, no Electron): the app's own
 * copies go to the origin private file system (OPFS), a store of this origin
 * beside IndexedDB. What differs from Electron, and the settings page says so:
 * a browser cannot write to a folder by itself, so there is no automatic copy
 * on a USB stick — the admin downloads a copy (the download goes wherever the
 * browser saves files); and clearing the browser's data for the site removes
 * these copies together with the database, so a downloaded copy is the one
 * that survives a wiped browser.
 */
import { backupsToPrune, sortNewestFirst } from '@sync/backup/names';
import type { BackupEntry, BackupPlaces, TongxinBridge } from '../../../electron/contract';

const DIR = 'backups';
const PLACES: BackupPlaces = { dataDir: null, folder: null, folderPresent: false, folderSupported: false };

// The directory iterator is not in TypeScript's DOM library yet.
type IterableDir = FileSystemDirectoryHandle & { keys(): AsyncIterable<string> };

async function backupDir(): Promise<IterableDir> {
  const root = await navigator.storage.getDirectory();
  return (await root.getDirectoryHandle(DIR, { create: true })) as IterableDir;
}

async function names(dir: IterableDir): Promise<string[]> {
  const out: string[] = [];
  for await (const n of dir.keys()) out.push(n);
  return out;
}

export const browserBackups: Pick<TongxinBridge, 'writeBackup' | 'listBackups' | 'readBackup' | 'chooseBackupFolder' | 'takeOpenedFile'> = {
  async writeBackup({ name, content, keep }) {
    const dir = await backupDir();
    // createWritable writes to a swap file and replaces the file only on close: never half a backup.
    const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
    await w.write(content);
    await w.close();
    for (const old of backupsToPrune(await names(dir), keep)) await dir.removeEntry(old);
    return { written: ['data'] };
  },
  async listBackups() {
    const dir = await backupDir();
    const entries: BackupEntry[] = [];
    for (const name of sortNewestFirst(await names(dir))) entries.push({ name, place: 'data', size: (await (await dir.getFileHandle(name)).getFile()).size });
    return { places: PLACES, entries };
  },
  async readBackup(place, name) {
    if (place !== 'data') throw new Error('a browser keeps backups only in its own storage');
    return (await (await (await backupDir()).getFileHandle(name)).getFile()).text();
  },
  async chooseBackupFolder() {
    return PLACES;
  },
  /** A browser window is never opened with a file: staff choose it on the page. */
  async takeOpenedFile() {
    return null;
  },
};
