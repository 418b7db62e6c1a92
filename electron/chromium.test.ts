import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { BrowserMissingError, defaultCandidates, ensureChromium, ensureTools, findChromium, installRoute, INSTALL_COMMAND } from './chromium.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = promisify(execFile);

async function fakeBrowser(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tongxin-browser-'));
  const file = path.join(dir, 'chromium');
  await writeFile(file, '#!/bin/sh\nexit 0\n');
  await chmod(file, 0o755);
  return file;
}

describe('finding a browser', () => {
  it('looks at Debian, Ubuntu, Chrome and Edge paths, in that order', () => {
    const linux = defaultCandidates('linux', {});
    expect(linux[0]).toBe('/usr/bin/chromium');
    expect(linux).toContain('/usr/bin/chromium-browser');
    expect(linux.some((c) => c.includes('google-chrome'))).toBe(true);
    expect(linux.some((c) => c.includes('msedge') || c.includes('microsoft-edge'))).toBe(true);
    expect(defaultCandidates('win32', { PROGRAMFILES: 'C:\\Program Files' }).some((c) => c.endsWith('msedge.exe'))).toBe(true);
  });

  it('prefers CHROMIUM_PATH, then the candidate list, and finds nothing in an empty list', async () => {
    const browser = await fakeBrowser();
    expect(findChromium({ CHROMIUM_PATH: browser })).toBe(browser);
    expect(findChromium({ TONGXIN_BROWSER_CANDIDATES: ['/nonexistent/chrome', browser].join(path.delimiter) })).toBe(browser);
    expect(findChromium({ TONGXIN_BROWSER_CANDIDATES: '' })).toBeNull();
  });

  it('installs nothing where it cannot (not Debian/Ubuntu, or told not to) and says the exact command', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tongxin-os-'));
    const fedora = path.join(dir, 'os-release');
    await writeFile(fedora, 'ID=fedora\nID_LIKE="rhel centos"\n');
    expect(installRoute({ TONGXIN_OS_RELEASE: fedora }, 'linux')).toBeNull();
    expect(installRoute({}, 'darwin')).toBeNull();
    const env = { TONGXIN_BROWSER_CANDIDATES: '', TONGXIN_OS_RELEASE: fedora };
    expect(() => ensureChromium({ env, log: () => {} })).toThrow(BrowserMissingError);
    expect(() => ensureChromium({ env, log: () => {} })).toThrow(INSTALL_COMMAND);
    expect(() => ensureChromium({ env: { CHROMIUM_PATH: '/nonexistent/chromium' } })).toThrow(/CHROMIUM_PATH is \/nonexistent\/chromium/);
  });

  it('finds the tools the print tests need on PATH, and where one is missing and cannot be installed, names its package', () => {
    // node itself is on PATH: nothing to install, nothing logged.
    const logged: string[] = [];
    ensureTools([{ bin: path.basename(process.execPath), pkg: 'nodejs' }], { env: { PATH: path.dirname(process.execPath) }, log: (m: string) => logged.push(m) });
    expect(logged).toEqual([]);
    const env = { PATH: path.dirname(process.execPath), TONGXIN_NO_BROWSER_INSTALL: '1' };
    expect(() => ensureTools([{ bin: 'pdftotext-not-here', pkg: 'poppler-utils' }], { env, log: () => {} })).toThrow('sudo apt-get install -y poppler-utils');
  });

  it('stops the end-to-end suite at once, in one sentence, when there is no browser and no way to install one', async () => {
    // The suite's own entry point, with an empty candidate list and installing forbidden.
    const env = { ...process.env, TONGXIN_BROWSER_CANDIDATES: '', TONGXIN_NO_BROWSER_INSTALL: '1', CHROMIUM_PATH: '' };
    const result = await run(process.execPath, ['--import', 'tsx', '-e', "const m = await import('./tests/e2e/globalSetup.ts'); m.default();"], { cwd: ROOT, env }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(INSTALL_COMMAND);
  });
});
