import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import {
  APP_SCHEME_PRIVILEGES,
  CONTENT_SECURITY_POLICY,
  entryUrl,
  isAppUrl,
  isNavigationAllowed,
  isPermissionAllowed,
  mimeTypeFor,
  parseLaunchFlags,
  resolveAppFile,
  secureWebPreferences,
} from './security';
import { assertCredentialKey, assertSaveFileRequest, InvalidArgumentError, IPC_CHANNELS, parseCenterMarker } from '../contract';

const root = path.resolve('/opt/tongxin/renderer');

describe('window security decisions', () => {
  it('allows navigation only inside the app origin', () => {
    expect(isNavigationAllowed('app://tongxin/index.html#/staff')).toBe(true);
    expect(isNavigationAllowed('https://example.com/')).toBe(false);
    expect(isNavigationAllowed('app://evil/index.html')).toBe(false);
    expect(isNavigationAllowed('file:///etc/passwd')).toBe(false);
    expect(isNavigationAllowed('not a url')).toBe(false);
  });

  it('grants only full screen, only to the app', () => {
    expect(isPermissionAllowed('fullscreen', 'app://tongxin/index.html')).toBe(true);
    expect(isPermissionAllowed('media', 'app://tongxin/index.html')).toBe(false);
    expect(isPermissionAllowed('geolocation', 'app://tongxin/')).toBe(false);
    expect(isPermissionAllowed('fullscreen', 'https://example.com')).toBe(false);
  });
  it('allows the microphone, audio only, on the family-message screen only (issue 15)', () => {
    expect(isPermissionAllowed('media', 'app://tongxin/index.html#/kiosk/family', ['audio'])).toBe(true);
    expect(isPermissionAllowed('media', 'app://tongxin/index.html#/kiosk/family', ['audio', 'video'])).toBe(false);
    expect(isPermissionAllowed('media', 'app://tongxin/index.html#/kiosk/family', ['video'])).toBe(false);
    expect(isPermissionAllowed('media', 'app://tongxin/index.html#/kiosk/family', [])).toBe(false);
    expect(isPermissionAllowed('media', 'app://tongxin/index.html#/kiosk', ['audio'])).toBe(false);
    expect(isPermissionAllowed('media', 'app://tongxin/index.html#/kiosk/family-other', ['audio'])).toBe(false);
    expect(isPermissionAllowed('media', 'app://tongxin/index.html#/staff/family', ['audio'])).toBe(false);
    expect(isPermissionAllowed('media', 'https://evil.example/#/kiosk/family', ['audio'])).toBe(false);
    expect(isPermissionAllowed('geolocation', 'app://tongxin/index.html#/kiosk/family', ['audio'])).toBe(false);
  });

  it('serves files only from inside the renderer folder', () => {
    expect(resolveAppFile('app://tongxin/', root)).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile('app://tongxin/assets/app.js?x=1', root)).toBe(path.join(root, 'assets/app.js'));
    expect(resolveAppFile('app://tongxin/../secret.txt', root)).toBe(path.join(root, 'secret.txt'));
    // The URL parser folds dot segments itself, so this stays inside the root…
    expect(resolveAppFile('app://tongxin/%2e%2e/%2e%2e/etc/passwd', root)).toBe(path.join(root, 'etc/passwd'));
    // …and encoded separators that would climb out after decoding are refused.
    expect(resolveAppFile('app://tongxin/..%2f..%2fetc%2fpasswd', root)).toBeNull();
    expect(resolveAppFile('app://tongxin/a%5c..%5c..%5cx', root)).toBeNull();
    expect(resolveAppFile('app://tongxin/%00', root)).toBeNull();
    expect(resolveAppFile('https://tongxin/index.html', root)).toBeNull();
  });

  it('keeps the renderer isolated and sandboxed with a strict CSP', () => {
    const prefs = secureWebPreferences('/p.js');
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
    // The renderer's own <meta> policy is the same, less what a meta tag cannot carry.
    const html = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", ''));
  });

  it('registers app:// as a standard, secure scheme whose compiled code V8 may cache', () => {
    // Electron keeps a code cache for a custom scheme only with both `standard` and `codeCache` (issue 19).
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({ standard: true, secure: true, codeCache: true });
    expect(APP_SCHEME_PRIVILEGES).not.toHaveProperty('bypassCSP');
    expect(APP_SCHEME_PRIVILEGES).not.toHaveProperty('corsEnabled');
  });

  it('maps types and launch flags', () => {
    expect(mimeTypeFor('a/b.js')).toMatch(/javascript/);
    expect(mimeTypeFor('x.unknown')).toBe('application/octet-stream');
    expect(parseLaunchFlags(['electron', '.', '--demo'])).toEqual({ demo: true, kiosk: false });
    expect(entryUrl({ demo: true, kiosk: false })).toBe('app://tongxin/index.html#/setup?demo=1');
  });
});

describe('IPC argument validation', () => {
  it('refuses file names with folders and oversized content', () => {
    expect(() => assertSaveFileRequest({ suggestedName: 'backup.json', content: '{}', mimeType: 'application/json' })).not.toThrow();
    expect(() => assertSaveFileRequest({ suggestedName: '../x.json', content: '', mimeType: 'a' })).toThrow(InvalidArgumentError);
    expect(() => assertSaveFileRequest({ suggestedName: '.bashrc', content: '', mimeType: 'a' })).toThrow(InvalidArgumentError);
    expect(() => assertSaveFileRequest({ suggestedName: 'a.json', content: 5, mimeType: 'a' })).toThrow(InvalidArgumentError);
    expect(() => assertSaveFileRequest(null)).toThrow(InvalidArgumentError);
    expect(() => assertSaveFileRequest({ suggestedName: 'a.xlsx', content: 'AAAA', mimeType: 'a', encoding: 'base64' })).not.toThrow();
    expect(() => assertSaveFileRequest({ suggestedName: 'a.xlsx', content: 'AAAA', mimeType: 'a', encoding: 'latin1' })).toThrow(InvalidArgumentError);
  });
  it('refuses odd credential keys', () => {
    expect(() => assertCredentialKey('sync:qingshan')).not.toThrow();
    expect(() => assertCredentialKey('../../x')).toThrow(InvalidArgumentError);
    expect(() => assertCredentialKey(42)).toThrow(InvalidArgumentError);
  });
  it('takes a center marker only with a center id, a name and a time (main writes nothing else to its file)', () => {
    const ok = { centerId: 'demo-qingshan', name: '青山', since: '2026-12-02T00:00:00.000Z' };
    expect(parseCenterMarker(ok)).toEqual(ok);
    expect(parseCenterMarker({ ...ok, extra: 'x' })).toEqual(ok);
    expect(parseCenterMarker({ ...ok, centerId: '../etc' })).toBeNull();
    expect(parseCenterMarker({ ...ok, name: 'x'.repeat(201) })).toBeNull();
    expect(parseCenterMarker({ ...ok, since: 5 })).toBeNull();
    expect(parseCenterMarker('demo-qingshan')).toBeNull();
    expect(parseCenterMarker(null)).toBeNull();
  });
});

describe('Electron security checklist, item by item where code can show it (README: Security)', () => {
  const source = (rel: string) => readFileSync(new URL(rel, import.meta.url), 'utf8');

  it('9–10: no experimental features and no Blink features are switched on', () => {
    const prefs = secureWebPreferences('/p.js') as Record<string, unknown>;
    expect(prefs.experimentalFeatures).toBeUndefined();
    expect(prefs.enableBlinkFeatures).toBeUndefined();
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
  });

  it('15: nothing opens a URL in the system browser', () => {
    for (const f of ['./index.ts', './ipc.ts', './security.ts', '../preload/index.ts']) expect(source(f)).not.toMatch(/openExternal/);
  });

  it('20: the preload exposes exactly the contract’s named actions, never ipcRenderer itself', () => {
    const preload = source('../preload/index.ts');
    const exposed = [...preload.matchAll(/^\s{2}(\w+): \(/gm)].map((m) => m[1]).sort();
    expect(exposed).toEqual(Object.keys(IPC_CHANNELS).sort());
    expect(preload).toMatch(/exposeInMainWorld\(BRIDGE_GLOBAL, bridge\)/);
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
  });

  it('17: every IPC handler checks that the sender is the app’s own page', () => {
    expect(source('./ipc.ts')).toMatch(/if \(!event\.senderFrame \|\| !isAppUrl\(event\.senderFrame\.url\)\) throw/);
    expect(isAppUrl('app://tongxin/index.html')).toBe(true);
    expect(isAppUrl('https://tongxin/index.html')).toBe(false);
    expect(isAppUrl('app://tongxin.evil/index.html')).toBe(false);
  });

  it('11–14: webviews, new windows and navigation away are refused in the window itself', () => {
    const main = source('./index.ts');
    expect(main).toMatch(/setWindowOpenHandler\(\(\) => \(\{ action: 'deny' \}\)\)/);
    expect(main).toMatch(/will-attach-webview', \(event\) => event\.preventDefault\(\)/);
    expect(main).toMatch(/will-navigate[\s\S]*isNavigationAllowed/);
    expect(main).toMatch(/app\.enableSandbox\(\)/);
  });
});
