/**
 * Backup file names and the rotation rules, shared by the renderer and
 * Electron's main process (which checks every name it is handed): no imports.
 * A name sorts by time: tongxin-<center>-<yyyymmddhhmmss UTC>-<reason>.tongxin-backup
 */
export const BACKUP_EXTENSION = '.tongxin-backup';
/** How many backups each place keeps (the oldest go first). */
export const BACKUPS_KEPT = 7;
/** One automatic backup a day: made when the newest is older than this. */
export const BACKUP_INTERVAL_MS = 24 * 60 * 60 * 1000;

export type BackupReason = 'daily' | 'upgrade' | 'manual';

export const BACKUP_NAME_RE = /^tongxin-[a-z][a-z0-9-]{1,39}-\d{14}-(daily|upgrade|manual)\.tongxin-backup$/;

export function backupFileName(centerId: string, createdAt: string, reason: BackupReason): string {
  return `tongxin-${centerId}-${createdAt.slice(0, 19).replace(/[-:T]/g, '')}-${reason}${BACKUP_EXTENSION}`;
}

const stamp = (name: string) => name.match(/-(\d{14})-[a-z]+\.tongxin-backup$/)?.[1] ?? '';

/** When a backup was made, from its name (null for a name that is not a backup's). */
export function backupTime(name: string): Date | null {
  if (!BACKUP_NAME_RE.test(name)) return null;
  const s = stamp(name);
  return new Date(Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8), +s.slice(8, 10), +s.slice(10, 12), +s.slice(12, 14)));
}

/** Newest first, by the time in the name (a center code may contain dashes, so not by the whole name). */
export function sortNewestFirst(names: readonly string[]): string[] {
  return names.filter((n) => BACKUP_NAME_RE.test(n)).sort((a, b) => stamp(b).localeCompare(stamp(a)) || b.localeCompare(a));
}

/** Backups to drop: all but the newest `keep`. */
export function backupsToPrune(names: readonly string[], keep = BACKUPS_KEPT): string[] {
  return sortNewestFirst(names).slice(keep);
}

/** Whether the newest backup is old enough for the daily one. */
export function dailyBackupDue(names: readonly string[], now: Date): boolean {
  const newest = sortNewestFirst(names)[0];
  return !newest || now.getTime() - backupTime(newest)!.getTime() >= BACKUP_INTERVAL_MS;
}
