/**
 * Electron main: app lifecycle, the kiosk window and its hardening. The
 * renderer is the same static bundle that runs in Chromium without Electron;
 * it is served from app://tongxin/ out of dist/renderer.
 */
import { app, BrowserWindow, net, protocol, session } from 'electron';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { registerIpcHandlers } from './ipc';
import {
  APP_SCHEME,
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
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);
app.enableSandbox();

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
  void win.loadURL(entryUrl(flags));
  return win;
}

app.on('second-instance', () => {
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
});

app.whenReady().then(() => {
  protocol.handle(APP_SCHEME, serveAppFile);
  session.defaultSession.setPermissionRequestHandler((wc, permission, callback) => callback(isPermissionAllowed(permission, wc.getURL())));
  session.defaultSession.setPermissionCheckHandler((wc, permission) => isPermissionAllowed(permission, wc?.getURL() ?? ''));
  registerIpcHandlers();
  mainWindow = createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
});

app.on('window-all-closed', () => app.quit());
