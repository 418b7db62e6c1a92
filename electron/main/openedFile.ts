/**
 * A Tongxin file opened from the file manager (build/electron-builder.yml
 * associates .tongxin bundles and .tongxin-backup backups with the app): on
 * Windows and Linux its path arrives on the command line — of this process,
 * or of a second instance that hands its argv over (single instance) — and on
 * macOS as an 'open-file' event. Main keeps the newest one until the page
 * takes it (takeOpenedFile), which then opens the import (bundle) or the
 * restore (backup) with the file already chosen.
 */
import * as path from 'node:path';

export type OpenedFileKind = 'bundle' | 'backup';

/** The kind of a Tongxin file by its name, or null for any other file. */
export function openedFileKind(file: string): OpenedFileKind | null {
  const lower = file.toLowerCase();
  if (lower.endsWith('.tongxin-backup')) return 'backup';
  if (lower.endsWith('.tongxin')) return 'bundle';
  return null;
}

/**
 * The Tongxin file named on a command line, or null: the last argument that is
 * an absolute path of a Tongxin file (never a --flag, never a relative path
 * that would depend on the working folder of whoever started us).
 */
export function openedFileFromArgv(argv: readonly string[]): string | null {
  for (let i = argv.length - 1; i >= 1; i--) {
    const a = argv[i]!;
    if (!a.startsWith('-') && path.isAbsolute(a) && openedFileKind(a)) return a;
  }
  return null;
}

/** Larger files are refused before reading: a bundle or a backup of a center is far smaller. */
export const MAX_OPENED_FILE_BYTES = 64 * 1024 * 1024;
