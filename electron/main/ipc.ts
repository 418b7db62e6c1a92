/**
 * IPC handlers, registered against the contract: one per action in
 * IPC_CHANNELS, each validating its arguments before touching the OS.
 */
import { app, BrowserWindow, dialog, ipcMain, safeStorage } from 'electron';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import {
  assertBackupRef,
  assertCredentialKey,
  assertWriteBackupRequest,
  assertSaveFileRequest,
  InvalidArgumentError,
  IPC_CHANNELS,
  parseCenterMarker,
  type BackupPlace,
  type BackupPlaces,
  type TongxinBridge,
} from '../contract';
import { MAX_OPENED_FILE_BYTES, openedFileKind } from './openedFile';
import { BACKUP_DIR_NAME, isFolder, listBackupFiles, readChosenFolder, saveChosenFolder, writeBackupFile } from './backups';
import { isAppUrl } from './security';

type Handlers = { [K in keyof TongxinBridge]: (event: Electron.IpcMainInvokeEvent, ...args: Parameters<TongxinBridge[K]>) => ReturnType<TongxinBridge[K]> };

function credentialsFile(): string {
  return path.join(app.getPath('userData'), 'credentials.json');
}

async function readCredentials(): Promise<Record<string, string>> {
  try {
    return JSON.parse(await fs.readFile(credentialsFile(), 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

/** Writes through a temporary file so a crash mid-write cannot leave a half file. */
async function writeFileAtomic(file: string, content: Parameters<typeof fs.writeFile>[1]): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, content, { mode: 0o600 });
  await fs.rename(tmp, file);
}

/** The center marker (contract: readCenterMarker): a small file beside the profile, not inside Chromium's IndexedDB. */
const centerMarkerFile = () => path.join(app.getPath('userData'), 'center-marker.json');

/** Like writeFileAtomic, and flushed to the disk before the rename: the marker must survive a power cut right after it is written. */
async function writeFileDurable(file: string, content: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await fs.open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, file);
}

const backupDataDir = () => path.join(app.getPath('userData'), BACKUP_DIR_NAME);

async function backupPlaces(): Promise<BackupPlaces> {
  const folder = await readChosenFolder(app.getPath('userData'));
  return { dataDir: backupDataDir(), folder, folderPresent: await isFolder(folder), folderSupported: true };
}

async function backupDir(place: BackupPlace): Promise<string> {
  if (place === 'data') return backupDataDir();
  const { folder, folderPresent } = await backupPlaces();
  if (!folder || !folderPresent) throw new Error('the backup folder is not there');
  return folder;
}

/** The newest file the OS opened us with (command line, second instance, macOS open-file), until the page takes it. */
let openedFilePath: string | null = null;
export function setOpenedFile(file: string | null): void {
  if (file) openedFilePath = file;
}

function windowOf(event: Electron.IpcMainInvokeEvent): BrowserWindow | null {
  return BrowserWindow.fromWebContents(event.sender);
}

const handlers: Handlers = {
  async appInfo() {
    return { version: app.getVersion(), shell: 'electron', platform: process.platform, dataDir: app.getPath('userData') };
  },
  async setKioskFullscreen(event, on) {
    if (typeof on !== 'boolean') throw new InvalidArgumentError('setKioskFullscreen needs true or false');
    windowOf(event)?.setKiosk(on);
  },
  async saveFile(event, request) {
    assertSaveFileRequest(request);
    const win = windowOf(event);
    const defaultPath = path.join(app.getPath('documents'), 'Tongxin', request.suggestedName);
    await fs.mkdir(path.dirname(defaultPath), { recursive: true });
    const options = { defaultPath, properties: ['createDirectory', 'showOverwriteConfirmation'] as ('createDirectory' | 'showOverwriteConfirmation')[] };
    const choice = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
    if (choice.canceled || !choice.filePath) return { saved: false };
    await writeFileAtomic(choice.filePath, request.encoding === 'base64' ? new Uint8Array(Buffer.from(request.content, 'base64')) : request.content);
    return { saved: true, path: choice.filePath };
  },
  async storeCredential(_event, key, secret) {
    assertCredentialKey(key);
    if (secret !== null && typeof secret !== 'string') throw new InvalidArgumentError('a credential is text or null');
    if (!safeStorage.isEncryptionAvailable()) return { secure: false };
    const all = await readCredentials();
    if (secret === null) delete all[key];
    else all[key] = safeStorage.encryptString(secret).toString('base64');
    await writeFileAtomic(credentialsFile(), JSON.stringify(all));
    return { secure: true };
  },
  async loadCredential(_event, key) {
    assertCredentialKey(key);
    const stored = (await readCredentials())[key];
    if (stored === undefined || !safeStorage.isEncryptionAvailable()) return null;
    return safeStorage.decryptString(Buffer.from(stored, 'base64'));
  },
  async printPage(event) {
    event.sender.print({ silent: false, printBackground: true });
  },
  async setStartAtLogin(_event, on) {
    if (typeof on !== 'boolean') throw new InvalidArgumentError('setStartAtLogin needs true or false');
    // Windows and macOS only; on Linux desktops an autostart entry is the installer's job.
    if (process.platform !== 'win32' && process.platform !== 'darwin') return { supported: false };
    app.setLoginItemSettings({ openAtLogin: on, args: ['--kiosk'] });
    return { supported: true };
  },
  async writeBackup(_event, request) {
    assertWriteBackupRequest(request);
    const written: BackupPlace[] = [];
    await writeBackupFile(backupDataDir(), request.name, request.content, request.keep);
    written.push('data');
    // The stick may be pulled out at any moment: the app's own copy is already safe.
    const places = await backupPlaces();
    if (places.folder && places.folderPresent) {
      await writeBackupFile(places.folder, request.name, request.content, request.keep).then(
        () => written.push('folder'),
        () => undefined,
      );
    }
    return { written };
  },
  async listBackups() {
    const places = await backupPlaces();
    const entries = [...(await listBackupFiles(backupDataDir(), 'data')), ...(places.folder && places.folderPresent ? await listBackupFiles(places.folder, 'folder') : [])];
    return { places, entries };
  },
  async readBackup(_event, place, name) {
    assertBackupRef(place, name);
    return fs.readFile(path.join(await backupDir(place), name), 'utf8');
  },
  async chooseBackupFolder(event) {
    const win = windowOf(event);
    const options = { title: '备份位置 / Backup folder', properties: ['openDirectory', 'createDirectory'] as ('openDirectory' | 'createDirectory')[] };
    const choice = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    const folder = choice.filePaths[0];
    if (!choice.canceled && folder) await saveChosenFolder(app.getPath('userData'), folder);
    return backupPlaces();
  },
  async takeOpenedFile() {
    const file = openedFilePath;
    openedFilePath = null;
    const kind = file ? openedFileKind(file) : null;
    if (!file || !kind) return null;
    const st = await fs.stat(file).catch(() => null);
    if (!st?.isFile() || st.size > MAX_OPENED_FILE_BYTES) return null;
    return { kind, name: path.basename(file), content: await fs.readFile(file, 'utf8') };
  },
  async readCenterMarker() {
    const text = await fs.readFile(centerMarkerFile(), 'utf8').catch(() => null);
    if (text === null) return null;
    try {
      return parseCenterMarker(JSON.parse(text));
    } catch {
      return null;
    }
  },
  async writeCenterMarker(_event, marker) {
    if (marker === null) {
      await fs.rm(centerMarkerFile(), { force: true });
      return;
    }
    const checked = parseCenterMarker(marker);
    if (!checked) throw new InvalidArgumentError('a center marker needs a center id, a name and a time');
    await writeFileDurable(centerMarkerFile(), JSON.stringify(checked));
  },
};

export function registerIpcHandlers(): void {
  for (const action of Object.keys(IPC_CHANNELS) as (keyof TongxinBridge)[]) {
    const handler = handlers[action] as (event: Electron.IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>;
    ipcMain.handle(IPC_CHANNELS[action], (event, ...args: unknown[]) => {
      // Only our own page may call in; a frame from anywhere else gets nothing.
      if (!event.senderFrame || !isAppUrl(event.senderFrame.url)) throw new Error('IPC refused: sender is not the Tongxin app');
      return handler(event, ...args);
    });
  }
}
