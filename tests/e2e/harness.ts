/**
 * End-to-end harness. Starts: a static server for dist/renderer on a free
 * loopback port, and headless Chromium (electron/chromium.mjs finds it; globalSetup.ts installs it)
 * with a fresh profile directory, driven by playwright-core. Nothing else.
 */
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStaticServer } from '../../electron/static-server.mjs';
import { findChromium, missingBrowserMessage } from '../../electron/chromium.mjs';
import { rawTextFindings, type RawTextFinding } from './rawText';
import { NOW } from './demoFixture';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Headless Chromium on a profile folder, at the kiosk's size, language and time zone. `locale`
 * null leaves the browser's language to Chromium's own (its `--lang`): a computer whose system
 * language is not Chinese (walk12).
 */
export function launchChromium(profileDir: string, extraArgs: readonly string[] = [], locale: string | null = 'zh-CN'): Promise<BrowserContext> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(missingBrowserMessage());
  return chromium.launchPersistentContext(profileDir, {
    executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    viewport: { width: 1366, height: 768 },
    ...(locale === null ? {} : { locale }),
    timezoneId: 'Asia/Shanghai',
  });
}

export interface Kiosk {
  readonly url: string;
  readonly profileDir: string;
  context: BrowserContext;
  page: Page;
  /** Closes Chromium and opens it again on the same profile (a restarted kiosk). */
  restart(): Promise<void>;
  close(): Promise<void>;
  screenshot(name: string): Promise<string>;
  /** Text that is legitimate on this kiosk's pages though it looks raw (e.g. a server address a test typed). */
  allowRawText(...allowed: (string | RegExp)[]): void;
  /** Checks the page now for raw error or code text (rawText.ts); what it finds is kept for checkRawText. */
  scanRawText(where: string): Promise<void>;
  /** The raw text found since the last call (and clears it). */
  takeRawText(): string[];
}

/** Every kiosk open now: the end-of-test check (rawTextHook.ts) looks at each. */
export const openKiosks = new Set<Kiosk>();

/**
 * `chromiumArgs`: flags one test needs on top of CHROMIUM_ARGS (e.g. the fake microphone of the family-message test);
 * `locale`: the browser's language (default zh-CN; null: Chromium's own, e.g. from `--lang=en-US`).
 */
export async function openKiosk(options: { profileDir?: string; chromiumArgs?: readonly string[]; locale?: string | null } = {}): Promise<Kiosk> {
  if (!existsSync(path.join(ROOT, 'dist', 'renderer', 'index.html'))) throw new Error('dist/renderer is missing: run `npm run build` first');
  const server = await startStaticServer(path.join(ROOT, 'dist', 'renderer'), 0);
  const profileDir = options.profileDir ?? (await mkdtemp(path.join(tmpdir(), 'tongxin-e2e-')));
  const launch = () => launchChromium(profileDir, options.chromiumArgs, options.locale === undefined ? 'zh-CN' : options.locale);
  const allowed: (string | RegExp)[] = [];
  const findings: string[] = [];
  const scan = async (page: Page, where: string) => {
    try {
      const { text, lang } = await page.evaluate(() => ({ text: document.body?.innerText ?? '', lang: document.documentElement.lang || 'zh-CN' }));
      for (const f of rawTextFindings(text, lang, allowed) as RawTextFinding[]) {
        const line = `${where}: ${f.kind} — “${f.excerpt}”`;
        if (!findings.includes(line)) findings.push(line);
      }
    } catch {
      // The page navigated away or closed meanwhile: the next check sees it.
    }
  };
  const attach = (page: Page) => {
    page.on('pageerror', (e) => console.error('[page error]', e.message));
    // After every navigation (hash routes included), once the page has had a moment to render.
    page.on('framenavigated', (frame) => {
      if (frame !== page.mainFrame()) return;
      const where = frame.url().replace(/^https?:\/\/[^/]+/, '');
      setTimeout(() => void scan(page, where), 700);
    });
  };
  let context = await launch();
  let page = context.pages()[0] ?? (await context.newPage());
  attach(page);
  await mkdir(SCREENSHOTS, { recursive: true });
  const kiosk: Kiosk = {
    url: server.url,
    profileDir,
    context,
    page,
    async restart() {
      await kiosk.context.close();
      context = await launch();
      page = context.pages()[0] ?? (await context.newPage());
      attach(page);
      kiosk.context = context;
      kiosk.page = page;
    },
    async close() {
      openKiosks.delete(kiosk);
      await kiosk.context.close();
      await server.close();
      if (!options.profileDir) await rm(profileDir, { recursive: true, force: true });
    },
    async screenshot(name) {
      const file = path.join(SCREENSHOTS, `${name}.png`);
      await kiosk.page.screenshot({ path: file });
      await scan(kiosk.page, `screenshot ${name}`);
      return file;
    },
    allowRawText(...more) {
      allowed.push(...more);
    },
    scanRawText(where) {
      return scan(kiosk.page, where);
    },
    takeRawText() {
      return findings.splice(0, findings.length);
    },
  };
  openKiosks.add(kiosk);
  return kiosk;
}

/** Types a PIN on the on-screen pad and confirms. */
export async function typePin(page: Page, pin: string): Promise<void> {
  for (const d of pin) await page.click(`.pinpad [data-key="${d}"]`);
  await page.click('.pinpad [data-key="ok"]');
}

/**
 * A kiosk on the demo center, generated for the fixture's day (demoFixture.ts: the page's clock is
 * fixed at NOW), waiting on the kiosk home; `viewport` for a smaller screen than the harness's.
 */
export async function openDemoKiosk(options: Parameters<typeof openKiosk>[0] & { viewport?: { width: number; height: number } } = {}): Promise<Kiosk> {
  const kiosk = await openKiosk(options);
  if (options.viewport) await kiosk.page.setViewportSize(options.viewport);
  await kiosk.page.clock.setFixedTime(new Date(NOW));
  await kiosk.page.goto(`${kiosk.url}#/setup?demo=1`);
  await kiosk.page.waitForSelector('[data-testid="kiosk-home"]', { timeout: 90_000 });
  return kiosk;
}

/**
 * From the kiosk home to the staff home as `name` (the demo center's PIN unless told): while a
 * child's request waits, the staff entry opens the waiting list first (safety.e2e.test.ts), so the
 * staff home is then opened by address.
 */
export async function unlockStaff(kiosk: Kiosk, name: string, pin = '2580'): Promise<void> {
  const { page } = kiosk;
  await page.goto(`${kiosk.url}#/kiosk`);
  await page.click('[data-testid="staff-entry"]');
  await page.click(`[data-testid="staff-${name}"]`);
  await typePin(page, pin);
  await page.waitForURL((u) => u.hash.startsWith('#/staff'), { timeout: 15_000 });
  if (!page.url().endsWith('#/staff')) await page.goto(`${kiosk.url}#/staff`);
  await page.waitForSelector('[data-testid="staff-home"]', { timeout: 15_000 });
}

/** Fills the first-run setup form for a new (non-demo) center and waits for the kiosk home. */
/** Creates a center from the setup screen; returns the recovery code it showed (issue 14), after ticking "written down". */
export async function createCenter(page: Page, c: { name: string; county: string; admin: string; pin: string; code?: string; township?: string; village?: string }): Promise<string> {
  await page.waitForSelector('[data-testid="setup-form"]');
  await page.fill('input[name="name"]', c.name);
  await page.fill('input[name="county"]', c.county);
  if (c.township) await page.fill('input[name="township"]', c.township);
  if (c.village) await page.fill('input[name="village"]', c.village);
  if (c.code) await page.fill('input[name="centerCode"]', c.code);
  await page.fill('input[name="adminName"]', c.admin);
  await page.fill('input[name="pin"]', c.pin);
  await page.fill('input[name="pinAgain"]', c.pin);
  await page.click('[data-testid="setup-create"]');
  const recoveryCode = await confirmRecoveryCode(page);
  await page.waitForSelector('[data-testid="kiosk-home"]');
  return recoveryCode;
}

/** The recovery code sheet (issue 14): reads the code, ticks "I have written it down" and goes on. */
export async function confirmRecoveryCode(page: Page): Promise<string> {
  await page.waitForSelector('[data-testid="recovery-code"]', { timeout: 30_000 });
  const code = (await page.textContent('[data-testid="recovery-code"]'))!.trim();
  await page.check('[data-testid="recovery-written"]');
  await page.click('[data-testid="recovery-done"]');
  return code;
}

/** Ids of every record in the kiosk's PouchDB (IndexedDB) whose stored form mentions `needle`. */
export async function recordsMentioning(page: Page, needle: string): Promise<string[]> {
  return page.evaluate(async (text) => {
    const names = (await indexedDB.databases()).map((d) => d.name!).filter((n) => n.includes('tongxin-center'));
    const hits: string[] = [];
    for (const name of names) {
      const db = await new Promise<IDBDatabase>((res, rej) => {
        const r = indexedDB.open(name);
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const rows = await new Promise<unknown[]>((res, rej) => {
          const r = db.transaction(store).objectStore(store).getAll();
          r.onsuccess = () => res(r.result);
          r.onerror = () => rej(r.error);
        });
        for (const row of rows) {
          const s = JSON.stringify(row);
          if (s.includes(text)) hits.push(String((row as { id?: string; _id?: string }).id ?? (row as { _id?: string })._id ?? store));
        }
      }
      db.close();
    }
    return hits;
  }, needle);
}
