/**
 * What Chromium does with an origin's IndexedDB store it cannot use at a start — the platform
 * behaviour the center marker (app/centerMarker.ts) defends against, pinned so that a change in a
 * new Chromium is seen. Starts: a static server (any page of the origin) and headless Chromium on a
 * profile folder, closed and started again around each change to the store's files.
 *   - a store whose LevelDB is corrupt (its MANIFEST cut short, or its log damaged) is deleted
 *     and made anew: the page sees empty databases and no error at all;
 *   - a store whose LevelDB LOCK another process holds (a killed browser's storage process not
 *     gone yet) fails to open with an error, and reads as before once the lock is free: nothing
 *     is thrown away;
 *   - localStorage is a store of its own ("Local Storage"): it survives the first case.
 */
import { mkdtemp, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium, ROOT } from './harness';
import { startStaticServer } from '../../electron/static-server.mjs';

let server: { url: string; close(): Promise<void> };
const profiles: string[] = [];

beforeAll(async () => {
  server = await startStaticServer(path.join(ROOT, 'dist', 'renderer'), 0);
});
afterAll(async () => {
  await server?.close();
  for (const p of profiles) await rm(p, { recursive: true, force: true });
});

async function open(profile: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await launchChromium(profile);
  const page = context.pages()[0] ?? (await context.newPage());
  // A page of the origin that is not the app: nothing else opens the databases.
  await page.goto(`${server.url}/no-such-page`);
  return { context, page };
}

/** A profile whose origin has one IndexedDB value and one localStorage value; closed. @returns the profile and its LevelDB folder. */
async function storeWithValue(): Promise<{ profile: string; leveldb: string }> {
  const profile = await mkdtemp(path.join(tmpdir(), 'tongxin-store-'));
  profiles.push(profile);
  const { context, page } = await open(profile);
  await page.evaluate(
    () =>
      new Promise<void>((res, rej) => {
        localStorage.setItem('marker', 'kept');
        const r = indexedDB.open('probe', 1);
        r.onupgradeneeded = () => r.result.createObjectStore('kv');
        r.onerror = () => rej(r.error);
        r.onsuccess = () => {
          const tx = r.result.transaction('kv', 'readwrite');
          tx.objectStore('kv').put('here', 'k');
          tx.oncomplete = () => {
            r.result.close();
            res();
          };
        };
      }),
  );
  await context.close();
  const idb = path.join(profile, 'Default', 'IndexedDB');
  return { profile, leveldb: path.join(idb, (await readdir(idb)).find((d) => d.endsWith('.indexeddb.leveldb'))!) };
}

/** What the page reads: the value, 'empty' (the database made anew, without its store), or the error. */
function readValue(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      new Promise<string>((res) => {
        const r = indexedDB.open('probe');
        r.onerror = () => res(`error: ${r.error?.name ?? ''}`);
        r.onsuccess = () => {
          const db = r.result;
          if (!db.objectStoreNames.contains('kv')) {
            db.close();
            return res('empty');
          }
          const g = db.transaction('kv').objectStore('kv').get('k');
          g.onsuccess = () => {
            db.close();
            res(String(g.result));
          };
        };
      }),
  );
}

describe("Chromium and a store it cannot use at a start", () => {
  it('a corrupt store (MANIFEST cut short, or the log damaged) is thrown away without an error; localStorage stays', async () => {
    for (const damage of ['manifest', 'log'] as const) {
      const { profile, leveldb } = await storeWithValue();
      const files = await readdir(leveldb);
      if (damage === 'manifest') await truncate(path.join(leveldb, files.find((f) => f.startsWith('MANIFEST-'))!), 20);
      else {
        const log = path.join(leveldb, files.find((f) => f.endsWith('.log'))!);
        const bytes = await readFile(log);
        for (let i = 40; i < Math.min(bytes.length, 400); i++) bytes[i]! ^= 0xff;
        await writeFile(log, new Uint8Array(bytes));
      }
      const { context, page } = await open(profile);
      expect(await readValue(page), damage).toBe('empty');
      expect(await page.evaluate(() => localStorage.getItem('marker')), damage).toBe('kept');
      await context.close();
    }
  });

  it('a store whose LOCK another process holds fails to open with an error, and reads as before once the lock is free', async () => {
    const { profile, leveldb } = await storeWithValue();
    const holder = spawn('python3', ['-c', `import fcntl,sys\nf=open(${JSON.stringify(path.join(leveldb, 'LOCK'))},'r+')\nfcntl.lockf(f,fcntl.LOCK_EX|fcntl.LOCK_NB)\nprint('locked',flush=True)\nsys.stdin.read()\n`], { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise((r) => holder.stdout.once('data', r));
    const { context, page } = await open(profile);
    expect(await readValue(page)).toBe('error: UnknownError');
    holder.stdin.end();
    await new Promise((r) => holder.once('exit', r));
    expect(await readValue(page)).toBe('here');
    await context.close();
  });
});
