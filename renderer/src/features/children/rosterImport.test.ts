import { describe, expect, it } from 'vitest';
import { decodeText, exportTable, IMPORT_LIMITS, ImportFileError, importChildren, ImportSaveError, parseCsv, previewImport, readImportFile, readXlsx, toXlsxBase64 } from './rosterImport';
import { toCsv } from '@/domain/csv';
import { MemoryDocStore } from '../../storage/memory/MemoryDocStore';
import { loadRoster } from '../../app/roster';
import { formFromEntry, saveChild, validateChildForm } from './childrenService';
import { caregiverOn } from '@/domain/child';
import { encodeBig5, encodeGbk as gbk } from '../../../../tests/gbk';
import type { AnyDoc } from '@sync/schema/documents';
import type { BulkResult } from '../../storage/ports';

const today = '2026-11-30';
const csv = [
  '姓名,性别,出生年月,年级,学校,类别,照顾人,监护人,监护人关系,监护人电话,备注',
  '张小明,男,2016-05,四年级,村小学,留守（父母都外出）,祖父母,张大山,父亲,13800001111,喜欢画画',
  '李思琪,女,2014/3,6,镇中心小学,流动,父母,,,,',
  ',女,2015-01,3,,本地,,,,,',
  '王浩然,男,2030-01,3,,本地,,,,,',
  '赵乐,男,2015-02,十年级,,外星,,,,,',
  '张小明,男,2016-05,4,,本地,,,,,',
].join('\r\n');

describe('roster import', () => {
  it('reads UTF-8 with and without BOM, and GBK from Excel', () => {
    const utf8 = new TextEncoder().encode(csv);
    expect(decodeText(utf8)).toBe(csv);
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8]))).toBe(csv);
    expect(decodeText(gbk(csv))).toBe(csv);
  });

  it('previews every row with problems in words, and ignores unknown columns', () => {
    const p = previewImport(parseCsv(csv), [], today);
    expect(p.fileProblem).toBeNull();
    expect(p.ignoredColumns).toEqual(['备注']);
    const [ok1, ok2, noName, future, bad, dup] = p.rows;
    expect(ok1!.problems).toEqual([]);
    expect(ok1!.form).toMatchObject({ fullName: '张小明', gender: 'male', birthMonth: '2016-05', grade: 4, group: 'left-behind-both-away', caregiver: 'grandparent' });
    expect(ok1!.form.guardians[0]).toMatchObject({ name: '张大山', relation: 'father', isLegalGuardian: true, worksAway: true });
    expect(ok2!.problems).toEqual([]);
    expect(ok2!.form).toMatchObject({ birthMonth: '2014-03', grade: 6, group: 'migrant' });
    expect(noName!.problems.map((x) => x.key)).toContain('form.nameRequired');
    expect(future!.problems.map((x) => x.key)).toContain('form.birthFuture');
    expect(bad!.problems.map((x) => x.key)).toEqual(expect.arrayContaining(['grade', 'group']));
    expect(dup!.problems.map((x) => x.key)).toContain('duplicateInFile');
    expect(noName!.line).toBe(4);
  });

  it('refuses a file without a name column, or empty', () => {
    expect(previewImport(parseCsv('a,b\n1,2'), [], today).fileProblem?.key).toBe('noNameColumn');
    expect(previewImport([], [], today).fileProblem?.key).toBe('empty');
  });

  it('exports a roster that imports back as the same children, as CSV and XLSX', async () => {
    const docs = new MemoryDocStore();
    const p = { docs, deviceId: 'k', now: () => new Date('2026-11-30T09:00:00+08:00') };
    for (const row of previewImport(parseCsv(csv), [], today).rows.filter((r) => r.problems.length === 0)) await saveChild(p, 'qingshan', row.form, null);
    const roster = await loadRoster(docs);
    const table = exportTable(roster, today);
    const again = previewImport(parseCsv(decodeText(new TextEncoder().encode(toCsv(table)))), [], today);
    expect(again.rows.map((r) => r.problems)).toEqual([[], []]);
    expect(again.rows.map((r) => r.form.fullName).sort()).toEqual(['张小明', '李思琪']);
    // Importing the same file into the same center finds the duplicates.
    expect(previewImport(table, roster, today).rows.every((r) => r.problems.some((x) => x.key === 'duplicateExisting'))).toBe(true);
    const xlsx = Uint8Array.from(atob(await toXlsxBase64(table)), (c) => c.charCodeAt(0));
    expect((await readXlsx(xlsx)).rows).toEqual(table.map((r) => r.map((c) => c)));
  });
});

const header = '姓名,性别,出生年月,年级,类别,入站日期';
const ports = (docs: MemoryDocStore) => ({ docs, deviceId: 'k', now: () => new Date('2026-11-30T09:00:00+08:00') });
const utf16 = (text: string, le: boolean) => {
  const out = [le ? 0xff : 0xfe, le ? 0xfe : 0xff];
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    out.push(...(le ? [c & 0xff, c >> 8] : [c >> 8, c & 0xff]));
  }
  return new Uint8Array(out);
};
const fileError = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ImportFileError);
    return { key: (e as ImportFileError).key, values: (e as ImportFileError).values };
  }
  throw new Error('the file was accepted');
};
const tableOf = async (name: string, bytes: Uint8Array) => {
  const r = await readImportFile(name, bytes);
  if (r.kind !== 'table') throw new Error('not a table');
  return r;
};

describe('roster import: encodings', () => {
  const text = `${header}\r\n张小明,男,2016-05,4,本地,2026-09-01\r\n`;
  it('reads UTF-16 LE and BE with a BOM, not as "no name column"', async () => {
    for (const le of [true, false]) {
      const r = await tableOf('名单.csv', utf16(text, le));
      expect(r.encoding).toBe(le ? 'utf-16le' : 'utf-16be');
      expect(previewImport(r.table, [], today).rows[0]!.form.fullName).toBe('张小明');
    }
  });

  it('reads a Big5 file as Big5 (traditional), not as garbled GBK', async () => {
    const big5 = ['姓名,性別,出生年月,年級,類別', '張曉華,女,2015-04,5,流動兒童', '陳國強,男,2016-01,4,本地兒童'].join('\r\n');
    const r = await tableOf('名單.csv', encodeBig5(big5));
    expect(r.encoding).toBe('big5');
    expect(r.table.rows[1]![0]).toBe('張曉華');
    // Traditional column names and words are understood; the names stay as written.
    expect(previewImport(r.table, [], today).rows.map((x) => [x.form.fullName, x.form.gender, x.form.grade, x.form.group, x.problems])).toEqual([
      ['張曉華', 'female', 5, 'migrant', []],
      ['陳國強', 'male', 4, 'local', []],
    ]);
    // The same names in GBK are read as GBK.
    expect((await tableOf('名单.csv', gbk(big5))).encoding).toBe('gb18030');
  });

  it('refuses UTF-8 with one stray byte, naming the line, instead of reading it as GBK', async () => {
    const good = new TextEncoder().encode(`${header}\r\n张小明,男,2016-05,4,本地,2026-09-01\r\n李思琪,女,2014-03,6,本地,2026-09-01\r\n`);
    const at = good.indexOf(0x0a, good.indexOf(0x0a) + 1) + 4; // inside line 3
    const broken = new Uint8Array([...good.subarray(0, at), 0xff, ...good.subarray(at)]);
    expect(await fileError(readImportFile('名单.csv', broken))).toEqual({ key: 'encoding.utf8Damaged', values: { line: '3' } });
    expect(() => decodeText(broken)).toThrow(ImportFileError);
    // With a BOM too.
    expect(await fileError(readImportFile('名单.csv', new Uint8Array([0xef, 0xbb, 0xbf, ...broken])))).toMatchObject({ key: 'encoding.utf8Damaged' });
  });

  it('asks when neither reading is plainly right, and reads the one the person chooses', async () => {
    const bytes = gbk('龘靐,犇\r\n');
    const r = await readImportFile('x.csv', bytes);
    expect(r.kind).toBe('ambiguous');
    const chosen = await readImportFile('x.csv', bytes, 'gb18030');
    expect(chosen.kind === 'table' && chosen.table.rows[0]).toEqual(['龘靐', '犇']);
  });

  it('refuses a binary file in words', async () => {
    expect(await fileError(readImportFile('x.csv', new Uint8Array([0x50, 0x4b, 0, 0, 0x13, 0, 0x99, 0, 0, 0x01, 0x02])))).toMatchObject({ key: 'encoding.binary' });
  });
});

describe('roster import: dates and lines', () => {
  const rows = (lines: string[]) => previewImport(parseCsv([header, ...lines].join('\r\n')), [], today).rows;
  it('refuses impossible dates and trailing junk, reads Excel serial dates', () => {
    const [feb30, month13, junk, serial, serialEnrolled] = rows([
      '甲,男,2016-05,4,本地,2026-02-30',
      '乙,男,2016-05,4,本地,2026-13-45',
      '丙,男,2015-3-4x,4,本地,',
      '丁,男,42067,4,本地,',
      '戊,男,2016-05,4,本地,46000',
    ]);
    expect(feb30!.problems).toContainEqual({ key: 'date', values: { value: '2026-02-30' } });
    expect(month13!.problems).toContainEqual({ key: 'date', values: { value: '2026-13-45' } });
    expect(junk!.problems.map((p) => p.key)).toContain('form.birthMonth');
    expect(serial!.problems).toEqual([]);
    expect(serial!.form.birthMonth).toBe('2015-03');
    expect(serialEnrolled!.form.enrolledOn).toBe('2025-12-09');
  });

  it('reports the true line after blank lines and line breaks inside cells', () => {
    const text = [header, '', '甲,男,2016-05,4,本地,', '"乙', '(小名)",男,2016-05,4,外星,', '', '', '丙,男,2016-05,4,外星,'].join('\r\n');
    const p = previewImport(parseCsv(text), [], today);
    expect(p.rows.map((r) => r.line)).toEqual([3, 4, 8]);
    expect(p.rows.map((r) => r.form.fullName)).toEqual(['甲', '乙\r\n(小名)', '丙']);
  });

  it('reads real guardian relations, keeps the words of 其他：…, and asks for a missing one (issue 11)', () => {
    const rows = previewImport(
      parseCsv([`${header},监护人,监护人关系`, '甲,男,2016-05,4,本地,,张奶奶,奶奶', '乙,女,2016-05,4,本地,,李阿姨,其他：干妈', '丙,男,2016-05,4,本地,,王舅舅,舅舅', '丁,男,2016-05,4,本地,,赵某,', '戊,男,2016-05,4,本地,,钱某,其他'].join('\n')),
      [],
      today,
    ).rows;
    expect(rows[0]!.form.guardians[0]).toMatchObject({ relation: 'paternal-grandparent' });
    expect(rows[1]!.form.guardians[0]).toMatchObject({ relation: 'other', relationOther: '干妈' });
    expect(rows[1]!.problems).toEqual([]);
    expect(rows[2]!.form.guardians[0]).toMatchObject({ relation: 'maternal-uncle' });
    expect(rows[3]!.problems.map((p) => p.key)).toEqual(['relationMissing']);
    expect(rows[4]!.problems.map((p) => p.key)).toEqual(['relationOtherMissing']);
  });

  it('does not take words from the object prototype', () => {
    const [row] = previewImport(parseCsv([`${header},照顾人,监护人,监护人关系`, '甲,constructor,2016-05,4,toString,,constructor,乙,__proto__'].join('\n')), [], today).rows;
    expect(row!.problems.map((p) => p.key).sort()).toEqual(['caregiver', 'gender', 'group', 'relation']);
  });

  it('asks which parent is away when the group says only 留守, and uses the choice', () => {
    const table = parseCsv([header, '甲,男,2016-05,4,留守,', '乙,女,2016-06,4,留守儿童,'].join('\n'));
    const [a, b] = previewImport(table, [], today).rows;
    expect(a!.askGroup).toBe(true);
    expect(a!.problems).toEqual([{ key: 'groupAmbiguous', values: { value: '留守' } }]);
    expect(b!.askGroup).toBe(true);
    const chosen = previewImport(table, [], today, { choices: { 2: 'left-behind-mother-away' } }).rows;
    expect(chosen[0]!.problems).toEqual([]);
    expect(chosen[0]!.form.group).toBe('left-behind-mother-away');
    expect(chosen[1]!.problems.map((p) => p.key)).toEqual(['groupAmbiguous']);
  });
});

describe('roster import: limits and damaged files', () => {
  it('bounds bytes, rows and cell length, with the numbers in the message', async () => {
    expect(await fileError(readImportFile('x.csv', new Uint8Array(IMPORT_LIMITS.fileBytes + 1).fill(0x41)))).toMatchObject({ key: 'tooBig', values: { max: '5.0' } });
    const many = [header, ...Array.from({ length: IMPORT_LIMITS.rows + 1 }, (_, i) => `孩子${i},男,2016-05,4,本地,`)].join('\n');
    expect(await fileError(readImportFile('x.csv', new TextEncoder().encode(many)))).toMatchObject({ key: 'tooManyRows' });
    const long = [header, '甲,男,2016-05,4,本地,', `${'长'.repeat(IMPORT_LIMITS.cellChars + 1)},男,2016-05,4,本地,`].join('\n');
    expect(await fileError(readImportFile('x.csv', new TextEncoder().encode(long)))).toEqual({ key: 'cellTooLong', values: { line: '3', max: String(IMPORT_LIMITS.cellChars) } });
    expect(await fileError(readImportFile('x.csv', new Uint8Array()))).toMatchObject({ key: 'emptyFile' });
  });

  it('refuses an .xlsx that declares or hides a huge uncompressed size before exceljs inflates it', async () => {
    // One part of 41 MB of the same letter compresses to about 40 KB.
    const big = new Uint8Array(IMPORT_LIMITS.xlsxUncompressedBytes + 1024 * 1024).fill(0x61);
    const deflated = new Uint8Array(await new Response(new Blob([big]).stream().pipeThrough(new CompressionStream('deflate-raw'))).arrayBuffer());
    expect(deflated.length).toBeLessThan(300_000);
    expect(await fileError(readXlsx(zipOf('xl/worksheets/sheet1.xml', deflated, big.length)))).toMatchObject({ key: 'xlsxTooBig' });
    // The same part declaring 1 KB: refused as damaged once it inflates past that, without holding the 41 MB.
    expect(await fileError(readXlsx(zipOf('xl/worksheets/sheet1.xml', deflated, 1024)))).toMatchObject({ key: 'xlsxDamaged' });
  });

  it('refuses a corrupt or fake .xlsx in words, not with the zip library’s English', async () => {
    const good = Uint8Array.from(atob(await toXlsxBase64([['姓名'], ['张小明']])), (c) => c.charCodeAt(0));
    const corrupt = good.slice();
    for (let i = 200; i < 600; i++) corrupt[i] = corrupt[i]! ^ 0x5a;
    expect(await fileError(readImportFile('名单.xlsx', corrupt))).toMatchObject({ key: 'xlsxDamaged' });
    expect(await fileError(readImportFile('名单.xlsx', good.slice(0, good.length - 40)))).toMatchObject({ key: expect.stringMatching(/^(notXlsx|xlsxDamaged)$/) });
    expect(await fileError(readImportFile('名单.xlsx', new TextEncoder().encode('this is not a spreadsheet')))).toMatchObject({ key: 'notXlsx' });
    expect(await fileError(readImportFile('名单.xls', good))).toMatchObject({ key: 'oldExcel' });
  });

  it('refuses an .xlsx with an over-long cell, and reads worksheet row numbers and serial dates', async () => {
    const xlsx = async (t: string[][]) => Uint8Array.from(atob(await toXlsxBase64(t)), (c) => c.charCodeAt(0));
    expect(await fileError(readImportFile('名单.xlsx', await xlsx([['姓名'], ['长'.repeat(IMPORT_LIMITS.cellChars + 1)]])))).toEqual({ key: 'cellTooLong', values: { line: '2', max: String(IMPORT_LIMITS.cellChars) } });
    const r = await tableOf('名单.xlsx', await xlsx([['姓名', '出生年月', '年级', '类别'], ['', '', '', ''], ['甲', '42067', '3', '本地']]));
    expect(r.table.lines).toEqual([1, 3]);
    expect(previewImport(r.table, [], today).rows[0]).toMatchObject({ line: 3, form: { birthMonth: '2015-03' }, problems: [] });
  });
});

describe('roster import: one check for preview and save, all or nothing', () => {
  const csvWithLongName = [header, '张小明,男,2016-05,4,本地,2026-09-01', `${'名'.repeat(201)},女,2015-01,3,本地,2026-09-01`, '李思琪,女,2014-03,6,本地,2026-09-01'].join('\n');

  it('refuses in the preview what saving would refuse (a 201-character name)', () => {
    const rows = previewImport(parseCsv(csvWithLongName), [], today).rows;
    expect(rows.map((r) => r.problems.map((p) => p.key))).toEqual([[], ['form.nameTooLong'], []]);
  });

  it('writes every approved child at once, and a second run writes none again', async () => {
    const docs = new MemoryDocStore();
    const table = parseCsv(csvWithLongName);
    expect(await importChildren(ports(docs), 'qingshan', table, [], today)).toBe(2);
    let roster = await loadRoster(docs);
    expect(roster.map((e) => e.priv?.fullName).sort()).toEqual(['张小明', '李思琪']);
    // The retry (or the same file again) finds them on the roster: nothing is duplicated.
    expect(await importChildren(ports(docs), 'qingshan', table, roster, today)).toBe(0);
    roster = await loadRoster(docs);
    expect(roster).toHaveLength(2);
    expect(await docs.count()).toBe(4);
  });

  it('keeps nothing of an import the store partly refused, and a retry then writes each child once', async () => {
    /** A store that refuses the last document of a bulk write, as a second writer or a full disk can. */
    class RefusingStore extends MemoryDocStore {
      refuse = true;
      override async bulkCreate(all: readonly AnyDoc[]): Promise<BulkResult> {
        if (!this.refuse) return super.bulkCreate(all);
        const res = await super.bulkCreate(all.slice(0, -1));
        return { written: res.written, failed: [...res.failed, { id: all.at(-1)!._id, reason: 'conflict' }] };
      }
    }
    const docs = new RefusingStore();
    const table = parseCsv(csvWithLongName);
    await expect(importChildren(ports(docs), 'qingshan', table, [], today)).rejects.toThrow(ImportSaveError);
    expect(await loadRoster(docs)).toEqual([]);
    docs.refuse = false;
    expect(await importChildren(ports(docs), 'qingshan', table, await loadRoster(docs), today)).toBe(2);
    expect((await loadRoster(docs)).every((e) => e.priv?.fullName)).toBe(true);
    expect(await loadRoster(docs)).toHaveLength(2);
  });
});

describe('roster export', () => {
  it('writes XLSX cells as text, never as formulas', async () => {
    const hostile = [['姓名', '监护人电话'], ['=HYPERLINK("http://x","点我")', '+cmd|/C calc!A0'], ['@SUM(1)', '-1+1']];
    const bytes = Uint8Array.from(atob(await toXlsxBase64(hostile)), (c) => c.charCodeAt(0));
    const { default: ExcelJS } = await import('exceljs');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes.buffer as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    const seen: string[] = [];
    sheet.eachRow((row) =>
      row.eachCell((cell) => {
        expect(cell.type).toBe(ExcelJS.ValueType.String);
        expect(cell.formula).toBeUndefined();
        expect(cell.numFmt).toBe('@');
        seen.push(String(cell.value));
      }),
    );
    expect(seen).toEqual(hostile.flat());
  });
});

/** A one-part zip (stored central directory, CRC left 0: the size checks come before any CRC check). */
function zipOf(name: string, deflated: Uint8Array, declaredSize: number): Uint8Array {
  const nameBytes = new TextEncoder().encode(name);
  const local = new DataView(new ArrayBuffer(30));
  local.setUint32(0, 0x04034b50, true);
  local.setUint16(4, 20, true);
  local.setUint16(8, 8, true);
  local.setUint32(18, deflated.length, true);
  local.setUint32(22, declaredSize, true);
  local.setUint16(26, nameBytes.length, true);
  const central = new DataView(new ArrayBuffer(46));
  central.setUint32(0, 0x02014b50, true);
  central.setUint16(4, 20, true);
  central.setUint16(6, 20, true);
  central.setUint16(10, 8, true);
  central.setUint32(20, deflated.length, true);
  central.setUint32(24, declaredSize, true);
  central.setUint16(28, nameBytes.length, true);
  central.setUint32(42, 0, true);
  const cdOffset = 30 + nameBytes.length + deflated.length;
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, 1, true);
  end.setUint16(10, 1, true);
  end.setUint32(12, 46 + nameBytes.length, true);
  end.setUint32(16, cdOffset, true);
  return new Uint8Array([...new Uint8Array(local.buffer), ...nameBytes, ...deflated, ...new Uint8Array(central.buffer), ...nameBytes, ...new Uint8Array(end.buffer)]);
}

describe('roster import: what the file does not say is not guessed (issue 11)', () => {
  const file = ['姓名,性别,出生年月,年级,类别,照顾人,监护人,监护人关系', '周一,男,2016-05,3,留守（父亲外出）,,周大江,母亲', '吴二,,2015-04,4,本地,,,', '郑三,女,2015-04,,本地,父母,,', '王四,女,2015-06,2,留守,祖父母,,'].join('\n');

  it('an empty caregiver cell stays unanswered and is said in the preview; an empty sex is 不填 and said; no grade is asked', () => {
    const [zhou, wu, zheng, wang] = previewImport(parseCsv(file), [], today).rows;
    expect(zhou!.form.caregiver).toBe('');
    expect(zhou!.problems).toEqual([]);
    expect(zhou!.notGiven).toEqual(['caregiver']);
    // The mother of a child whose father is away does not work away.
    expect(zhou!.form.guardians[0]).toMatchObject({ relation: 'mother', worksAway: false });
    expect(wu!.notGiven).toEqual(['gender', 'caregiver']);
    expect(wu!.form.gender).toBe('unspecified');
    expect(zheng!.problems.map((p) => p.key)).toEqual(['gradeMissing']);
    expect(wang!.askGroup).toBe(true); // plain 留守 is asked about
    expect(wang!.problems.map((p) => p.key)).toContain('groupAmbiguous');
    // Without a caregiver column at all, the same.
    const noColumn = previewImport(parseCsv('姓名,性别,出生年月,年级,类别\n钱五,男,2016-01,3,流动'), [], today).rows[0]!;
    expect(noColumn.form.caregiver).toBe('');
    expect(noColumn.notGiven).toEqual(['caregiver']);
  });

  it('saves the child with the caregiver unanswered (valid documents), and the edit form then asks for it', async () => {
    const docs = new MemoryDocStore();
    const p = { docs, deviceId: 'k', now: () => new Date('2026-11-30T09:00:00+08:00') };
    const steps: string[] = [];
    expect(await importChildren(p, 'qingshan', parseCsv(file), [], today, {}, (x) => steps.push(`${x.step} ${x.done}/${x.total}`))).toBe(2);
    expect(steps).toEqual(['rows 0/4', 'rows 4/4', 'write 0/4', 'write 4/4']); // two children, two documents each
    const roster = await loadRoster(docs);
    const zhou = roster.find((e) => e.priv?.fullName === '周一')!;
    expect(zhou.child.groupHistory).toEqual([{ from: today, group: 'left-behind-father-away' }]);
    expect(caregiverOn(zhou.child, today)).toBeUndefined();
    const form = formFromEntry(zhou, today);
    expect(form.caregiver).toBe('');
    expect(validateChildForm(form, today).caregiver).toBe('caregiverRequired');
  });
});
