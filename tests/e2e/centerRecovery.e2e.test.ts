/**
 * A kiosk that has had a center never offers first-run setup again by itself (app/centerMarker.ts).
 * Starts: a static server for dist/renderer and headless Chromium on one profile folder (real
 * IndexedDB, real localStorage), restarted between steps. The demo center is set up and backed up;
 * then its stores are lost the two ways a power cut can lose them:
 *   1. the device settings' database alone (deleted with indexedDB.deleteDatabase from a page of
 *      the origin that is not the app): the recovery page, not setup; "try again" while the
 *      settings are still gone says so, and once the settings row is back it opens the kiosk;
 *      "continue with the records here" is offered because the center's records are still here;
 *   2. the profile's whole IndexedDB folder, removed between two launches: the recovery page; put
 *      back, the kiosk opens as before; then the store's LevelDB MANIFEST cut short, which Chromium
 *      answers by deleting the origin's IndexedDB and starting it empty (its recovery from a store
 *      it finds corrupt): the recovery page, and the center comes back from the backup file and
 *      the paper code through its "restore"; the old PIN works. A new center only after a
 *      confirmation that says what it means, and only for this session.
 * Nothing on the recovery page overwrites or deletes a record: the counts of the center database
 * are compared before and after.
 */
import { cp, readFile, readdir, rm, truncate } from 'node:fs/promises';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openKiosk, typePin, type Kiosk } from './harness';

let k: Kiosk;
let backup = '';
let backupName = '';
let code = '';

beforeAll(async () => {
  k = await openKiosk();
});
afterAll(async () => {
  await k?.close();
});

const idbFolder = () => path.join(k.profileDir, 'Default', 'IndexedDB');

/** The center database's record count (every PouchDB database of the origin), read with plain IndexedDB. */
function centerRecords(page: Page): Promise<number> {
  return page.evaluate(async () => {
    let n = 0;
    for (const d of await indexedDB.databases()) {
      if (!d.name?.includes('tongxin-center')) continue;
      const db = await new Promise<IDBDatabase>((res, rej) => {
        const r = indexedDB.open(d.name!);
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
      if (db.objectStoreNames.contains('docs')) {
        n += await new Promise<number>((res, rej) => {
          const r = db.transaction('docs').objectStore('docs').count();
          r.onsuccess = () => res(r.result);
          r.onerror = () => rej(r.error);
        });
      }
      db.close();
    }
    return n;
  });
}

async function signIn(name: string, pin: string) {
  await k.page.goto(`${k.url}#/unlock`);
  await k.page.click(`[data-testid="staff-${name}"]`);
  await typePin(k.page, pin);
  await k.page.waitForURL((u) => u.hash.startsWith('#/staff'), { timeout: 20_000 });
}

/** A start (the page loaded anew): the app's first screen is either the kiosk, setup or the recovery page; says which. */
async function start(): Promise<'kiosk' | 'setup' | 'recovery'> {
  await k.page.goto(`${k.url}#/kiosk`);
  await k.page.reload();
  await k.page.waitForSelector('[data-testid="kiosk-home"], [data-testid="setup-form"], [data-testid="center-recovery"]', { timeout: 60_000 });
  if (await k.page.$('[data-testid="center-recovery"]')) return 'recovery';
  return (await k.page.$('[data-testid="kiosk-home"]')) ? 'kiosk' : 'setup';
}

/** A screenshot at the smallest screen the kiosk supports; `show`: an element to bring into view first. */
async function atSmallScreen(name: string, show?: string) {
  await k.page.setViewportSize({ width: 1024, height: 600 });
  if (show) await k.page.locator(show).scrollIntoViewIfNeeded();
  await k.screenshot(name);
  await k.page.setViewportSize({ width: 1366, height: 768 });
}

describe('a kiosk whose center cannot be read', () => {
  it('the demo center is set up and backed up; the marker is kept outside IndexedDB', async () => {
    const { page } = k;
    await page.goto(`${k.url}#/setup?demo=1`);
    await page.waitForSelector('[data-testid="kiosk-home"]', { timeout: 120_000 });
    expect(JSON.parse((await page.evaluate(() => localStorage.getItem('tongxin:center-marker'))) ?? 'null')).toMatchObject({ centerId: 'demo-qingshan' });
    await signIn('陈老师', '2580');
    await page.goto(`${k.url}#/staff/settings`);
    await page.click('[data-tab="backup"]');
    await page.click('[data-testid="backup-setup"]');
    code = (await page.textContent('[data-testid="backup-new-code"]'))!.trim();
    await page.fill('[data-testid="backup-confirm"]', code.slice(-4));
    await page.click('[data-testid="backup-save-code"]');
    await expect.poll(() => page.textContent('[data-testid="backup-message"]').catch(() => ''), { timeout: 60_000 }).toContain('备份完成');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="backup-list"] [data-action="download"]')]);
    backupName = download.suggestedFilename();
    backup = await readFile((await download.path())!, 'utf8');
    expect(backup.startsWith('{"format":"tongxin-backup"')).toBe(true);
    // A graceful close writes localStorage out (Chromium commits it a few seconds after a change).
    await k.restart();
    expect(await start()).toBe('kiosk');
  });

  it('the device settings lost: the recovery page, never setup; nothing is written over; try again opens the kiosk once the settings are back', async () => {
    const { page } = k;
    const before = await centerRecords(page);
    // The settings row as it was, to put back later ("the store came back").
    const row = await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((res, rej) => {
        const r = indexedDB.open('tongxin-device');
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
      const value = await new Promise<unknown>((res, rej) => {
        const r = db.transaction('kv').objectStore('kv').get('settings');
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
      db.close();
      return value;
    });
    expect(row).toMatchObject({ value: { centerId: 'demo-qingshan' } });
    await k.restart();
    // A page of the origin that is not the app (no connection holds the database open), then the delete.
    await k.page.goto(`${k.url}/no-such-page`);
    expect(await k.page.evaluate(() => new Promise<string>((res) => {
      const r = indexedDB.deleteDatabase('tongxin-device');
      r.onsuccess = () => res('deleted');
      r.onerror = () => res('failed');
      r.onblocked = () => res('blocked');
    }))).toBe('deleted');

    expect(await start()).toBe('recovery');
    const p = k.page;
    expect(await p.textContent('[data-testid="recovery-title"]')).toContain('青山');
    expect(await p.getAttribute('[data-testid="recovery-reason"]', 'data-reason')).toBe('settings-missing');
    await p.waitForSelector('[data-testid="center-recovery"][data-looked="true"]');
    await p.waitForSelector('[data-testid="recovery-use-here"]');
    expect(await p.$('[data-testid="setup-form"]')).toBeNull();
    // The database holds the center: no new center is offered here at all, and no join (a failed
    // join takes back what it pulled, and here that could be records already on the device).
    expect(await p.$('[data-testid="recovery-new-center"]')).toBeNull();
    expect(await p.$('[data-testid="recovery-join"]')).toBeNull();
    await p.waitForSelector('[data-testid="recovery-join-later"]');
    await atSmallScreen('center-recovery-settings-lost');
    // Setup, even asked for by address (with the demo's ?demo=1), leads back here and loads nothing.
    await p.goto(`${k.url}#/setup?demo=1`);
    await p.waitForSelector('[data-testid="center-recovery"]');
    expect(await centerRecords(p)).toBe(before);

    // Try again while the settings are still gone: the page starts again and says it is still not readable.
    await p.click('[data-testid="recovery-try-again"]');
    await p.waitForSelector('[data-testid="recovery-tried"]', { timeout: 30_000 });
    expect(await p.textContent('[data-testid="recovery-tried"]')).toContain('还是读不出来');

    // The settings row back (as a store that could not be read for a while): try again opens the kiosk.
    await p.evaluate(async (saved) => {
      const db = await new Promise<IDBDatabase>((res, rej) => {
        const r = indexedDB.open('tongxin-device');
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
      await new Promise<void>((res, rej) => {
        const tx = db.transaction('kv', 'readwrite');
        tx.objectStore('kv').put(saved);
        tx.oncomplete = () => res();
        tx.onerror = () => rej(tx.error);
      });
      db.close();
    }, row);
    await p.click('[data-testid="recovery-try-again"]');
    await p.waitForSelector('[data-testid="kiosk-home"]', { timeout: 30_000 });
    expect(await centerRecords(p)).toBe(before);
    await signIn('陈老师', '2580');
  });

  it('the settings lost again: "continue with the records here" binds the device to them without changing a record', async () => {
    const before = await centerRecords(k.page);
    await k.restart();
    await k.page.goto(`${k.url}/no-such-page`);
    await k.page.evaluate(() => new Promise((res) => (indexedDB.deleteDatabase('tongxin-device').onsuccess = res)));
    expect(await start()).toBe('recovery');
    await k.page.click('[data-testid="recovery-use-here"]');
    await k.page.waitForSelector('[data-testid="kiosk-home"]', { timeout: 30_000 });
    expect(await centerRecords(k.page)).toBe(before);
    await signIn('陈老师', '2580');
    await k.restart();
    expect(await start()).toBe('kiosk');
  });

  it('the whole IndexedDB folder lost between two launches: the recovery page; put back, the kiosk as before; lost again, restored from the backup', async () => {
    await k.page.goto(`${k.url}#/kiosk`);
    const before = await centerRecords(k.page);
    await k.context.close();
    const saved = path.join(k.profileDir, 'IndexedDB-saved');
    await cp(idbFolder(), saved, { recursive: true });
    await rm(idbFolder(), { recursive: true, force: true });
    await k.restart(); // the context is closed already (closing it again is nothing); restart opens a new one
    expect(await start()).toBe('recovery');
    const p = k.page;
    expect(await p.getAttribute('[data-testid="recovery-reason"]', 'data-reason')).toBe('settings-missing');
    await p.waitForSelector('[data-testid="center-recovery"][data-looked="true"]');
    expect(await p.$('[data-testid="recovery-use-here"]')).toBeNull();
    await p.waitForSelector('[data-testid="recovery-new-center"]');
    await p.waitForSelector('[data-testid="recovery-join"]');
    await atSmallScreen('center-recovery');
    // A new center: only behind a confirmation that says what it means; cancelling keeps the page.
    await p.click('[data-testid="recovery-new-center"]');
    expect(await p.textContent('[data-testid="recovery-new-confirm"]')).toContain('新的、空的站点');
    await atSmallScreen('center-recovery-new-confirm', '[data-testid="recovery-new-go"]');
    await p.click('[data-testid="recovery-new-cancel"]');
    expect(await p.$('[data-testid="recovery-new-confirm"]')).toBeNull();
    await p.click('[data-testid="recovery-new-center"]');
    await p.click('[data-testid="recovery-new-go"]');
    await p.waitForSelector('[data-testid="setup-form"]');
    // The choice lasts for this session only: a start brings the recovery page back.
    expect(await start()).toBe('recovery');
    // In English too.
    await p.click('.locale-toggle button:has-text("English")');
    await p.waitForFunction(() => document.querySelector('[data-testid="recovery-title"]')?.textContent?.includes('could not be read'));
    await atSmallScreen('center-recovery-en');
    await p.click('.locale-toggle button:has-text("简体中文")');

    // The store back (the folder put back while the browser is closed): the kiosk, with every record.
    await k.context.close();
    await rm(idbFolder(), { recursive: true, force: true });
    await cp(saved, idbFolder(), { recursive: true });
    await k.restart();
    expect(await start()).toBe('kiosk');
    expect(await centerRecords(k.page)).toBe(before);

    // Lost again, this time the way Chromium loses it: its LevelDB's MANIFEST cut short (a store it
    // finds corrupt at open is deleted and made anew, empty — with no error to the page). Then
    // restore from the backup file and the paper code, through the recovery page.
    await k.context.close();
    const leveldb = path.join(idbFolder(), (await readdir(idbFolder())).find((d) => d.endsWith('.indexeddb.leveldb'))!);
    const manifest = (await readdir(leveldb)).find((f) => f.startsWith('MANIFEST-'))!;
    await truncate(path.join(leveldb, manifest), 20);
    await k.restart();
    expect(await start()).toBe('recovery');
    expect(await centerRecords(k.page)).toBe(0);
    await k.page.click('[data-testid="recovery-restore"]');
    await k.page.waitForSelector('[data-testid="setup-restore"]');
    expect(await k.page.$('[data-testid="setup-form"]')).toBeNull();
    expect(await k.page.$('[data-testid="setup-join"]')).toBeNull();
    expect(await k.page.textContent('[data-testid="setup-recover-banner"]')).toContain('青山');
    // The backup this kiosk kept (the browser's private file system survives the lost IndexedDB) is offered and used;
    // a downloaded file (on a stick) goes through the same panel (backup.e2e.test.ts).
    await k.page.waitForSelector('[data-testid="setup-kept-backups"] [data-action="use-kept"]');
    expect(await k.page.textContent('[data-testid="setup-kept-backups"]')).toContain(backupName);
    await atSmallScreen('center-recovery-restore');
    await k.page.click(`[data-testid="setup-kept-backups"] [data-action="use-kept"]:has-text("${backupName}")`);
    await k.page.fill('[data-testid="backup-code"]', code);
    await k.page.click('[data-testid="backup-preview"]');
    await k.page.waitForSelector('[data-testid="backup-plan"]', { timeout: 60_000 });
    await k.page.click('[data-testid="backup-restore-go"]');
    await k.page.waitForSelector('[data-testid="kiosk-home"]', { timeout: 120_000 });
    await signIn('陈老师', '2580');
    await rm(saved, { recursive: true, force: true });
  }, 400_000);

  it('the join card opens from the recovery page with the center code filled in, and no other card', async () => {
    await k.context.close();
    await rm(idbFolder(), { recursive: true, force: true });
    await k.restart();
    expect(await start()).toBe('recovery');
    await k.page.click('[data-testid="recovery-join"]');
    await k.page.waitForSelector('[data-testid="setup-join"]');
    expect(await k.page.inputValue('input[name="joinCenter"]')).toBe('demo-qingshan');
    expect(await k.page.$('[data-testid="setup-restore"]')).toBeNull();
    expect(await k.page.$('[data-testid="setup-form"]')).toBeNull();
    await k.page.click('[data-testid="setup-recover-back"]');
    await k.page.waitForSelector('[data-testid="center-recovery"]');
  });
});
