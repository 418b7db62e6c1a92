/**
 * The bundled CouchDB-compatible server (pouchdb-server) on loopback, for a
 * county trying Tongxin on one PC (`npm run county`) and for the integration
 * tests. Production is Apache CouchDB 3.x; this is a stand-in with known
 * differences, each named where the code works around it (search "stand-in").
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Admin } from './admin';
import { basicAuth } from '../client/replication';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'node_modules', 'pouchdb-server', 'bin', 'pouchdb-server');
/** The stand-in's one code fix, preloaded (see the file). */
const FIXES = path.join(ROOT, 'sync', 'couchdb', 'standin-fixes.cjs');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export class PortTakenError extends Error {
  override name = 'PortTakenError';
  constructor(readonly port: number) {
    super(`port ${port} on 127.0.0.1 is already taken (another county server, a CouchDB, or another program is listening there)`);
  }
}

/** @throws PortTakenError when something already listens on 127.0.0.1:`port`. */
export async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const s = createServer();
    s.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE' || e.code === 'EACCES' ? new PortTakenError(port) : e));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve()));
  });
}

export interface LocalServer {
  readonly base: string;
  /** SIGKILL: the server dies without a goodbye, as a power cut would. */
  kill(): Promise<void>;
  start(): Promise<void>;
}

/** True when `base` is the stand-in rather than Apache CouchDB. */
export async function isStandIn(base: string): Promise<boolean> {
  const res = await fetch(`${base.replace(/\/+$/, '')}/`);
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  return 'express-pouchdb' in body;
}

/**
 * @param nodeArgs extra options for the server's Node process, before the script (the push profile tool
 *   passes `--cpu-prof`); none in tests or a trial.
 */
export function localServer(dir: string, port: number, onExit?: (code: number | null) => void, nodeArgs: readonly string[] = []): LocalServer {
  const base = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const server: LocalServer = {
    base,
    async start() {
      // Otherwise the readiness check below would be answered by whatever holds the port.
      await assertPortFree(port);
      await mkdir(dir, { recursive: true });
      // cwd = the data folder: pouchdb-server writes its log.txt into the working directory.
      const c = spawn(process.execPath, [...nodeArgs, '--require', FIXES, BIN, '--host', '127.0.0.1', '--port', String(port), '--dir', dir, '--config', path.join(dir, 'config.json'), '--no-color'], { stdio: 'ignore', cwd: dir });
      child = c;
      c.once('exit', (code) => {
        if (child === c) onExit?.(code);
      });
      const until = Date.now() + 30_000;
      for (;;) {
        try {
          if ((await fetch(`${base}/`)).ok) return;
        } catch {
          // not up yet
        }
        if (Date.now() > until) throw new Error(`the local county server did not start on port ${port} within 30 s`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async kill() {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    },
  };
  return server;
}

/** Whether `admin` can log in; false while the server is still in "admin party" or the password is wrong. */
export async function adminWorks(admin: Admin): Promise<boolean> {
  const res = await fetch(`${admin.base}/_session`, { headers: { Authorization: basicAuth(admin.username, admin.password) } });
  const session = (await res.json().catch(() => ({}))) as { userCtx?: { name?: string | null; roles?: string[] } };
  return Boolean(session.userCtx?.roles?.includes('_admin') && session.userCtx.name);
}

/** Ends "admin party" by creating the first admin. Returns false if an admin already exists. */
export async function createFirstAdmin(admin: Admin): Promise<boolean> {
  const res = await fetch(`${admin.base}/_config/admins/${encodeURIComponent(admin.username)}`, { method: 'PUT', body: JSON.stringify(admin.password) });
  return res.ok;
}
