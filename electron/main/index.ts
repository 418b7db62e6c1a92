/**
 * Electron main: app lifecycle, the kiosk window and its hardening. The
 * renderer is the same static bundle that runs in Chromium without Electron;
 * it is served from app://tongxin/ out of dist/renderer.
 */
import { app, BrowserWindow, dialog, net, protocol, session } from 'electron';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { registerIpcHandlers, setOpenedFile } from './ipc';
import { openedFileFromArgv } from './openedFile';
import { DATA_VERSION_FILE, dataVersionDecision, isKioskEscapeKey, parseDataVersion, rendererGoneAction, userDataDir } from './lifecycle';
import {
  APP_ENTRY,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  CONTENT_SECURITY_POLICY,
  entryUrl,
  isNavigationAllowed,
  isPermissionAllowed,
  mimeTypeFor,
  parseLaunchFlags,
  resolveAppFile,
  secureWebPreferences,
} from './security';

const RENDERER_ROOT = path.resolve(__dirname, '..', '..', 'dist', 'renderer');
const PRELOAD = path.join(__dirname, '..', 'preload', 'index.js');
const flags = parseLaunchFlags(process.argv);

// IndexedDB needs a standard, secure origin; registered before `ready`.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES },
]);
app.enableSandbox();
// A fixed data folder: installers and product names may change, the children's records may not move.
app.setPath('userData', userDataDir(app.getPath('appData')));

if (!app.requestSingleInstanceLock()) {
  // A second launch (a child taps the icon again) focuses the running kiosk instead.
  app.quit();
}

let mainWindow: BrowserWindow | null = null;

async function serveAppFile(request: Request): Promise<Response> {
  const file = resolveAppFile(request.url, RENDERER_ROOT);
  if (!file) return new Response('not found', { status: 404 });
  try {
    await fs.access(file);
  } catch {
    return new Response('not found', { status: 404 });
  }
  const res = await net.fetch(pathToFileURL(file).toString());
  return new Response(res.body, {
    status: 200,
    headers: { 'content-type': mimeTypeFor(file), 'content-security-policy': CONTENT_SECURITY_POLICY, 'x-content-type-options': 'nosniff' },
  });
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1366,
    height: 768,
    minWidth: 1024,
    minHeight: 700,
    show: false,
    autoHideMenuBar: true,
    backgroundColor: '#fdf7ee',
    kiosk: flags.kiosk,
    title: 'Tongxin 童心',
    webPreferences: secureWebPreferences(PRELOAD),
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.on('will-navigate', (event, url) => {
    if (!isNavigationAllowed(url)) event.preventDefault();
  });
  win.webContents.on('will-redirect', (event, url) => {
    if (!isNavigationAllowed(url)) event.preventDefault();
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  // In kiosk mode a child cannot close, quit, reload or leave full screen from the keyboard.
  win.webContents.on('before-input-event', (event, input) => {
    if (isKioskEscapeKey(input, win.isKiosk())) event.preventDefault();
  });
  // A crashed page comes back by itself (still in kiosk mode), but not in an endless loop.
  const crashes: number[] = [];
  win.webContents.on('render-process-gone', (_event, details) => {
    const action = rendererGoneAction(details.reason, Date.now(), crashes);
    if (action === 'none') return;
    crashes.push(Date.now());
    if (action === 'reload') void win.loadURL(APP_ENTRY);
    else
      void dialog.showMessageBox(win, {
        type: 'error',
        title: 'Tongxin 童心',
        message: '童心在一分钟内多次意外停止，已不再自动重启。请关闭后重新打开；如果仍然如此，请联系县里的技术人员。',
        detail: `Tongxin stopped unexpectedly ${crashes.length} times within a minute (${details.reason}) and is no longer restarting by itself.`,
      });
  });
  void win.loadURL(entryUrl(flags));
  return win;
}

/**
 * Records which version opened the data folder, and refuses to open data that a newer
 * version wrote (an older app could misread and write back documents it does not know).
 * @returns false when the app must quit.
 */
async function checkDataVersion(): Promise<boolean> {
  const file = path.join(app.getPath('userData'), DATA_VERSION_FILE);
  const recorded = parseDataVersion(await fs.readFile(file, 'utf8').catch(() => null));
  const decision = dataVersionDecision(app.getVersion(), recorded);
  if (decision === 'refuse-downgrade') {
    dialog.showErrorBox(
      'Tongxin 童心',
      `这台电脑上的数据是较新的童心 ${recorded} 保存的，这个版本（${app.getVersion()}）不能打开，以免损坏数据。请安装 ${recorded} 或更新的版本。\n\n` +
        `The data on this computer was saved by Tongxin ${recorded}; this version (${app.getVersion()}) will not open it, so as not to damage it. Install ${recorded} or later.`,
    );
    return false;
  }
  if (decision !== 'same') {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, JSON.stringify({ version: app.getVersion(), at: new Date().toISOString() }));
  }
  return true;
}

// A double-clicked .tongxin / .tongxin-backup: the page takes it (takeOpenedFile) when it starts or regains focus.
setOpenedFile(openedFileFromArgv(process.argv));
app.on('open-file', (event, file) => {
  event.preventDefault();
  setOpenedFile(file);
  mainWindow?.focus();
});

app.on('second-instance', (_event, argv) => {
  setOpenedFile(openedFileFromArgv(argv));
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
});

app.whenReady().then(async () => {
  if (!(await checkDataVersion())) {
    app.quit();
    return;
  }
  protocol.handle(APP_SCHEME, serveAppFile);
  // The page's own URL (with its hash route) decides, not the requesting frame's: the microphone is for one screen only.
  session.defaultSession.setPermissionRequestHandler((wc, permission, callback, details) =>
    callback(isPermissionAllowed(permission, wc.getURL(), 'mediaTypes' in details && details.mediaTypes ? details.mediaTypes : [])),
  );
  session.defaultSession.setPermissionCheckHandler((wc, permission, _origin, details) =>
    isPermissionAllowed(permission, wc?.getURL() ?? '', details.mediaType && details.mediaType !== 'unknown' ? [details.mediaType] : []),
  );
  registerIpcHandlers();
  mainWindow = createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
});

app.on('window-all-closed', () => app.quit());
