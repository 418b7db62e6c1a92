import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { neutraliseCell, toCsv } from './csv';

describe('CSV export', () => {
  it('neutralises every formula-leading cell that Excel or WPS would run', () => {
    for (const evil of ['=HYPERLINK("http://x","点我")', '+cmd|\' /C calc\'!A0', '@SUM(1)', '-1+1', '\t=1', '\r=1']) {
      expect(neutraliseCell(evil)).toBe(`'${evil}`);
    }
  });

  it('leaves plain text and plain numbers as they are', () => {
    for (const ok of ['张小明', '3', '-3', '12.5', '0', '2026-09-01', 'a=b']) expect(neutraliseCell(ok)).toBe(ok);
  });

  it('writes a table that a CSV reader reads back cell for cell (quotes, commas, line breaks)', () => {
    const table = [['姓名', '备注'], ['李"小"红', '一,二\r\n三'], ['=1+1', 7]];
    const text = toCsv(table);
    expect(text.startsWith('\uFEFF')).toBe(true);
    const parsed = Papa.parse<string[]>(text.slice(1), { newline: '\r\n', skipEmptyLines: true }).data;
    expect(parsed).toEqual([['姓名', '备注'], ['李"小"红', '一,二\r\n三'], ["'=1+1", '7']]);
  });
});
