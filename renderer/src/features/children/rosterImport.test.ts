import { describe, expect, it } from 'vitest';
import { decodeText, exportTable, parseCsv, previewImport, readXlsx, toXlsxBase64 } from './rosterImport';
import { toCsv } from '@/domain/csv';
import { MemoryDocStore } from '../../storage/memory/MemoryDocStore';
import { loadRoster } from '../../app/roster';
import { saveChild } from './childrenService';
import { encodeGbk as gbk } from '../../../../tests/gbk';

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
    expect(await readXlsx(xlsx)).toEqual(table.map((r) => r.map((c) => c)));
  });
});
