/**
 * `npm start` without Electron: the launcher opens the renderer in Chromium's app window.
 * Starts: electron/launch.mjs as a child process, with a stand-in browser (a shell script)
 * in place of Chromium, so that what the launcher does when the browser fails or is
 * stopped can be seen without a display.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ROOT } from './harness';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function fakeBrowser(script: string): Promise<{ file: string; dir: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tongxin-launch-'));
  const file = path.join(dir, 'chromium');
  await writeFile(file, `#!/bin/sh\n${script}\n`);
  await chmod(file, 0o755);
  return { file, dir };
}

function launch(browser: string, dataDir: string) {
  return freePort().then((port) => {
    const child = spawn(process.execPath, ['electron/launch.mjs', '--browser'], {
      cwd: ROOT,
      env: { ...process.env, CHROMIUM_PATH: browser, DISPLAY: ':99', TONGXIN_PORT: String(port), XDG_DATA_HOME: dataDir },
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, exited, output: () => out };
  });
}

describe('the launcher (npm start without Electron)', () => {
  it('says why Chromium did not start, and exits non-zero', async () => {
    const { file, dir } = await fakeBrowser('echo "[123:123:1201/080000.000000:ERROR:zygote_host_impl_linux.cc(101)] Running as root without --no-sandbox is not supported." >&2\nexit 1');
    const run = await launch(file, dir);
    const code = await run.exited;
    expect(code).toBe(1);
    expect(run.output()).toMatch(/Chromium stopped right after starting \(exit code 1\)\. It said: Running as root without --no-sandbox is not supported\./);
  });

  it('stops the Chromium it started when it is stopped itself, and tells it not to translate the page', async () => {
    const { file, dir } = await fakeBrowser(`echo "$@" > "${'$'}(dirname "$0")/args"\ntrap 'echo stopped > "${'$'}(dirname "$0")/stopped"; exit 0' TERM\nwhile true; do sleep 0.1; done`);
    const run = await launch(file, dir);
    await expect.poll(() => run.output(), { timeout: 20_000 }).toMatch(/Opening http:\/\/127\.0\.0\.1:\d+\/ in Chromium's app window/);
    await expect.poll(() => readFile(path.join(dir, 'args'), 'utf8').catch(() => ''), { timeout: 10_000 }).toContain('--app=');
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(await readFile(path.join(dir, 'stopped'), 'utf8')).toBe('stopped\n');
    expect(await readFile(path.join(dir, 'args'), 'utf8')).toContain('--disable-features=Translate,TranslateUI');
  });
});
