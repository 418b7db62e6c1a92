/**
 * The one IPC contract between the renderer and Electron's main process.
 * Only what needs the operating system crosses it: kiosk lock, files on disk,
 * credentials in the OS keychain, printing, app info. Main registers a handler
 * for every action (electron/main/ipc.ts), the preload exposes exactly these
 * named actions (electron/preload/index.ts), and the renderer falls back to a
 * browser implementation of each (renderer/src/bridge) when Electron is absent.
 */

import { BACKUP_NAME_RE } from '../sync/backup/names';
import { CENTER_ID_RE } from '../sync/schema/ids';

export interface AppInfo {
  readonly version: string;
  readonly shell: 'electron' | 'browser';
  readonly platform: string;
  /** Where backups are written by default (Electron only). */
  readonly dataDir: string | null;
}

export interface SaveFileRequest {
  /** A file name without folders, e.g. tongxin-backup-2026-11-29.json */
  readonly suggestedName: string;
  readonly content: string;
  readonly mimeType: string;
  /** 'base64' for binary files (e.g. .xlsx); text is written as UTF-8. */
  readonly encoding?: 'utf8' | 'base64';
}

export type SaveFileResult = { readonly saved: true; readonly path: string } | { readonly saved: false };

export interface CredentialResult {
  /** false when no OS keychain is available: the caller must keep the secret itself, and say so. */
  readonly secure: boolean;
}

export type BackupPlace = 'data' | 'folder';

export interface BackupEntry {
  readonly name: string;
  readonly place: BackupPlace;
  readonly size: number;
}

export interface BackupPlaces {
  /** Where the app keeps its own copies: <user data>/backups in Electron; null in a browser (the origin's own storage). */
  readonly dataDir: string | null;
  /** The chosen second place (a USB stick), or null. */
  readonly folder: string | null;
  /** Whether that folder is there now (the stick plugged in). */
  readonly folderPresent: boolean;
  /** false in a browser: it cannot write to a folder by itself; a copy is downloaded instead. */
  readonly folderSupported: boolean;
}

export interface WriteBackupRequest {
  /** A name matching BACKUP_NAME_RE (sync/backup/names.ts). */
  readonly name: string;
  readonly content: string;
  /** How many backups to keep in each place after this one is written. */
  readonly keep: number;
}

/** A Tongxin file the operating system opened the app with (file association). */
export interface OpenedFile {
  readonly kind: 'bundle' | 'backup';
  readonly name: string;
  readonly content: string;
}

export interface TongxinBridge {
  appInfo(): Promise<AppInfo>;
  setKioskFullscreen(on: boolean): Promise<void>;
  saveFile(request: SaveFileRequest): Promise<SaveFileResult>;
  storeCredential(key: string, secret: string | null): Promise<CredentialResult>;
  loadCredential(key: string): Promise<string | null>;
  printPage(): Promise<void>;
  /** Start Tongxin (in kiosk mode) when the computer's user logs in. `supported: false` where the shell cannot (a browser). */
  setStartAtLogin(on: boolean): Promise<{ readonly supported: boolean }>;
  /** Writes a backup to the app's data folder and, when present, the chosen folder; then keeps the newest `keep` in each. */
  writeBackup(request: WriteBackupRequest): Promise<{ readonly written: readonly BackupPlace[] }>;
  /** The backups in both places, newest first. */
  listBackups(): Promise<{ readonly places: BackupPlaces; readonly entries: readonly BackupEntry[] }>;
  /** @throws when there is no such backup. */
  readBackup(place: BackupPlace, name: string): Promise<string>;
  /** Lets the admin choose the second place (a USB stick); cancelling keeps the current choice. */
  chooseBackupFolder(): Promise<BackupPlaces>;
  /** The file the app was opened with (double-clicked .tongxin or .tongxin-backup), once; null when none is waiting. */
  takeOpenedFile(): Promise<OpenedFile | null>;
  /**
   * The marker that this device has had a center (renderer/src/app/centerMarker.ts), kept outside
   * IndexedDB: a small file in the user data folder in Electron, localStorage in a browser.
   * null when there is none (or it cannot be read as a marker).
   */
  readCenterMarker(): Promise<CenterMarker | null>;
  /** Writes the marker, or removes it (null) when the center is deliberately erased from this device. */
  writeCenterMarker(marker: CenterMarker | null): Promise<void>;
}

/** This device has had this center (its id and name, for the words of the recovery screen). */
export interface CenterMarker {
  readonly centerId: string;
  readonly name: string;
  /** When the marker was first written here (ISO time). */
  readonly since: string;
}

/** Channel name per action; main and preload are both built from this table. */
export const IPC_CHANNELS = {
  appInfo: 'tongxin:app-info',
  setKioskFullscreen: 'tongxin:kiosk-fullscreen',
  saveFile: 'tongxin:save-file',
  storeCredential: 'tongxin:store-credential',
  loadCredential: 'tongxin:load-credential',
  printPage: 'tongxin:print-page',
  setStartAtLogin: 'tongxin:start-at-login',
  writeBackup: 'tongxin:write-backup',
  listBackups: 'tongxin:list-backups',
  readBackup: 'tongxin:read-backup',
  chooseBackupFolder: 'tongxin:choose-backup-folder',
  takeOpenedFile: 'tongxin:take-opened-file',
  readCenterMarker: 'tongxin:read-center-marker',
  writeCenterMarker: 'tongxin:write-center-marker',
} as const satisfies Record<keyof TongxinBridge, string>;

export type BridgeAction = keyof TongxinBridge;

/** The global name under which the preload exposes the bridge. */
export const BRIDGE_GLOBAL = 'tongxin';

/** An IPC argument failed validation in main; the message says which and why. */
export class InvalidArgumentError extends Error {
  override name = 'InvalidArgumentError';
}

const CREDENTIAL_KEY_RE = /^[a-z0-9][a-z0-9:._-]{0,63}$/;
const MAX_FILE_CHARS = 64 * 1024 * 1024;

/** @throws InvalidArgumentError */
export function assertCredentialKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || !CREDENTIAL_KEY_RE.test(key)) throw new InvalidArgumentError('credential key must be 1–64 lowercase letters, digits or :._-');
}

/** @throws InvalidArgumentError */
export function assertSaveFileRequest(req: unknown): asserts req is SaveFileRequest {
  if (typeof req !== 'object' || req === null) throw new InvalidArgumentError('saveFile needs a request object');
  const r = req as Record<string, unknown>;
  if (typeof r.suggestedName !== 'string' || !/^[^\\/:*?"<>|\u0000-\u001f]{1,120}$/.test(r.suggestedName) || r.suggestedName.startsWith('.'))
    throw new InvalidArgumentError('saveFile needs a plain file name without folders');
  if (typeof r.content !== 'string' || r.content.length > MAX_FILE_CHARS) throw new InvalidArgumentError('saveFile content must be text under 64 MiB');
  if (typeof r.mimeType !== 'string' || r.mimeType.length > 100) throw new InvalidArgumentError('saveFile needs a MIME type');
  if (r.encoding !== undefined && r.encoding !== 'utf8' && r.encoding !== 'base64') throw new InvalidArgumentError("saveFile encoding is 'utf8' or 'base64'");
}

/** @throws InvalidArgumentError */
export function assertBackupRef(place: unknown, name: unknown): asserts name is string {
  if (place !== 'data' && place !== 'folder') throw new InvalidArgumentError("a backup's place is 'data' or 'folder'");
  if (typeof name !== 'string' || !BACKUP_NAME_RE.test(name)) throw new InvalidArgumentError('not a backup file name');
}

/** @throws InvalidArgumentError */
export function assertWriteBackupRequest(req: unknown): asserts req is WriteBackupRequest {
  if (typeof req !== 'object' || req === null) throw new InvalidArgumentError('writeBackup needs a request object');
  const r = req as Record<string, unknown>;
  assertBackupRef('data', r.name);
  if (typeof r.content !== 'string' || r.content.length > MAX_FILE_CHARS || !r.content.startsWith('{"format":"tongxin-backup"')) throw new InvalidArgumentError('writeBackup content must be a Tongxin backup under 64 MiB');
  if (typeof r.keep !== 'number' || !Number.isInteger(r.keep) || r.keep < 1 || r.keep > 100) throw new InvalidArgumentError('writeBackup keeps 1–100 backups');
}

/** A center marker as the renderer sends it, or null (checked in main before it is written). */
export function parseCenterMarker(value: unknown): CenterMarker | null {
  if (typeof value !== 'object' || value === null) return null;
  const r = value as Record<string, unknown>;
  if (typeof r.centerId !== 'string' || !CENTER_ID_RE.test(r.centerId)) return null;
  if (typeof r.name !== 'string' || r.name.length > 200) return null;
  if (typeof r.since !== 'string' || r.since.length > 40) return null;
  return { centerId: r.centerId, name: r.name, since: r.since };
}
