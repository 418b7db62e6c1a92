/**
 * Coordinator mode in Chromium against the county's trial server (pouchdb-server
 * on a free loopback port, provisioned with CORS for this page's origin): two
 * centers' generated records and tallies written to their center databases,
 * copied into the county database; a coordinator signs in from the first-run
 * screen (bad accounts refused in words), goes through every section and the
 * filters, exports CSV and XLSX (opened and checked), prints the monthly report
 * to PDF (every row checked with pdftotext, every page rendered to PNG), locks
 * and unlocks, and reads the cached results offline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { openKiosk, SCREENSHOTS, type Kiosk } from './harness';
import { startCountyServer, until, type CountyServer } from '../integration/countyServer';
import { couch, ensureDatabase, ensureUser } from '../../sync/couchdb/admin';
import { COUNTY_SELECTOR, COUNTY_VIEWS } from '../../sync/couchdb/ddocs';
import { massageSelector, matchesSelector } from 'pouchdb-selector-core';
import { parseCountyFile, provision } from '../../sync/couchdb/provision';
import { demoDocuments, generateDemoCenter } from '../../renderer/src/domain/demo';
import { centerTally } from '../../renderer/src/domain/county/centerTally';
import { moodTalliesOf } from '../../renderer/src/domain/county/moodTally';
import { encodeGbk } from '../gbk';
import { SERVICE_TYPES } from '../../sync/schema/vocab';
import { ids, newUlid } from '../../sync/schema/ids';

const pinHash = { alg: 'PBKDF2-SHA256', iterations: 10_000, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=' } as const;
const PERIOD = '2026-11';
const TO = '2026-11-30';
let kiosk: Kiosk;
let server: CountyServer;
let coordPassword: string;
let barePassword: string;
let syncUser: { name: string; password: string };
const names: string[] = [];
let expectedCopy = 0;

beforeAll(async () => {
  kiosk = await openKiosk();
  server = await startCountyServer();
  const origin = new URL(kiosk.url).origin;
  const report = await provision(server.admin, parseCountyFile(JSON.stringify({
    county: { id: 'yunxi', name: '云溪县' }, server: server.base, kioskOrigins: [origin],
    centers: [{ id: 'qingshan', name: '青山' }, { id: 'baiyun', name: '白云' }], coordinators: [{ name: 'coord-li' }],
  })));
  expect(report.errors).toEqual([]);
  const pw = (u: string) => report.credentials.find((c) => c.user === u)!.password;
  coordPassword = pw('coord-li');
  syncUser = { name: 'sync-qingshan', password: pw('sync-qingshan') };
  for (const [i, [id, township, name]] of ([['qingshan', '石桥镇', '青山村留守儿童之家'], ['baiyun', '云岭乡', '白云村儿童之家']] as const).entries()) {
    const demo = generateDemoCenter({ centerId: id, seed: 21 + i, children: 14, from: '2026-11-02', to: TO, deviceId: `k-${id}`, pinHash, name });
    const center = { ...demo.center, township };
    names.push(...demo.privates.map((p) => p.fullName));
    // 青山 also holds one session of each service type the demo leaves out, so the county uses them all,
    // as a real one does: the widest tables of the printed report (a column per service type).
    const unused = i === 0 ? SERVICE_TYPES.filter((t) => !demo.activities.some((a) => a.serviceType === t)) : [];
    const activities = [...demo.activities, ...unused.map((serviceType, k) => ({ ...demo.activities[k]!, _id: ids.activity(newUlid(Date.parse(`${demo.activities[k]!.date}T12:00:00Z`))), serviceType }))];
    const records = { center, children: demo.children, consents: demo.consents, staff: demo.staff, followups: [], days: demo.days, attendance: demo.attendance, activities };
    const tallies = [PERIOD, '2026-autumn', '2026'].map((p) => centerTally(records, p, TO, `k-${id}`, `${TO}T18:00:00+08:00`));
    // The months' mood tallies, as the kiosk writes them (app/countyTallies.ts): the wellbeing chart reads these.
    const docs = [...demoDocuments({ ...demo, activities, center }).filter((d) => d.type !== 'day'), ...tallies, ...moodTalliesOf(demo.moods, id, `k-${id}`, `${TO}T18:00:00+08:00`)];
    expectedCopy += docs.filter((x) => matchesSelector(x, massageSelector(COUNTY_SELECTOR))).length;
    const res = await couch({ base: server.base, username: `sync-${id}`, password: pw(`sync-${id}`) }, 'POST', `center_${id}/_bulk_docs`, { docs });
    expect((res.json as unknown as { error?: string }[]).filter((r) => r.error)).toEqual([]);
  }
  // Wait until the county copy holds every document the county rule passes (plus its design document), then build the views once.
  console.error(`county e2e: ${expectedCopy} documents written, waiting for the county copy`);
  await until(async () => Number((await couch(server.admin, 'GET', 'county_yunxi')).json.doc_count) === expectedCopy + 1, 600_000);
  console.error('county e2e: copied; building the views');
  for (const view of COUNTY_VIEWS) await couch(server.admin, 'GET', `county_yunxi/_design/county/_view/${view}?limit=1`);
  await ensureDatabase(server.admin, 'county_bare');
  barePassword = (await ensureUser(server.admin, 'coord-bare', ['coordinator:bare'])).password!;
}, 900_000);
afterAll(async () => {
  await kiosk?.close();
  await server?.stop();
});

/** A register file's rows (name, birth date, ID number, township, village, group): six valid, one with an impossible date. */
const REGISTER = [
  ['赵一鸣', '2016-02-03', '', '石桥镇', '青山村', '流动儿童'],
  ['钱二丫', '', '11010519491231002X', '石桥镇', '青山村', '父母都外出'],
  ['孙三宝', '2015/7/9', '', '石桥镇', '青山村', '父亲外出'],
  ['李四妹', '2017-01-20', '', '石桥镇', '青山村', '母亲外出'],
  ['周五福', '2014-12-01', '', '石桥镇', '青山村', '其他'],
  ['郑七星', '2015-05-05', '', '云岭乡', '白云村', '流动'],
  ['吴六顺', '2014-13-01', '', '云岭乡', '白云村', '其他'],
];

const arrayBuffer = (b: { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

async function connectAs(username: string, password: string) {
  const { page } = kiosk;
  await page.fill('input[name="countyUrl"]', server.base);
  await page.fill('input[name="countyUser"]', username);
  await page.fill('input[name="countyPassword"]', password);
  await page.click('[data-testid="county-connect-go"]');
}

/**
 * How the tables matching `selector` are laid out: for each, its right edge, the most lines any header or row
 * name takes, and every place a line break splits a word (two Han characters, or two letters or digits, on
 * either side of a break with no space between them).
 */
async function tableLayout(page: Kiosk['page'], selector: string) {
  return page.$$eval(selector, (tables) => {
    const han = /\p{Script=Han}/u;
    const letter = /[A-Za-z0-9]/;
    return tables.map((table) => {
      const splits: string[] = [];
      let lines = 0;
      for (const th of table.querySelectorAll('th')) {
        // Each character's line (its top); a line break between two characters of one word splits the word.
        const chars: { ch: string; top: number }[] = [];
        const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode())
          for (let i = 0; i < n.textContent!.length; i++) {
            const range = document.createRange();
            range.setStart(n, i);
            range.setEnd(n, i + 1);
            chars.push({ ch: n.textContent![i]!, top: Math.round(range.getBoundingClientRect().top) });
          }
        lines = Math.max(lines, new Set(chars.filter((c) => c.ch.trim() !== '').map((c) => c.top)).size);
        for (let i = 1; i < chars.length; i++) {
          const [a, b] = [chars[i - 1]!, chars[i]!];
          if (a.ch.trim() === '' || b.ch.trim() === '' || a.top === b.top) continue;
          if ((han.test(a.ch) && han.test(b.ch)) || (letter.test(a.ch) && letter.test(b.ch))) splits.push(`${th.textContent!.trim()}: ${a.ch}|${b.ch}`);
        }
      }
      return { id: (table as HTMLElement).dataset.table ?? '', right: table.getBoundingClientRect().right, splits, lines };
    });
  });
}

/**
 * Under print media, each table of the report at its page's printable width (A4 portrait 186 mm = 703 px;
 * the appendix's landscape 273 mm = 1032 px): no wider than the page, no header or row name split inside a
 * word, at most `maxLines` lines to a header. Leaves the viewport as it found it (and the print media on).
 */
async function expectPaperLayout(page: Kiosk['page'], maxLines: number) {
  const viewport = page.viewportSize()!;
  for (const [orientation, width] of [['portrait', 703], ['landscape', 1032]] as const) {
    await page.setViewportSize({ width, height: 800 });
    const laidOut = await tableLayout(page, `.county-report .report-table${orientation === 'landscape' ? '.wide' : ':not(.wide)'} table`);
    expect(laidOut.length, orientation).toBeGreaterThan(0);
    for (const t of laidOut) {
      expect(t.splits, `${t.id} (${orientation})`).toEqual([]);
      expect(t.right, `${t.id} (${orientation})`).toBeLessThanOrEqual(width + 0.5);
      expect(t.lines, `${t.id} (${orientation})`).toBeLessThanOrEqual(maxLines);
    }
  }
  await page.setViewportSize(viewport);
}

describe('coordinator mode', () => {
  it('refuses a wrong password, a center account and a server without the county views, in words', async () => {
    const { page } = kiosk;
    await page.goto(`${kiosk.url}#/setup`);
    await page.waitForSelector('[data-testid="setup-coordinator"]');
    // The three kinds of start are on the first screen, the coordinator's named; its button brings the form into view.
    for (const [width, height] of [[1024, 600], [1366, 768], [1920, 1080]] as const) {
      await page.setViewportSize({ width, height });
      await page.evaluate(() => window.scrollTo(0, 0));
      const box = (await page.locator('[data-testid="setup-start-coordinator"]').boundingBox())!;
      expect(box.y + box.height, `${width}x${height}`).toBeLessThan(height);
      expect(box.height).toBeGreaterThanOrEqual(47.5);
      await kiosk.screenshot(`county-setup-starts-${width}x${height}`);
    }
    await page.setViewportSize({ width: 1366, height: 768 });
    expect(await page.textContent('[data-testid="setup-starts"]')).toContain('县级协调员');
    await page.click('[data-testid="setup-start-coordinator"]');
    // The card is last on the page: it comes into view (as far up as the page scrolls).
    await expect.poll(() => page.locator('[data-testid="setup-coordinator"] h2').evaluate((e) => e.getBoundingClientRect().top)).toBeLessThan(768 - 200);
    expect(await page.locator('[data-testid="setup-coordinator"] h2').evaluate((e) => e.getBoundingClientRect().top)).toBeGreaterThanOrEqual(0);
    await kiosk.screenshot('county-setup-coordinator-1366x768');
    // Empty fields: the button says what is missing, not only greyed out.
    expect(await page.textContent('[data-testid="county-connect-missing"]')).toContain('还没有填写：服务器地址、协调员账号、密码');
    // A malformed address and a server that is not there: our words, never the browser's.
    await page.fill('input[name="countyUrl"]', 'not a url');
    await page.fill('input[name="countyUser"]', 'coord-li');
    expect(await page.textContent('[data-testid="county-connect-missing"]')).toBe('还没有填写：密码。');
    await page.fill('input[name="countyPassword"]', 'x');
    await page.click('[data-testid="county-connect-go"]');
    await expect.poll(() => page.textContent('[data-testid="county-verdict"]')).toContain('服务器地址写得不对');
    await page.fill('input[name="countyUrl"]', 'http://127.0.0.1:9');
    await page.click('[data-testid="county-connect-go"]');
    await expect.poll(() => page.textContent('[data-testid="county-verdict"]')).toContain('连不上服务器。请检查');
    expect(await page.textContent('[data-testid="county-verdict"]')).not.toMatch(/Failed|fetch|not a url|TypeError/);
    await connectAs('coord-li', 'not-the-password');
    await expect.poll(() => page.textContent('[data-testid="county-verdict"]')).toContain('账号或密码不对');
    await connectAs(syncUser.name, syncUser.password);
    await expect.poll(() => page.textContent('[data-testid="county-verdict"]')).toContain('这是站点的同步账号');
    await connectAs('coord-bare', barePassword);
    await expect.poll(() => page.textContent('[data-testid="county-verdict"]')).toContain('还没有为本县开通统计看板');
    expect(await page.textContent('[data-testid="county-verdict"]')).not.toMatch(/npm|provision|county_/);
    await page.locator('[data-testid="setup-coordinator"]').scrollIntoViewIfNeeded();
    await kiosk.screenshot('county-setup-refused');
    // Nothing changed: still the first-run screen, no coordinator kept.
    expect(page.url()).toContain('#/setup');
  });

  it('signs in and shows every section for a month, with "数据截至" and "<5" for small counts', async () => {
    const { page } = kiosk;
    await connectAs('coord-li', coordPassword);
    await page.waitForSelector('[data-testid="county-dashboard"]', { timeout: 30_000 });
    // The title names the county as the centers wrote it, never its id; the sign-in says where the password is kept.
    expect(await page.textContent('[data-testid="county-title"]')).toContain('云溪县');
    expect(await page.textContent('[data-testid="county-title"]')).not.toContain('yunxi');
    expect(await page.textContent('[data-testid="county-connected"]')).toMatch(/密码.*(系统密钥库|浏览器数据)/);
    await page.click('[data-testid="county-connected-ok"]');
    expect(await page.locator('[data-testid="county-connected"]').count()).toBe(0);
    // Opened without a period early in a month with no session yet (the data ends with TO): it lands on the newest month with data and says so.
    const thisMonth = new Date().toISOString().slice(0, 7);
    if (thisMonth === '2026-12' || thisMonth === '2027-01') {
      await page.waitForSelector(`[data-testid="county-dashboard"][data-drawn^="${PERIOD}|"]`, { timeout: 60_000 });
      expect(await page.inputValue('select[name="period"]')).toBe(PERIOD);
      expect(await page.textContent('[data-testid="county-landed"]')).toContain('还没有服务记录');
      expect(await page.textContent('[data-testid="county-shown"]')).toContain('显示：');
      await kiosk.screenshot('county-landed-1366x768');
    }
    await page.selectOption('select[name="period"]', PERIOD);
    await page.waitForSelector(`[data-testid="county-dashboard"][data-drawn^="${PERIOD}|"]`, { timeout: 60_000 });
    expect(await page.textContent('[data-testid="county-as-of"]')).toMatch(/数据截至 \d{4}/);
    for (const s of ['activity', 'reach', 'mix', 'resources', 'coordination', 'continuity', 'wellbeing', 'freshness']) {
      await page.click(`[data-testid="county-tab-${s}"]`);
      await page.waitForSelector(`[data-testid="county-dashboard"][data-drawn$="|${s}"]`);
      const tables = page.locator('.county-table');
      expect(await tables.count(), s).toBeGreaterThan(0);
      await kiosk.screenshot(`county-${s}-1366`);
    }
    await page.click('[data-testid="county-tab-activity"]');
    const sessions = page.locator('[data-testid="county-table-activity-sessions"] tbody tr');
    expect(await sessions.count()).toBe(2);
    // Small counts never appear as 1–4 in a table of children.
    const reach = await page.locator('[data-testid="county-table-activity-attendances"] td').allTextContents();
    expect(reach.every((c) => !/^[1-4]$/.test(c.trim()))).toBe(true);
    await page.setViewportSize({ width: 1920, height: 1080 });
    await kiosk.screenshot('county-activity-1920');
    await page.click('[data-testid="county-tab-reach"]');
    await kiosk.screenshot('county-reach-1920');
    await page.setViewportSize({ width: 1366, height: 768 });
  });

  it('filters by township, center and group', async () => {
    const { page } = kiosk;
    await page.click('[data-testid="county-tab-activity"]');
    // Filters work on the rows already read: changing one asks the server nothing (the page is not remounted).
    let asked = 0;
    const count = (r: { url(): string }) => void (r.url().startsWith(server.base) && asked++);
    page.on('request', count);
    await page.selectOption('select[name="township"]', '云岭乡');
    await expect.poll(() => page.locator('[data-testid="county-table-activity-sessions"] tbody tr').count()).toBe(1);
    await page.waitForTimeout(500);
    page.off('request', count);
    expect(asked).toBe(0);
    expect(await page.textContent('[data-testid="county-table-activity-sessions"] tbody')).toContain('白云村儿童之家');
    await page.selectOption('select[name="township"]', '');
    await page.selectOption('select[name="center"]', 'qingshan');
    await expect.poll(() => page.textContent('[data-testid="county-table-activity-sessions"] tbody')).toContain('青山村留守儿童之家');
    expect(await page.locator('[data-testid="county-table-activity-sessions"] tbody tr').count()).toBe(1);
    await page.selectOption('select[name="center"]', '');
    await page.click('[data-testid="county-tab-reach"]');
    await page.selectOption('select[name="group"]', 'migrant');
    await expect.poll(() => page.locator('[data-testid="county-table-reach-regular"] tbody tr').count()).toBe(1);
    expect(await page.textContent('[data-testid="county-table-reach-regular"] tbody')).toContain('流动儿童');
    await kiosk.screenshot('county-filter-migrant');
    await page.selectOption('select[name="group"]', 'all');
    // A term reads the term's own tallies.
    await page.selectOption('select[name="periodKind"]', 'term');
    await page.waitForSelector('[data-testid="county-dashboard"][data-drawn^="2026-autumn|"]', { timeout: 60_000 });
    expect(await page.locator('[data-testid="county-table-reach-regular"] tbody tr').count()).toBe(6);
    await page.selectOption('select[name="periodKind"]', 'month');
    await page.selectOption('select[name="period"]', PERIOD);
    await page.waitForSelector(`[data-testid="county-dashboard"][data-drawn^="${PERIOD}|"]`, { timeout: 60_000 });
  });

  it('exports CSV and XLSX with Chinese headers and numbers as numbers', async () => {
    const { page } = kiosk;
    await page.click('[data-testid="county-tab-activity"]');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-csv-activity-sessions"]')]);
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);
    const text = await readFile((await csv.path())!, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).trim().split('\r\n');
    expect(lines[0]).toMatch(/^站点,/);
    expect(lines[0]).toContain('合计');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatch(/^合计,(\d+,)*\d+$/);
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-xlsx-activity-sessions"]')]);
    const { default: ExcelJS } = await import('exceljs');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(arrayBuffer(await readFile((await xlsx.path())!)));
    const sheet = book.worksheets[0]!;
    expect(sheet.getRow(1).getCell(1).value).toBe('站点');
    expect(typeof sheet.getRow(2).getCell(2).value).toBe('number');
    expect(String(sheet.getRow(4).getCell(1).value)).toBe('合计');
    // The whole report as one workbook: a sheet per table.
    const [all] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="county-export-all"]')]);
    const whole = new ExcelJS.Workbook();
    await whole.xlsx.load(arrayBuffer(await readFile((await all.path())!)));
    expect(whole.worksheets.length).toBeGreaterThanOrEqual(14);
    const bytes = await readFile((await all.path())!);
    for (const n of names.slice(0, 10)) expect(bytes.includes(Buffer.from(n))).toBe(false);
  });

  it('prints the monthly report: every row on A4 pages, headers repeated, page numbers', async () => {
    const { page } = kiosk;
    await page.click('[data-testid="county-print"]');
    await page.waitForSelector('[data-testid="county-report"][data-ready="true"]', { timeout: 60_000 });
    await page.waitForTimeout(300);
    const rows = await page.$$eval('.county-report tbody th', (ths) => ths.map((th) => th.textContent!.trim()));
    expect(rows.length).toBeGreaterThan(30);
    // Laid out for paper: each table as wide as its page's printable width (A4 portrait, 186 mm; a table too
    // wide for it is on a landscape page, 273 mm), every header and row name whole, broken only between words.
    const wide = await page.$$eval('.county-report .report-table.wide table', (ts) => ts.map((t) => (t as HTMLElement).dataset.table!));
    expect(wide, 'a column per service type: landscape').toEqual(expect.arrayContaining(['activity-sessions', 'activity-attendances']));
    expect(wide, 'the service mix by group fits a portrait page').not.toContain('mix-groups');
    await page.emulateMedia({ media: 'print' });
    await expectPaperLayout(page, 3);
    const out = path.join(SCREENSHOTS, '..', 'county-report');
    await mkdir(out, { recursive: true });
    const pdf = path.join(out, 'county-report.pdf');
    await writeFile(pdf, new Uint8Array(await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true })));
    await page.emulateMedia({ media: 'screen' });
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))![1]);
    expect(pages).toBeGreaterThan(1);
    // Each page's orientation and text: the wide tables are on landscape pages, the rest on portrait ones.
    const sizes = [...execFileSync('pdfinfo', ['-f', '1', '-l', String(pages), pdf], { encoding: 'utf8' }).matchAll(/Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)/g)].map((m) => (Number(m[1]) > Number(m[2]) ? 'landscape' : 'portrait'));
    expect(sizes).toHaveLength(pages);
    const pageText = Array.from({ length: pages }, (_, i) => execFileSync('pdftotext', ['-f', String(i + 1), '-l', String(i + 1), '-layout', pdf, '-'], { encoding: 'utf8' }));
    const pageOf = (needle: string) => pageText.findIndex((x) => x.replace(/\s+/g, '').includes(needle.replace(/\s+/g, '')));
    // The body reads on portrait pages: the first section starts on page 1, the wide tables' charts in place with
    // a pointer; the tables themselves are at the end, on landscape pages (附表).
    expect(sizes[0]).toBe('portrait');
    expect(pageOf('服务场次（按服务类型）')).toBe(0);
    expect(pageText[0]).toContain('附表 1（横向页）');
    expect(sizes[pageOf('附表 1　服务场次（按服务类型）')]).toBe('landscape');
    expect(sizes[pageOf('附表 2　服务人次（按服务类型）')]).toBe('landscape');
    expect(sizes[pageOf('各类儿童接受的服务（人次）')]).toBe('portrait');
    expect(sizes.slice(0, pageOf('附表 1　服务场次')).every((x) => x === 'portrait')).toBe(true);
    // The gap table: one column of centers (no Total column repeating it, no totals row), and its note on its page.
    const gaps = await page.$$eval('[data-testid="report-table-coordination-gaps"] thead th', (ths) => ths.map((th) => th.textContent!.trim()));
    expect(gaps).toEqual(['服务类型', '没有该服务的站点数']);
    expect(await page.locator('[data-testid="report-table-coordination-gaps"] tfoot').count()).toBe(0);
    const gapNote = pageOf('截至 2026-11 的最近 3 个月内没有一场该服务');
    expect(gapNote).toBeGreaterThanOrEqual(0);
    expect(pageText[gapNote]).toContain('没有该服务的站点数');
    // No note (a table's definition) starts a page away from its table.
    const notes = await page.$$eval('.county-report .report-table .note', (ps) => ps.map((p) => p.textContent!.replace(/\s+/g, '')));
    for (const [i, text] of pageText.entries()) {
      const first = text.replace(/\s+/g, '');
      expect(notes.filter((n) => first.startsWith(n.slice(0, 12))), `page ${i + 1}`).toEqual([]);
    }
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    for (const r of rows) expect(text, r).toContain(r.replace(/\s+/g, ' '));
    expect(text).toContain('2026-11');
    // Page numbers in the bottom margin of every page: 1/8 … 8/8.
    for (let n = 1; n <= pages; n++) expect(text).toMatch(new RegExp(`(^|\\s)${n}\\s*/\\s*${pages}(\\s|$)`));
    // The table header repeats on a page a long table continues on.
    expect(text.split('站点 · 月份 · 服务').length + text.split('服务类型').length).toBeGreaterThan(3);
    execFileSync('pdftoppm', ['-png', '-r', '60', pdf, path.join(SCREENSHOTS, 'county-report-page')]);
    await page.click('[data-testid="report-back"]');
    await page.waitForSelector('[data-testid="county-dashboard"]');
  });

  it('prints the report in English with the same care: words whole, every table within its page', async () => {
    const { page } = kiosk;
    await page.locator('.topbar .locale-toggle button', { hasText: 'English' }).click();
    await page.click('[data-testid="county-print"]');
    await page.waitForSelector('[data-testid="county-report"][data-ready="true"]', { timeout: 60_000 });
    expect(await page.textContent('[data-testid="county-report"]')).toContain('Appendix table 1');
    await page.emulateMedia({ media: 'print' });
    await expectPaperLayout(page, 8);
    const pdf = path.join(SCREENSHOTS, '..', 'county-report', 'county-report-en.pdf');
    await writeFile(pdf, new Uint8Array(await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true })));
    await page.emulateMedia({ media: 'screen' });
    execFileSync('pdftoppm', ['-png', '-r', '60', pdf, path.join(SCREENSHOTS, 'county-report-en-page')]);
    await page.click('[data-testid="report-back"]');
    await page.waitForSelector('[data-testid="county-dashboard"]');
    await page.locator('.topbar .locale-toggle button', { hasText: '简体中文' }).click();
    await expect.poll(() => page.textContent('[data-testid="county-title"]')).toContain('县级数据看板');
  });

  it('fits every view on a 1024×600 and a 1920×1080 screen: nothing cut off at the right, every button reachable', async () => {
    const { page } = kiosk;
    // The reach tab is not confused with coverage across providers (覆盖与重复).
    expect(await page.textContent('[data-testid="county-tab-reach"]')).toBe('服务人数');
    for (const [width, height] of [[1024, 600], [1920, 1080]] as const) {
    await page.setViewportSize({ width, height });
    for (const s of ['activity', 'reach', 'mix', 'resources', 'coordination', 'continuity', 'wellbeing', 'freshness', 'coverage']) {
      await page.locator(`[data-testid="county-tab-${s}"]`).scrollIntoViewIfNeeded();
      await page.click(`[data-testid="county-tab-${s}"]`);
      if (s !== 'coverage') await page.waitForSelector(`[data-testid="county-dashboard"][data-drawn$="|${s}"]`);
      else await page.waitForSelector('[data-testid="county-coverage"]');
      // The page never scrolls sideways, and no control of the top bar or the filters lies beyond the right edge.
      const overflow = await page.evaluate(() => {
        const wide = document.documentElement.scrollWidth - document.documentElement.clientWidth;
        const outside = [...document.querySelectorAll('.topbar button, .filters select, .county-table .exports button')]
          .filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > window.innerWidth + 0.5 || r.height < 47.5); })
          .map((e) => e.textContent?.trim());
        return { wide, outside };
      });
      expect(overflow, s).toEqual({ wide: 0, outside: [] });
      // The chrome leaves the data most of the screen: one row of top bar; at 600 px the filters fold to a line with a button.
      const chrome = await page.evaluate(() => ({
        topbar: document.querySelector('.topbar')!.getBoundingClientRect().height,
        tabsBottom: document.querySelector('.tabs')!.getBoundingClientRect().bottom + window.scrollY,
        filters: !!document.querySelector('[data-testid="county-filters"]') && getComputedStyle(document.querySelector('[data-testid="county-filters"]')!).display !== 'none',
      }));
      expect(chrome.topbar, s).toBeLessThan(80);
      if (height === 600) {
        expect(chrome.filters, s).toBe(false);
        expect(chrome.tabsBottom, s).toBeLessThan(190);
      }
      // The coverage tab counts the whole register: no filters that would do nothing there, and a word why.
      if (s === 'coverage') {
        expect(await page.locator('[data-testid="county-filters"]').count()).toBe(0);
        expect(await page.textContent('[data-testid="county-coverage-filters"]')).toContain('筛选对这一页不起作用');
      }
      await kiosk.screenshot(`county-${s}-${width}x${height}`);
    }
    }
    // On screen too, a header keeps its words whole: the table with a column per service type scrolls inside its card.
    await page.setViewportSize({ width: 1024, height: 600 });
    await page.click('[data-testid="county-tab-activity"]');
    await page.locator('[data-testid="county-table-activity-sessions"] table').scrollIntoViewIfNeeded();
    for (const t of await tableLayout(page, '.county-table table')) expect(t.splits).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
    await kiosk.screenshot('county-activity-table-1024x600');
    // At 600 px the folded filters open with their button, every control still 48 px.
    await page.setViewportSize({ width: 1024, height: 600 });
    await page.click('[data-testid="county-tab-activity"]');
    await page.click('[data-testid="county-filters-toggle"]');
    await page.waitForSelector('select[name="period"]', { state: 'visible' });
    expect(Math.min(...(await page.locator('.filters select, [data-testid="county-filters-toggle"]').evaluateAll((es) => es.map((e) => e.getBoundingClientRect().height))))).toBeGreaterThanOrEqual(47.5);
    await kiosk.screenshot('county-filters-open-1024x600');
    await page.click('[data-testid="county-filters-toggle"]');
    await page.setViewportSize({ width: 1366, height: 768 });
  });

  it('coverage: creates the county code, imports a GBK register (a malformed one refused in words), and shows who is enrolled nowhere', async () => {
    const { page } = kiosk;
    await page.click('[data-testid="county-tab-coverage"]');
    await page.waitForSelector('[data-testid="coverage-code"]');
    // A mistyped code is refused in words.
    await page.fill('input[name="coverageCode"]', 'ABCDE-12345');
    await page.click('[data-testid="coverage-code-save"]');
    expect(await page.textContent('[data-testid="coverage-code-problem"]')).toContain('不是有效的县覆盖码');
    await page.click('[data-testid="coverage-code-create"]');
    const code = (await page.textContent('[data-testid="coverage-code-created"]'))!.trim();
    expect(code).toMatch(/^([0-9A-Z]{5}-){4}[0-9A-Z]{5}$/);
    await kiosk.screenshot('county-coverage-code');
    await page.click('[data-testid="coverage-code-keep"]');
    await page.waitForSelector('[data-testid="coverage-register"]');
    // A file without a name column: refused in words, nothing kept.
    await page.setInputFiles('[data-testid="coverage-register-file"]', { name: '名册.csv', mimeType: 'text/csv', buffer: Buffer.from('编号,出生日期,村\r\n1,2015-01-01,青山村\r\n') });
    expect(await page.textContent('[data-testid="coverage-register-problem"]')).toContain('找不到“姓名”列');
    expect(await page.textContent('[data-testid="coverage-register-size"]')).toContain('0 名');
    const rows = ['姓名,出生日期,身份证号,乡镇,村,类别', ...REGISTER.map((r) => r.join(','))];
    await page.setInputFiles('[data-testid="coverage-register-file"]', { name: '名册.csv', mimeType: 'text/csv', buffer: Buffer.from(encodeGbk(rows.join('\r\n'))) });
    await expect.poll(() => page.textContent('[data-testid="coverage-register-preview"]')).toContain('6 行可以导入，1 行有问题');
    await kiosk.screenshot('county-coverage-preview');
    await page.click('[data-testid="coverage-register-add"]');
    await expect.poll(() => page.textContent('[data-testid="coverage-register-size"]')).toContain('6 名');
    // The same file again: each child is kept once, and the page says how many were already there.
    await page.setInputFiles('[data-testid="coverage-register-file"]', { name: '名册.csv', mimeType: 'text/csv', buffer: Buffer.from(encodeGbk(rows.join('\r\n'))) });
    await expect.poll(() => page.textContent('[data-testid="coverage-register-preview"]')).toContain('6 行可以导入');
    await page.click('[data-testid="coverage-register-add"]');
    await expect.poll(() => page.textContent('[data-testid="coverage-register-done"]')).toContain('6 名本机名册里已经有了');
    expect(await page.textContent('[data-testid="coverage-register-size"]')).toContain('本机名册：6 名');
    await page.waitForSelector('[data-testid="county-table-coverage"]');
    // No kiosk of this county has written keys: all six are enrolled nowhere, five in 青山村 (shown), one in 白云村 (<5).
    expect(await page.textContent('[data-testid="coverage-totals"]')).toContain('未在任何站点登记 6 名');
    const cells = await page.locator('[data-testid="county-table-coverage"] tbody td').allTextContents();
    expect(cells).toContain('<5');
    await kiosk.screenshot('county-coverage-table');
    await page.click('[data-testid="county-tab-activity"]');
    await page.waitForSelector(`[data-testid="county-dashboard"][data-drawn$="|activity"]`);
  });

  it('locks, refuses a wrong password, unlocks; and shows the cached results offline', async () => {
    const { page } = kiosk;
    await page.click('[data-testid="county-lock"]');
    await page.waitForSelector('[data-testid="county-unlock"]');
    await page.fill('input[name="unlockPassword"]', 'wrong');
    await page.click('[data-testid="county-unlock-go"]');
    await page.waitForSelector('[data-testid="county-unlock-wrong"]');
    await page.fill('input[name="unlockPassword"]', coordPassword);
    await page.click('[data-testid="county-unlock-go"]');
    await page.waitForSelector(`[data-testid="county-dashboard"][data-drawn^="${PERIOD}|"]`, { timeout: 60_000 });
    // The server goes away: the last results stay, with their date and an offline notice.
    await server.kill();
    await page.reload();
    await page.waitForSelector('[data-testid="county-unlock"]');
    await page.fill('input[name="unlockPassword"]', coordPassword);
    await page.click('[data-testid="county-unlock-go"]');
    await page.waitForSelector('[data-testid="county-offline"]', { timeout: 60_000 });
    expect(await page.textContent('[data-testid="county-as-of"]')).toContain('数据截至');
    // The notice itself says when the results shown were read.
    const asOf = (await page.textContent('[data-testid="county-as-of"]'))!.replace('数据截至', '').trim();
    expect(await page.textContent('[data-testid="county-problem"]')).toContain(`下面是 ${asOf} 读取`);
    expect(await page.locator('[data-testid="county-table-activity-sessions"] tbody tr').count()).toBe(2);
    // At 1366 px the notice says it in full, on the summary line: the top bar keeps to one row.
    expect(await page.locator('[data-testid="county-offline"]').innerText()).toBe('离线：显示的是上次保存的结果');
    expect(await page.evaluate(() => document.querySelector('.topbar')!.getBoundingClientRect().height)).toBeLessThan(80);
    await kiosk.screenshot('county-offline');
    await page.setViewportSize({ width: 1024, height: 600 });
    // With the notice showing, the title is whole at 1024×600 (no "…", nothing over it), in both languages; the
    // notice is still on screen, shortened beside the date (the banner says the rest).
    for (const locale of ['zh-CN', 'en'] as const) {
      if (locale === 'en') await page.locator('.topbar .locale-toggle button', { hasText: 'English' }).click();
      await expect.poll(() => page.textContent('[data-testid="county-title"]')).toContain(locale === 'en' ? 'County dashboard' : '县级数据看板');
      const fit = await page.evaluate(() => {
        const title = document.querySelector('[data-testid="county-title"]')!;
        const shown = [title, ...title.querySelectorAll('span')].filter((e) => getComputedStyle(e).display !== 'none');
        const box = title.getBoundingClientRect();
        const buttons = [...document.querySelectorAll('.topbar button')].map((b) => b.getBoundingClientRect());
        const notice = document.querySelector('[data-testid="county-offline"]')?.getBoundingClientRect();
        return {
          cut: shown.filter((e) => e.scrollWidth > e.clientWidth + 0.5).map((e) => e.textContent),
          inView: box.left >= 0 && box.top >= 0 && box.right <= window.innerWidth && box.bottom <= window.innerHeight,
          underButton: buttons.some((b) => b.left < box.right - 0.5 && b.right > box.left + 0.5 && b.top < box.bottom && b.bottom > box.top),
          buttonsInView: buttons.every((b) => b.right <= window.innerWidth + 0.5 && b.height >= 47.5),
          notice: !!notice && notice.width > 0 && notice.right <= window.innerWidth && notice.bottom <= window.innerHeight,
          // Every tab keeps its whole name (the row scrolls where they do not all fit).
          tabsCut: [...document.querySelectorAll('.tabs button')].filter((b) => b.scrollWidth > b.clientWidth + 0.5).map((b) => b.textContent),
        };
      });
      expect(fit, locale).toEqual({ cut: [], inView: true, underButton: false, buttonsInView: true, notice: true, tabsCut: [] });
      expect(await page.textContent('[data-testid="county-title"]')).toContain('云溪县');
      expect(await page.locator('[data-testid="county-offline"]').innerText()).toBe(locale === 'en' ? 'Offline' : '离线');
      await kiosk.screenshot(locale === 'en' ? 'county-offline-1024x600-en' : 'county-offline-1024x600');
    }
    await page.locator('.topbar .locale-toggle button', { hasText: '简体中文' }).click();
    await expect.poll(() => page.textContent('[data-testid="county-title"]')).toContain('县级数据看板');
    // A period never read on this device: no results to show, and the page says so instead of pointing at none.
    await page.click('[data-testid="county-filters-toggle"]');
    await page.selectOption('select[name="periodKind"]', 'year');
    await expect.poll(() => page.textContent('[data-testid="county-problem"]'), { timeout: 60_000 }).toContain('这台电脑上也还没有这个时段保存过的结果');
    expect(await page.locator('.county-table').count()).toBe(0);
    // …and no notice that claims saved results are shown.
    expect(await page.locator('[data-testid="county-offline"]').count()).toBe(0);
    await kiosk.screenshot('county-offline-nothing-saved-1024x600');
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.selectOption('select[name="periodKind"]', 'month');
    await page.selectOption('select[name="period"]', PERIOD);
    await page.waitForSelector('[data-testid="county-table-activity-sessions"]', { timeout: 60_000 });
    // What the device keeps names nobody.
    const stored = await page.evaluate(async () => {
      const open = (name: string) => new Promise<IDBDatabase>((res, rej) => { const r = indexedDB.open(name); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
      const out: unknown[] = [];
      for (const info of await indexedDB.databases()) {
        const db = await open(info.name!);
        for (const store of Array.from(db.objectStoreNames)) {
          const all = await new Promise<unknown[]>((res) => { const r = db.transaction(store).objectStore(store).getAll(); r.onsuccess = () => res(r.result as unknown[]); });
          out.push({ db: info.name, store, all });
        }
        db.close();
      }
      return JSON.stringify(out);
    });
    expect(stored).toContain('month_sessions'.length > 0 ? '2026-11' : '');
    for (const n of [...names, ...REGISTER.map((r) => r[0]!)]) expect(stored.includes(n), n).toBe(false);
    // The register's birth dates and ID number are not kept either: only keys, townships, villages and groups.
    for (const r of REGISTER) for (const v of [r[1], r[2]].filter(Boolean)) expect(stored.includes(v!), v).toBe(false);
    expect(stored).toContain('青山村');
    expect(stored).not.toMatch(/"fullName"|"birthMonth"|"phone"/);
    await server.start();
  });
});
