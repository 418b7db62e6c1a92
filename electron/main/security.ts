/**
 * Every window-hardening decision, as pure functions so they are tested
 * without Electron. The renderer is served from app://tongxin/ (a standard,
 * secure custom scheme so IndexedDB has a stable origin); nothing else may be
 * navigated to, opened, embedded or granted a permission.
 */
import * as path from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'tongxin';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

export { CONTENT_SECURITY_POLICY } from '../csp.mjs';

/**
 * The app:// scheme's privileges, registered before `ready`: standard and secure so IndexedDB has
 * a stable origin; `codeCache` so V8 keeps the code it compiled from the app's chunks between
 * starts (Electron caches code only for http(s) unless a custom scheme asks; issue 19: cold start).
 * The chunks are named after their content, so cached code never outlives its file.
 */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true } as const;

export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/** In-app navigation (hash routes) stays; anything else is refused. */
export function isNavigationAllowed(targetUrl: string): boolean {
  return isAppUrl(targetUrl);
}

/** The one screen that may use the microphone (issue 15: a child's voice message for parents away). */
export const MICROPHONE_ROUTE = '#/kiosk/family';

/** Whether the page at `pageUrl` is the app's own family-message screen (the hash route, exactly, or with a query). */
export function isMicrophoneScreen(pageUrl: string): boolean {
  if (!isAppUrl(pageUrl)) return false;
  const hash = new URL(pageUrl).hash;
  return hash === MICROPHONE_ROUTE || hash.startsWith(`${MICROPHONE_ROUTE}?`);
}

/**
 * Full screen (the kiosk lock) on the app's pages; the microphone — audio only, never the
 * camera — on the family-message screen only. Everything else (camera, location,
 * notifications…) is refused. `mediaTypes` is what a media request asks for (Electron's
 * `details.mediaTypes`, or `[details.mediaType]` for a permission check); a media request
 * that does not say is refused.
 */
export function isPermissionAllowed(permission: string, pageUrl: string, mediaTypes: readonly string[] = []): boolean {
  if (permission === 'fullscreen') return isAppUrl(pageUrl);
  if (permission === 'media') return mediaTypes.length > 0 && mediaTypes.every((m) => m === 'audio') && isMicrophoneScreen(pageUrl);
  return false;
}

/**
 * Maps an app:// URL to a file under `root`, or null when it would escape it
 * (`..`, encoded separators) or is not an app URL at all.
 */
export function resolveAppFile(url: string, root: string): string | null {
  if (!isAppUrl(url)) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url).pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const relative = pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^\/+/, '');
  const resolved = path.resolve(root, relative);
  const rootWithSep = root.endsWith(path.sep) ? root : root + path.sep;
  return resolved.startsWith(rootWithSep) ? resolved : null;
}

export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

export function mimeTypeFor(file: string): string {
  return MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** webPreferences for the kiosk window: isolated, sandboxed, no Node, no webviews. */
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    spellcheck: false,
  } as const;
}

export interface LaunchFlags {
  readonly demo: boolean;
  readonly kiosk: boolean;
}

/** Reads the flags `npm start -- --demo --kiosk` passes through to the app. */
export function parseLaunchFlags(argv: readonly string[]): LaunchFlags {
  return { demo: argv.includes('--demo'), kiosk: argv.includes('--kiosk') };
}

/** The URL the window opens first; `--demo` asks the setup screen to load the demo center. */
export function entryUrl(flags: LaunchFlags): string {
  return flags.demo ? `${APP_ENTRY}#/setup?demo=1` : APP_ENTRY;
}
