/**
 * Writes XLSX workbooks (exceljs, loaded on demand). Numbers stay numbers, so a
 * county spreadsheet sums them; text cells are written as text. The roster
 * export and the county dashboard both use it.
 */
export interface XlsxSheet {
  /** Sheet name: at most 31 characters, none of : \ / ? * [ ] (trimmed and replaced here). */
  readonly name: string;
  readonly rows: readonly (readonly (string | number | null)[])[];
}

function sheetName(name: string, used: Set<string>): string {
  const base = name.replace(/[:\\/?*[\]]/g, ' ').slice(0, 28).trim() || 'Sheet';
  let n = base;
  for (let i = 2; used.has(n); i++) n = `${base} ${i}`;
  used.add(n);
  return n;
}

/** A workbook with one sheet per entry, as base64 (for the bridge's saveFile). */
export async function toXlsxBase64(sheets: readonly XlsxSheet[]): Promise<string> {
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  const used = new Set<string>();
  for (const s of sheets) {
    const sheet = book.addWorksheet(sheetName(s.name, used));
    for (const row of s.rows) sheet.addRow(row.map((cell) => cell ?? ''));
    sheet.getRow(1).font = { bold: true };
  }
  const buffer = new Uint8Array(await book.xlsx.writeBuffer());
  let out = '';
  for (let i = 0; i < buffer.length; i += 0x8000) out += String.fromCharCode(...buffer.subarray(i, i + 0x8000));
  return btoa(out);
}

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
