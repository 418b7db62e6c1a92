/**
 * Starts the bundled CouchDB-compatible server (sync/couchdb/localServer.ts)
 * on a free loopback port with its data in a temporary folder and an admin
 * account — what integration tests talk to over real HTTP. It can be killed
 * and started again on the same port and data, to test a server dying mid-sync.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Admin } from '../../sync/couchdb/admin';
import { adminWorks, createFirstAdmin, freePort, localServer, type LocalServer } from '../../sync/couchdb/localServer';

/** Polls `pred` every 100 ms until it holds. @throws Error after `ms`. */
export async function until(pred: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met in time');
}

export interface CountyServer extends LocalServer {
  readonly admin: Admin;
  stop(): Promise<void>;
}

export async function startCountyServer(): Promise<CountyServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tongxin-county-'));
  const server = localServer(dir, await freePort());
  const admin: Admin = { base: server.base, username: 'admin', password: 'test-admin-password' };
  await server.start();
  if (!(await adminWorks(admin))) await createFirstAdmin(admin);
  return {
    ...server,
    admin,
    start: server.start,
    kill: server.kill,
    async stop() {
      await server.kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
