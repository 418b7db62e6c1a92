// Finds a Chromium-family browser for `npm start` (the app window when Electron's binary is
// missing), the end-to-end tests and the benchmarks; installs Debian's `chromium` when the
// machine can and the caller allows it.
//
// Order: $CHROMIUM_PATH, then Debian's and Ubuntu's Chromium, then Google Chrome and
// Microsoft Edge where their packages put them (Linux, macOS, Windows). The tests and the
// benchmarks drive it with playwright-core, which works with any of these; they never
// download a browser of their own (`npx playwright install` reaches a host this project
// cannot rely on).
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** Where browsers are installed, most preferred first. */
export function defaultCandidates(platform = process.platform, env = process.env) {
  if (platform === 'darwin')
    return [
      '/Applications/Chromium.app/Contents/MacOS/Chromium',
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
      '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
    ];
  if (platform === 'win32') {
    const roots = [env.LOCALAPPDATA, env.PROGRAMFILES, env['PROGRAMFILES(X86)']].filter(Boolean);
    return roots.flatMap((r) => [path.join(r, 'Google', 'Chrome', 'Application', 'chrome.exe'), path.join(r, 'Microsoft', 'Edge', 'Application', 'msedge.exe')]);
  }
  return [
    '/usr/bin/chromium', // Debian
    '/usr/bin/chromium-browser', // Ubuntu (a snap wrapper since 19.10)
    '/snap/bin/chromium',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/opt/google/chrome/chrome',
    '/usr/bin/microsoft-edge',
    '/opt/microsoft/msedge/msedge',
  ];
}

function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The first browser that exists, or null.
 * `TONGXIN_BROWSER_CANDIDATES` (a PATH-style list, may be empty) replaces the built-in list;
 * it exists so that the "no browser" path can be tested on a machine that has one.
 */
export function findChromium(env = process.env, platform = process.platform) {
  if (env.CHROMIUM_PATH) return isExecutable(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : null;
  const candidates =
    env.TONGXIN_BROWSER_CANDIDATES !== undefined ? env.TONGXIN_BROWSER_CANDIDATES.split(path.delimiter).filter(Boolean) : defaultCandidates(platform, env);
  return candidates.find((c) => isExecutable(c)) ?? null;
}

/** How this machine could install Chromium itself: 'root', 'sudo' or null (not Debian/Ubuntu, no apt-get, no rights). */
export function installRoute(env = process.env, platform = process.platform) {
  if (platform !== 'linux' || env.TONGXIN_NO_BROWSER_INSTALL) return null;
  let osRelease = '';
  try {
    osRelease = readFileSync(env.TONGXIN_OS_RELEASE ?? '/etc/os-release', 'utf8');
  } catch {
    return null;
  }
  const ids = (osRelease.match(/^ID(?:_LIKE)?=.*$/gm) ?? []).join(' ');
  if (!/\b(debian|ubuntu)\b/.test(ids)) return null;
  if (!existsSync('/usr/bin/apt-get')) return null;
  if (typeof process.getuid === 'function' && process.getuid() === 0) return 'root';
  try {
    execFileSync('sudo', ['-n', 'true'], { stdio: 'ignore' });
    return 'sudo';
  } catch {
    return null;
  }
}

export const INSTALL_COMMAND = 'sudo apt-get install -y chromium fonts-noto-cjk';

/** One sentence for a person: there is no browser, and the exact command that fixes it. */
export function missingBrowserMessage() {
  return `No Chromium, Chrome or Edge was found: install one with \`${INSTALL_COMMAND}\` (Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium-family browser.`;
}

export class BrowserMissingError extends Error {
  constructor() {
    super(missingBrowserMessage());
    this.name = 'BrowserMissingError';
  }
}

/**
 * A browser's path, installing Debian's `chromium` (and CJK fonts: the UI is Chinese, and
 * screenshots and layout need real glyphs) when none is found and the machine can.
 * Says in one line on stderr what it installs and why; throws BrowserMissingError otherwise.
 */
export function ensureChromium({ why, env = process.env, log = (m) => console.error(m) } = {}) {
  if (env.CHROMIUM_PATH && !isExecutable(env.CHROMIUM_PATH)) throw new Error(`CHROMIUM_PATH is ${env.CHROMIUM_PATH}, which is not an executable browser: correct it or unset it.`);
  const found = findChromium(env);
  if (found) return found;
  const route = installRoute(env);
  if (!route) throw new BrowserMissingError();
  log(`No Chromium found; ${why ?? 'it is needed'}: installing Debian's chromium and fonts-noto-cjk with apt-get (once, about a minute)…`);
  const sudo = route === 'sudo' ? ['sudo', '-n'] : [];
  const run = (args) => {
    const [cmd, ...rest] = [...sudo, ...args];
    execFileSync(cmd, rest, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  };
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', 'chromium', 'fonts-noto-cjk']);
  // After an install, look where Debian puts it even if the candidate list was overridden.
  const installed = findChromium(env) ?? (isExecutable('/usr/bin/chromium') ? '/usr/bin/chromium' : null);
  if (!installed) throw new BrowserMissingError();
  return installed;
}

/** Whether `bin` is an executable on PATH. */
function onPath(bin, env = process.env) {
  return (env.PATH ?? '').split(path.delimiter).some((dir) => dir && isExecutable(path.join(dir, bin)));
}

/**
 * Command-line tools the tests need beside the browser (e.g. pdftotext from poppler-utils
 * to read printed PDFs): installs the missing ones' Debian packages the way ensureChromium
 * does, saying so in one line; throws with the install command where it cannot.
 * @param {{ bin: string, pkg: string }[]} tools
 */
export function ensureTools(tools, { why, env = process.env, log = (m) => console.error(m) } = {}) {
  const missing = tools.filter((t) => !onPath(t.bin, env));
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map((t) => t.pkg))];
  const route = installRoute(env);
  if (!route) throw new Error(`${missing.map((t) => t.bin).join(', ')} not found (${why ?? 'needed'}): install with \`sudo apt-get install -y ${pkgs.join(' ')}\`.`);
  log(`${missing.map((t) => t.bin).join(', ')} not found; ${why ?? 'needed'}: installing ${pkgs.join(' ')} with apt-get (once)…`);
  const sudo = route === 'sudo' ? ['sudo', '-n'] : [];
  for (const args of [['apt-get', 'update', '-qq'], ['apt-get', 'install', '-y', '-qq', ...pkgs]]) {
    const [cmd, ...rest] = [...sudo, ...args];
    execFileSync(cmd, rest, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
}
