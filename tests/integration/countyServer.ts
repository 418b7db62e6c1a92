/**
 * Starts the bundled CouchDB-compatible server (pouchdb-server) on a free
 * loopback port with its data in a temporary folder, and an admin account —
 * what integration tests talk to over real HTTP. It can be killed and started
 * again on the same port and data, to test a server dying mid-sync.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Admin } from '../../sync/couchdb/admin';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'node_modules', '.bin', 'pouchdb-server');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface CountyServer {
  readonly base: string;
  readonly admin: Admin;
  /** SIGKILL: the server dies without a goodbye, as a power cut would. */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startCountyServer(): Promise<CountyServer> {
  const port = await freePort();
  const dir = await mkdtemp(path.join(tmpdir(), 'tongxin-county-'));
  const base = `http://127.0.0.1:${port}`;
  const admin: Admin = { base, username: 'admin', password: 'test-admin-password' };
  let child: ChildProcess | null = null;

  async function waitUp(): Promise<void> {
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
      try {
        const res = await fetch(`${base}/`);
        if (res.ok) return;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('pouchdb-server did not start within 30 s');
  }

  const server: CountyServer = {
    base,
    admin,
    async start() {
      child = spawn(BIN, ['--host', '127.0.0.1', '--port', String(port), '--dir', dir, '--config', path.join(dir, 'config.json'), '--no-color'], { stdio: 'ignore' });
      await waitUp();
      // Leave "admin party": the first start creates the admin, later starts find it in config.json.
      const probe = await fetch(`${base}/_session`, { headers: { Authorization: `Basic ${Buffer.from(`${admin.username}:${admin.password}`).toString('base64')}` } });
      const session = (await probe.json()) as { userCtx?: { name: string | null } };
      if (!session.userCtx?.name) await fetch(`${base}/_config/admins/${admin.username}`, { method: 'PUT', body: JSON.stringify(admin.password) });
    },
    async kill() {
      const c = child;
      child = null;
      if (!c) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    },
    async stop() {
      await server.kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
