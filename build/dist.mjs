// `npm run dist`: packages the app with electron-builder (build/electron-builder.yml).
// electron-builder downloads Electron's release zip from GitHub unless it is cached;
// without a cached zip, a mirror or an explicit opt-in to download, this stops early with a clear message instead of
// a long stack trace halfway through packaging.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';

// electron-builder's tooling (@electron/get, @electron/rebuild, node-abi) asks for Node 22.12 or
// later; running and testing Tongxin needs only Node 20.19 (README: "Node versions").
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(`npm run dist: building installers needs Node 22.12 or later (this is Node ${process.versions.node}); running and testing Tongxin works on Node 20.19 and later.`);
  process.exit(1);
}

const version = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync('node_modules/electron/package.json', 'utf8'))).version;
const cacheDir = process.env.ELECTRON_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'electron');
const cached = existsSync(cacheDir) && readdirSync(cacheDir, { recursive: true }).some((f) => String(f).includes(`electron-v${version}-`));

// No network probe: whether a download may happen is the caller's explicit choice.
const mayDownload = Boolean(process.env.ELECTRON_MIRROR) || process.env.TONGXIN_DIST_DOWNLOAD === '1';
if (!cached && !mayDownload) {
  console.error(
    `npm run dist: cannot package — electron-builder needs Electron ${version}'s release zip, which is not in ${cacheDir}. ` +
      'Put the zip there, set ELECTRON_MIRROR to a reachable mirror, or set TONGXIN_DIST_DOWNLOAD=1 on a machine that can reach GitHub, then run again.',
  );
  process.exit(1);
}

const build = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const res = spawnSync('npx', ['electron-builder', '--config', 'build/electron-builder.yml', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(res.status ?? 1);
