/**
 * Roster import end to end: a GBK CSV as Chinese Excel saves it, previewed
 * with per-row problems, nothing written until confirmed; then found by
 * pinyin initials. A file that is not a roster is refused with the reason,
 * and so are a damaged .xlsx, a file too large and UTF-8 with a stray byte;
 * a Big5 file is read as Big5 and a plain 留守 is asked about. The roster
 * exported as CSV and XLSX is opened and checked: formula-like names stay text.
 * Starts: a static server and headless Chromium (harness.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCenter, openKiosk, typePin, type Kiosk } from './harness';
import { readFile } from 'node:fs/promises';
import { encodeBig5, encodeGbk } from '../gbk';

let kiosk: Kiosk;
beforeAll(async () => {
  kiosk = await openKiosk();
  const { page } = kiosk;
  await page.goto(kiosk.url);
  await createCenter(page, { name: '石桥村儿童之家', county: '云溪县', admin: '李站长', pin: '4826' });
  await page.click('[data-testid="staff-entry"]');
  await page.click('[data-testid="staff-李站长"]');
  await typePin(page, '4826');
  await page.waitForSelector('[data-testid="staff-home"]', { timeout: 15_000 });
});
afterAll(async () => kiosk?.close());

describe('roster import', () => {
  it('refuses a file that is not a roster, with the reason, and writes nothing', async () => {
    const { page } = kiosk;
    await page.goto(`${kiosk.url}#/staff/children/import`);
    await page.setInputFiles('[data-testid="import-file"]', { name: 'roster.xlsx', mimeType: 'application/octet-stream', buffer: Buffer.from('this is not a spreadsheet') });
    await expect.poll(() => page.textContent('[data-testid="import-error"]')).toContain('这个文件不是 Excel（.xlsx）文件');
    await page.setInputFiles('[data-testid="import-file"]', { name: 'notes.csv', mimeType: 'text/csv', buffer: Buffer.from('日期,内容\n2026-11-01,开会\n') });
    await expect.poll(() => page.textContent('[data-testid="import-error"]')).toContain('找不到“姓名”这一列');
    expect(await page.locator('[data-testid="import-confirm"]').count()).toBe(0);
  });

  it('previews a GBK file row by row and imports only the good rows after confirmation', async () => {
    const { page } = kiosk;
    const csv = ['姓名,性别,出生年月,年级,类别,照顾人,监护人,监护人关系,监护人电话', '张小明,男,2016-05,四年级,留守（父母都外出）,祖父母,张大山,父亲,13800001111', '李思琪,女,2014/3,6,流动,父母,,,', '王浩然,男,2015-01,3,外星,,,,'].join('\r\n');
    await page.setInputFiles('[data-testid="import-file"]', { name: '名单.csv', mimeType: 'text/csv', buffer: Buffer.from(encodeGbk(csv)) });
    await expect.poll(() => page.textContent('[data-testid="import-summary"]')).toContain('共 3 行：2 行可以导入，1 行有问题');
    expect(await page.textContent('tr[data-line="4"]')).toContain('类别“外星”看不懂');
    await kiosk.screenshot('roster-import-preview');
    // Nothing written yet.
    await page.goto(`${kiosk.url}#/staff/children`);
    await expect.poll(() => page.textContent('.toolbar .help')).toContain('共 0 人');
    await page.goto(`${kiosk.url}#/staff/children/import`);
    await page.setInputFiles('[data-testid="import-file"]', { name: '名单.csv', mimeType: 'text/csv', buffer: Buffer.from(encodeGbk(csv)) });
    await page.click('[data-testid="import-confirm"]');
    await expect.poll(() => page.textContent('[data-testid="import-done"]')).toContain('已导入 2 名儿童');
    await page.goto(`${kiosk.url}#/staff/children`);
    await page.fill('[data-testid="child-search"]', 'zxm');
    await expect.poll(() => page.locator('[data-testid="child-rows"] .row').allTextContents()).toEqual([expect.stringContaining('张小明')]);
    await page.fill('[data-testid="child-search"]', '6');
    await expect.poll(() => page.locator('[data-testid="child-rows"] .row').allTextContents()).toEqual([expect.stringContaining('李思琪')]);
    // The same file again: both children are already on the roster.
    await page.goto(`${kiosk.url}#/staff/children/import`);
    await page.setInputFiles('[data-testid="import-file"]', { name: '名单.csv', mimeType: 'text/csv', buffer: Buffer.from(encodeGbk(csv)) });
    await expect.poll(() => page.textContent('[data-testid="import-summary"]')).toContain('0 行可以导入');
  });

  it('refuses a damaged .xlsx, a file too large and UTF-8 with a stray byte, each in words', async () => {
    const { page } = kiosk;
    await page.goto(`${kiosk.url}#/staff/children/import`);
    const { default: ExcelJS } = await import('exceljs');
    const book = new ExcelJS.Workbook();
    book.addWorksheet('名单').addRows([['姓名', '类别'], ['张小明', '本地']]);
    const xlsx = Buffer.from(await book.xlsx.writeBuffer());
    for (let i = 300; i < 700; i++) xlsx[i] = xlsx[i]! ^ 0x5a;
    await page.setInputFiles('[data-testid="import-file"]', { name: '名单.xlsx', mimeType: 'application/octet-stream', buffer: xlsx });
    await expect.poll(() => page.textContent('[data-testid="import-error"]')).toContain('这个 Excel 文件已损坏');
    const error = (await page.textContent('[data-testid="import-error"]')) ?? '';
    expect(error).not.toMatch(/zip|error|invalid|corrupt|signature|undefined/i); // no library English on screen
    await kiosk.screenshot('roster-import-damaged-xlsx');
    await page.setInputFiles('[data-testid="import-file"]', { name: '大名单.csv', mimeType: 'text/csv', buffer: Buffer.alloc(6 * 1024 * 1024, 0x41) });
    await expect.poll(() => page.textContent('[data-testid="import-error"]')).toContain('文件太大（6.0 MB）。名单文件最大 5.0 MB');
    const utf8 = new TextEncoder().encode('姓名,类别\n张三,本地\n李四,本地\n');
    const stray = Buffer.from([...utf8.subarray(0, 31), 0xff, ...utf8.subarray(31)]);
    await page.setInputFiles('[data-testid="import-file"]', { name: '名单.csv', mimeType: 'text/csv', buffer: stray });
    await expect.poll(() => page.textContent('[data-testid="import-error"]')).toContain('第 3 行有损坏的字节');
    await kiosk.screenshot('roster-import-utf8-damaged');
    expect(await page.locator('[data-testid="import-confirm"]').count()).toBe(0);
  });

  it('reads a Big5 file as Big5, asks which parent is away for a plain 留守, and imports after the choice', async () => {
    const { page } = kiosk;
    await page.goto(`${kiosk.url}#/staff/children/import`);
    const csv = ['姓名,性別,出生年月,年級,類別', '陳國強,男,2016-01,4,留守', '@SUM(1),女,2015-04,5,流動兒童'].join('\r\n');
    await page.setInputFiles('[data-testid="import-file"]', { name: '名單.csv', mimeType: 'text/csv', buffer: Buffer.from(encodeBig5(csv)) });
    await expect.poll(() => page.textContent('[data-testid="import-encoding"]')).toContain('Big5（繁体）');
    await expect.poll(() => page.textContent('[data-testid="import-summary"]')).toContain('共 2 行：1 行可以导入，1 行有问题');
    expect(await page.textContent('tr[data-line="2"]')).toContain('陳國強');
    expect(await page.textContent('tr[data-line="2"]')).toContain('类别只写了“留守”，没有说明是谁外出');
    await kiosk.screenshot('roster-import-big5-ask');
    await page.selectOption('[data-testid="import-group-2"]', 'left-behind-mother-away');
    await expect.poll(() => page.textContent('[data-testid="import-summary"]')).toContain('共 2 行：2 行可以导入');
    await page.click('[data-testid="import-confirm"]');
    await expect.poll(() => page.textContent('[data-testid="import-done"]')).toContain('已导入 2 名儿童');
  });

  it('exports the roster as CSV and XLSX that open with every name as text', async () => {
    const { page } = kiosk;
    await page.goto(`${kiosk.url}#/staff/children`);
    await expect.poll(() => page.textContent('.toolbar .help')).toContain('共 4 人');
    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-csv"]')]);
    const csv = await readFile((await csvDownload.path())!, 'utf8');
    expect(csv.startsWith('\uFEFF姓名,')).toBe(true);
    expect(csv).toContain('\r\n陳國強,');
    expect(csv).toContain("'@SUM(1)");
    expect(csv).not.toMatch(/(^|,)@SUM/m);
    const [xlsxDownload] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-xlsx"]')]);
    const { default: ExcelJS } = await import('exceljs');
    const book = new ExcelJS.Workbook();
    const xlsxBytes = await readFile((await xlsxDownload.path())!);
    await book.xlsx.load(xlsxBytes.buffer.slice(xlsxBytes.byteOffset, xlsxBytes.byteOffset + xlsxBytes.byteLength) as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    const names: string[] = [];
    sheet.eachRow((row, n) => {
      row.eachCell((cell) => {
        expect(cell.type).toBe(ExcelJS.ValueType.String);
        expect(cell.formula).toBeUndefined();
      });
      if (n > 1) names.push(String(row.getCell(1).value));
    });
    expect(names.sort()).toEqual(['@SUM(1)', '张小明', '李思琪', '陳國強'].sort());
    const mother = sheet.getRows(2, 4)!.find((r) => r.getCell(1).value === '陳國強')!;
    expect(mother.getCell(7).value).toBe('留守（母亲外出）');
  });
});
