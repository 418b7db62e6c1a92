/**
 * `npm run county` (sync/couchdb/county.ts) as county IT runs it: with its port
 * taken it says so and how to choose another, and exits non-zero.
 * Starts: a plain TCP listener holding a free loopback port, and the command.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../sync/couchdb/localServer';

const run = promisify(execFile);
const county = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'sync/couchdb/county.ts', ...args], { timeout: 60_000 }).then(
    (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
  );

describe('npm run county', () => {
  it('with its port taken says so, how to choose another, and exits non-zero', async () => {
    const port = await freePort();
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(port, '127.0.0.1', r));
    const dir = await mkdtemp(path.join(tmpdir(), 'tongxin-county-cmd-'));
    try {
      const res = await county('--port', String(port), '--dir', dir);
      expect(res.code).not.toBe(0);
      expect(res.err).toContain(`port ${port} on 127.0.0.1 is already taken`);
      expect(res.err).toContain(`npm run county -- --port ${port + 1}`);
      expect(res.out).not.toMatch(/County server \(trial\) at/);
    } finally {
      holder.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('refuses a port that is not a number, with an example', async () => {
    const res = await county('--port', 'abc');
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/--port needs a port number.*npm run county -- --port 5985/);
  }, 60_000);
});
