/**
 * Backup files on disk (Electron main): the app's own copies in
 * <user data>/backups, and a second copy in a folder the admin chose (a USB
 * stick) whenever that folder is there. Each place keeps the newest N.
 * The renderer makes and encrypts the backup (sync/backup/backup.ts); main
 * only writes, lists, reads and rotates files whose names it has checked.
 * Plain node:fs, so it is tested without Electron.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { backupsToPrune, sortNewestFirst } from '../../sync/backup/names';
import type { BackupEntry, BackupPlace } from '../contract';

export const BACKUP_DIR_NAME = 'backups';
export const BACKUP_FOLDER_FILE = 'backup-folder.json';

/** Writes through a temporary file and renames it, so a crash or a pulled stick never leaves a half backup under a backup's name. */
export async function writeAtomic(file: string, content: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, content, { mode: 0o600 });
  await fs.rename(tmp, file);
}

export async function isFolder(dir: string | null): Promise<boolean> {
  if (!dir) return false;
  return fs.stat(dir).then((s) => s.isDirectory(), () => false);
}

/** Writes one backup into `dir` (created if missing) and removes all but the newest `keep` there. */
export async function writeBackupFile(dir: string, name: string, content: string, keep: number): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await writeAtomic(path.join(dir, name), content);
  for (const old of backupsToPrune(await fs.readdir(dir), keep)) await fs.rm(path.join(dir, old), { force: true });
}

/** The backups in `dir`, newest first; none when the folder is missing. */
export async function listBackupFiles(dir: string, place: BackupPlace): Promise<BackupEntry[]> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const out: BackupEntry[] = [];
  for (const name of sortNewestFirst(names)) {
    const st = await fs.stat(path.join(dir, name)).catch(() => null);
    if (st?.isFile()) out.push({ name, place, size: st.size });
  }
  return out;
}

/** The chosen folder from its settings file, or null. */
export async function readChosenFolder(userData: string): Promise<string | null> {
  try {
    const v = (JSON.parse(await fs.readFile(path.join(userData, BACKUP_FOLDER_FILE), 'utf8')) as { folder?: unknown }).folder;
    return typeof v === 'string' && path.isAbsolute(v) ? v : null;
  } catch {
    return null;
  }
}

export async function saveChosenFolder(userData: string, folder: string): Promise<void> {
  await writeAtomic(path.join(userData, BACKUP_FOLDER_FILE), JSON.stringify({ folder }));
}
