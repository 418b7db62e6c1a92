// `npm start`: runs Tongxin in the best shell this machine has.
//   1. Electron, when its binary is installed (node_modules/electron/dist).
//   2. Otherwise Chromium's app window (--app, or --kiosk with `-- --kiosk`), over loopback.
//   3. Otherwise (no Chromium, or no display) the renderer served on 127.0.0.1, URL printed.
// The port is fixed so the browser origin — and with it the IndexedDB data — stays the same
// from one start to the next. Flags: --demo (load the demo center), --kiosk, --browser (skip Electron).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HEALTH_PATH, startStaticServer } from './static-server.mjs';
import { findChromium } from './chromium.mjs';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rendererRoot = path.join(projectRoot, 'dist', 'renderer');
const args = process.argv.slice(2);
const flags = { demo: args.includes('--demo'), kiosk: args.includes('--kiosk'), browser: args.includes('--browser') };
export const PORT = Number(process.env.TONGXIN_PORT ?? 47813);

function electronBinary() {
  const dir = path.join(projectRoot, 'node_modules', 'electron');
  const pathFile = path.join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(dir, 'dist'), readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

function hasDisplay() {
  return process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

async function alreadyServing(url) {
  try {
    const res = await fetch(new URL(HEALTH_PATH, url), { signal: AbortSignal.timeout(1000) });
    return (await res.text()) === 'tongxin';
  } catch {
    return false;
  }
}

async function serve() {
  const url = `http://127.0.0.1:${PORT}/`;
  try {
    const server = await startStaticServer(rendererRoot, PORT);
    return { url: server.url, close: server.close, reused: false };
  } catch (e) {
    if (e?.code === 'EADDRINUSE' && (await alreadyServing(url))) return { url, close: async () => {}, reused: true };
    if (e?.code === 'EADDRINUSE') {
      console.error(`Port ${PORT} is taken by another program. Free it, or set TONGXIN_PORT (the data lives with the port: use the same one every time).`);
      process.exit(1);
    }
    throw e;
  }
}

if (!existsSync(path.join(rendererRoot, 'index.html'))) {
  console.error('The renderer is not built: run `npm run build` (npm start does this for you).');
  process.exit(1);
}

const electron = flags.browser ? null : electronBinary();
if (electron) {
  const child = spawn(electron, [projectRoot, ...args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const entry = (base) => (flags.demo ? `${base}#/setup?demo=1` : base);
  const server = await serve();
  const chromium = findChromium();
  if (!flags.browser) console.log("Electron's binary is not installed (npm leaves it to be downloaded from GitHub at first launch): running the same renderer without Electron.");
  if (chromium && hasDisplay()) {
    const profile = path.join(process.env.XDG_DATA_HOME ?? path.join(homedir(), '.local', 'share'), 'tongxin', 'chromium-profile');
    mkdirSync(profile, { recursive: true });
    console.log(`Opening ${server.url} in Chromium's ${flags.kiosk ? 'kiosk' : 'app'} window (profile: ${profile}).`);
    // Chromium refuses to start as root unless its sandbox is off. A kiosk set up by a
    // technician often runs as root; say so rather than fail silently, and turn it off.
    const asRoot = process.platform === 'linux' && process.getuid?.() === 0;
    if (asRoot) console.log("Running as root: Chromium's sandbox has to be off (--no-sandbox). Run Tongxin as an ordinary user to keep it on.");
    const child = spawn(
      chromium,
      [
        flags.kiosk ? `--kiosk` : `--app=${entry(server.url)}`,
        ...(flags.kiosk ? [entry(server.url)] : []),
        `--user-data-dir=${profile}`,
        '--window-size=1366,768',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        // The page is Chinese; a browser whose own language differs must not offer to translate it.
        '--disable-features=Translate,TranslateUI',
        '--lang=zh-CN',
        ...(asRoot ? ['--no-sandbox'] : []),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    // Keep the last of Chromium's complaints: when it stops with an error, say why.
    let lastErrors = '';
    child.stderr.on('data', (chunk) => {
      lastErrors = (lastErrors + chunk.toString()).slice(-4000);
    });
    const startedAt = Date.now();
    child.on('error', (e) => {
      console.error(`Chromium (${chromium}) could not be started: ${e.message}`);
      process.exit(1);
    });
    child.on('exit', async (code, signal) => {
      await server.close();
      if (code === 0 || signal === 'SIGTERM' || signal === 'SIGINT') process.exit(0);
      // Chromium's log lines start with "[pid:tid:time:LEVEL:file(line)]"; the words after it are the reason.
      const reason = lastErrors.split('\n').map((l) => l.replace(/^\[[^\]]*\]\s*/, '').trim()).filter(Boolean).slice(-2).join(' ');
      console.error(`Chromium stopped${Date.now() - startedAt < 5000 ? ' right after starting' : ''} (exit code ${code ?? signal}). ${reason ? `It said: ${reason}` : ''}`.trim());
      process.exit(1);
    });
    // Stopping the launcher stops the window it opened.
    for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill('SIGTERM'));
  } else {
    console.log(`Tongxin is running at ${entry(server.url)} — open it in a browser (${chromium ? 'no display found for Chromium' : 'Chromium not found'}). Ctrl+C stops it.`);
    if (server.reused) process.exit(0);
    for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, async () => { await server.close(); process.exit(0); });
  }
}
