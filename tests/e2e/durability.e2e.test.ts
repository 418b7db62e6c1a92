/**
 * Kill and reload (issue 13): thousands of check-ins and edits made in the
 * register while the page is reloaded or Chromium's browser process is killed
 * (SIGKILL, by its process id) at random points. Starts: a static server for
 * dist/renderer and headless Chromium on one profile folder, relaunched after
 * every kill.
 *
 * A write counts as acknowledged when the screen shows it (the 已标记 N 人到
 * message and the counts, or the row's button turned on). At the end every
 * acknowledged mark is on screen for every day, each child is counted once a
 * day (ids are one per child per day: a duplicate would be a second row or a
 * count above the roster), and the admin's list of invalid documents is empty.
 * Counts are printed, not asserted against a time.
 */
import { cp, mkdir, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium, ROOT, SCREENSHOTS, typePin } from './harness';
import { startStaticServer } from '../../electron/static-server.mjs';

// 8 days × 120 children = 960 check-ins and 48 edits, about 130 s on a busy 2-core machine;
// DURABILITY_DAYS=12 made 1,440 check-ins and 72 edits in 201 s there.
const DAYS = Number(process.env.DURABILITY_DAYS ?? 8);
const EDITS_PER_DAY = 6;
/** Seeded, so a failing run can be replayed. */
let seed = Number(process.env.DURABILITY_SEED ?? 20261201);
/**
 * DURABILITY_KILLS (0–1, default 0): a share of the marks and edits followed by a kill on top of
 * the usual ones — for looping the test to find a rare start that does not find the center.
 */
const EXTRA_KILLS = Number(process.env.DURABILITY_KILLS ?? 0);
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

let server: { url: string; close(): Promise<void> };
let profileDir: string;
let context: BrowserContext;
let page: Page;
const counts = { checkIns: 0, edits: 0, reloads: 0, kills: 0, unacknowledgedLost: 0, startRetries: 0 };

/** Chromium's processes on our own profile (found by their --user-data-dir): pid and whether it is the main browser process (no --type=). */
async function profileProcesses(): Promise<{ pid: number; main: boolean }[]> {
  const found: { pid: number; main: boolean }[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmd = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    const args = cmd.split('\0');
    if (args.includes(`--user-data-dir=${profileDir}`)) found.push({ pid: Number(entry), main: !args.some((a) => a.startsWith('--type=')) });
  }
  return found;
}

async function browserPid(): Promise<number> {
  const main = (await profileProcesses()).find((p) => p.main);
  if (!main) throw new Error('Chromium process not found');
  return main.pid;
}

/**
 * Diagnostics for a start that does not find the center (README: the start after a kill that
 * showed first-run setup): the profile's IndexedDB files (name, size) as they were before the
 * last start and as they are now, and what the page's IndexedDB holds.
 */
async function idbFiles(): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full, `${rel}${entry.name}/`);
      else out.push(`${rel}${entry.name} ${(await stat(full).catch(() => null))?.size ?? '?'}`);
    }
  };
  await walk(path.join(profileDir, 'Default', 'IndexedDB'), '');
  return out;
}
let filesBeforeStart: string[] = [];
/** The LevelDB logs of the origin's IndexedDB (what LevelDB said when it opened, recovered or compacted). */
async function leveldbLog(): Promise<string> {
  const root = path.join(profileDir, 'Default', 'IndexedDB');
  const out: string[] = [];
  for (const dir of await readdir(root).catch(() => [] as string[])) {
    for (const name of ['LOG.old', 'LOG']) {
      const text = await readFile(path.join(root, dir, name), 'utf8').catch(() => null);
      if (text !== null) out.push(`--- ${dir}/${name}\n${text.split('\n').slice(-25).join('\n')}`);
    }
  }
  return out.join('\n');
}
/** The device id the Dexie settings row had after setup: a different one later means the row (or its database) was made anew. */
let deviceIdAtSetup = '';

/** What the page's IndexedDB holds now: each database, its stores' counts, the Dexie settings row and the center document. */
function storeState(): Promise<unknown> {
  return page.evaluate(async () => {
    const open = (name: string) =>
      new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(name);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error ?? new Error('open failed'));
      });
    const ask = <T,>(req: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error ?? new Error('request failed'));
      });
    const dbs = await indexedDB.databases();
    const result: Record<string, unknown> = { databases: dbs.map((d) => `${d.name}@${d.version}`) };
    for (const d of dbs) {
      if (!d.name) continue;
      try {
        const db = await open(d.name);
        const stores: Record<string, unknown> = {};
        const names = [...db.objectStoreNames];
        if (names.length) {
          const tx = db.transaction(names, 'readonly');
          for (const n of names) stores[n] = await ask(tx.objectStore(n).count());
          if (names.includes('kv')) {
            const row = (await ask(tx.objectStore('kv').get('settings'))) as { value?: { deviceId?: string; centerId?: string | null } } | undefined;
            stores['settingsRow'] = row ? { deviceId: row.value?.deviceId, centerId: row.value?.centerId } : 'absent';
          }
          if (names.includes('docs')) stores['centerDoc'] = (await ask(tx.objectStore('docs').get('center:demo-qingshan'))) ? 'present' : 'absent';
        }
        db.close();
        result[d.name] = stores;
      } catch (e) {
        result[d.name] = `not opened: ${String(e)}`;
      }
    }
    return result;
  });
}

/** The page's last console warnings and errors, said when a start fails. */
const consoleTail: string[] = [];

async function launch() {
  context = await launchChromium(profileDir);
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => {
    if (m.type() !== 'error' && m.type() !== 'warning') return;
    consoleTail.push(`${m.type()}: ${m.text().slice(0, 300)}`);
    if (consoleTail.length > 20) consoleTail.shift();
  });
  page.on('pageerror', (e) => consoleTail.push(`page error: ${e.message.slice(0, 300)}`));
}

async function kill() {
  const pid = await browserPid();
  process.kill(pid, 'SIGKILL');
  await context.close().catch(() => {});
  counts.kills++;
  // A kiosk that lost power starts with none of its processes left. Here the killed browser's
  // helpers (renderer, storage, GPU) notice it is gone a moment later, and one that still holds
  // the profile's IndexedDB files would make the next start's database open fail: wait them out.
  for (let waited = 0; (await profileProcesses()).length > 0; waited += 100) {
    if (waited >= 15_000) {
      for (const p of await profileProcesses()) process.kill(p.pid, 'SIGKILL');
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  filesBeforeStart = await idbFiles();
  // The profile's IndexedDB as this start finds it, kept until the next start: a start that fails
  // leaves it in test-results/ to be opened again by itself (does the same copy fail every time?).
  await rm(`${profileDir}-idb-before-start`, { recursive: true, force: true });
  await cp(path.join(profileDir, 'Default', 'IndexedDB'), `${profileDir}-idb-before-start`, { recursive: true }).catch(() => {});
  await launch();
}

/** After a start or a reload: unlock staff mode and open the register on `date`. */
async function openRegister(date: string) {
  await page.goto(`${server.url}#/unlock`);
  const names = await page.waitForSelector('[data-testid="staff-陈老师"]', { timeout: 30_000 }).then(
    () => true,
    () => false,
  );
  if (!names) {
    // Say what the screen showed instead of the sign-in names (a start that failed says why in
    // words), then start the page once more: a start that needs this is counted and printed
    // (startRetries), and a second failure fails the test.
    await page.screenshot({ path: path.join(SCREENSHOTS, `durability-unlock-failed-${counts.startRetries}.png`) }).catch(() => {});
    const text = await page.evaluate(() => document.body?.innerText ?? '').catch(() => '(no page)');
    const state = await storeState().catch((e: unknown) => `not read: ${String(e)}`);
    const said =
      `the sign-in names did not appear after a start; the screen said: ${text.slice(0, 500)}\nconsole:\n${consoleTail.join('\n')}` +
      `\nstores now: ${JSON.stringify(state)} (device id at setup ${deviceIdAtSetup})` +
      `\nIndexedDB files before this start:\n  ${filesBeforeStart.join('\n  ')}\nIndexedDB files now:\n  ${(await idbFiles()).join('\n  ')}` +
      `\nLevelDB LOG now:\n${await leveldbLog()}`;
    const kept = path.join(ROOT, 'test-results', `durability-idb-before-failed-start-${Date.now()}`);
    await mkdir(kept, { recursive: true });
    await cp(`${profileDir}-idb-before-start`, kept, { recursive: true }).catch(() => {});
    console.error(`[durability] the IndexedDB folder as this start found it is kept in ${kept}`);
    console.error(`[durability] ${said}`);
    counts.startRetries++;
    await page.reload();
    await page.waitForSelector('[data-testid="staff-陈老师"]', { timeout: 30_000 }).catch((e: unknown) => {
      throw new Error(`${said}\n(and again after a reload)`, { cause: e });
    });
  }
  await page.click('[data-testid="staff-陈老师"]');
  await typePin(page, '2580');
  await page.waitForURL((u) => u.hash.startsWith('#/staff'), { timeout: 20_000 });
  await page.goto(`${server.url}#/staff/register`);
  await setDate(date);
}

/** The register already open: switch to `date` and wait for its rows. */
async function setDate(date: string) {
  await page.waitForSelector('[data-testid="register-rows"] li');
  await page.fill('[data-testid="register-date"]', date);
  // The rows say which day's records they show (data-date): never read the previous day's.
  await page.waitForSelector(`[data-testid="register-rows"][data-date="${date}"]`, { timeout: 20_000 });
}

/**
 * What the screen shows for the day: row key → status ('' when unmarked). Two
 * demo children may share a name, so a row is keyed by its place in the
 * roster's order (the same on every load) and its name.
 */
async function shown(): Promise<Map<string, string>> {
  await page.waitForSelector('[data-testid="register-rows"] li');
  const rows = await page.$$eval('[data-testid="register-rows"] li', (lis) => lis.map((li, i) => [`${i + 1}:${li.getAttribute('data-child') ?? ''}`, li.querySelector('.seg button.on')?.getAttribute('data-status') ?? '']));
  return new Map(rows as [string, string][]);
}
const rowOf = (key: string) => page.locator(`[data-testid="register-rows"] li:nth-child(${key.split(':')[0]})`);

/** The day is fully marked (true once its mark-all was acknowledged; edits never unmark): also tells the date's records are loaded. */
const allMarked = (timeout = 20_000) => page.waitForFunction(() => /未点名 0 /.test(document.querySelector('[data-testid="register-counts"]')?.textContent ?? ''), undefined, { timeout });

const day = (i: number) => `2027-03-${String(i + 1).padStart(2, '0')}`;

beforeAll(async () => {
  // DURABILITY_DIST: another build folder (a loop of runs can go on while dist/ is rebuilt).
  server = await startStaticServer(process.env.DURABILITY_DIST ?? path.join(ROOT, 'dist', 'renderer'), 0);
  profileDir = await mkdtemp(path.join(tmpdir(), 'tongxin-durability-'));
  await launch();
  await page.goto(`${server.url}#/setup?demo=1`);
  await page.waitForSelector('[data-testid="kiosk-home"]', { timeout: 120_000 });
  const state = (await storeState()) as Record<string, { settingsRow?: { deviceId?: string } }>;
  deviceIdAtSetup = state['tongxin-device']?.settingsRow?.deviceId ?? '(not read)';
  console.log(`[durability] after setup: ${JSON.stringify(state)}`);
});
afterAll(async () => {
  await context?.close().catch(() => {});
  await server?.close();
  if (profileDir) await rm(profileDir, { recursive: true, force: true });
  if (profileDir) await rm(`${profileDir}-idb-before-start`, { recursive: true, force: true });
});

describe('kill and reload', () => {
  it('every acknowledged check-in and edit survives reloads and killed browsers; no duplicates, no invalid documents', async () => {
    /** Acknowledged marks: date → child → status. */
    const acked = new Map<string, Map<string, string>>();
    const started = Date.now();
    let roster = 0;
    for (let i = 0; i < DAYS; i++) {
      const date = day(i);
      const mine = new Map<string, string>();
      acked.set(date, mine);
      if (i === 0) await openRegister(date);
      else await setDate(date);
      const disrupt = rand();
      const extraKill = disrupt >= 0.15 && EXTRA_KILLS > 0 && rand() < EXTRA_KILLS;
      await page.click('[data-testid="register-mark-all"]');
      if (disrupt < 0.15 || extraKill) {
        // Before the acknowledgement: whatever happened to this write, the page starts again.
        if (disrupt < 0.08 && !extraKill) {
          await page.reload();
          counts.reloads++;
        } else await kill();
        await openRegister(date);
        // The unacknowledged write either all landed (one bulk write) or not at all; mark-all marks only who is unmarked.
        if (!(await allMarked(5_000).then(() => true, () => false))) {
          counts.unacknowledgedLost++;
          await page.click('[data-testid="register-mark-all"]');
        }
      }
      await allMarked();
      const marked = await shown();
      roster = marked.size;
      for (const [child, status] of marked) mine.set(child, status);
      counts.checkIns += [...marked.values()].filter((s) => s === 'present').length;

      for (let e = 0; e < EDITS_PER_DAY; e++) {
        const names = [...mine.keys()];
        const child = names[Math.floor(rand() * names.length)]!;
        const status = (['absent', 'excused', 'present'] as const)[Math.floor(rand() * 3)]!;
        const row = rowOf(child);
        await row.locator(`button[data-status="${status}"]`).click();
        const r = rand();
        if (r < 0.03) {
          // Killed right after the tap, before the screen could say anything: not acknowledged.
          await kill();
          await openRegister(date);
          await allMarked();
          mine.set(child, (await shown()).get(child) ?? '');
          continue;
        }
        await row.locator(`button[data-status="${status}"].on`).waitFor({ timeout: 10_000 });
        mine.set(child, status);
        counts.edits++;
        const extraAfter = r >= 0.08 && EXTRA_KILLS > 0 && rand() < EXTRA_KILLS;
        if (r < 0.08 || extraAfter) {
          // Killed or reloaded after the acknowledgement: the edit must be there.
          if (r < 0.06 || extraAfter) await kill();
          else {
            await page.reload();
            counts.reloads++;
          }
          await openRegister(date);
          await allMarked();
          expect((await shown()).get(child), `${date} ${child} after a ${r < 0.06 || extraAfter ? 'kill' : 'reload'}`).toBe(status);
        }
      }
    }

    // Afterwards: one last kill, then every day as acknowledged.
    await kill();
    let checked = 0;
    let first = true;
    for (const [date, mine] of acked) {
      if (first) await openRegister(date);
      else await setDate(date);
      first = false;
      await allMarked();
      const now = await shown();
      expect(now.size, `${date}: one row per child`).toBe(roster);
      for (const [child, status] of mine) expect(now.get(child), `${date} ${child}`).toBe(status);
      const countsText = (await page.textContent('[data-testid="register-counts"]')) ?? '';
      const [present, absent, excused] = [/到 (\d+)/, /缺 (\d+)/, /请假 (\d+)/].map((re) => Number(countsText.match(re)?.[1] ?? -1));
      expect(present! + absent! + excused!, `${date}: each child counted once`).toBe(roster);
      checked += mine.size;
    }
    await page.goto(`${server.url}#/staff/settings`);
    await page.click('[data-tab="audit"]');
    expect(await page.textContent('main')).not.toContain('格式不对');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'durability-end.png') });
    console.log(`[durability] ${JSON.stringify({ days: DAYS, roster, ...counts, marksChecked: checked, seconds: Math.round((Date.now() - started) / 1000) })}`);
    expect(counts.kills).toBeGreaterThan(0);
  }, 400_000);
});
