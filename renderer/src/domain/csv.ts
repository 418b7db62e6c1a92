/**
 * Every CSV file the app writes goes through here.
 *
 * Excel and WPS treat a cell that begins with = + - @ (and, in some versions,
 * a tab or carriage return) as a formula, so a name such as `=HYPERLINK(…)`
 * typed into a roster would run on the computer that opens the export
 * ("CSV injection"). Such cells are written with a leading apostrophe, which
 * both programs show as text. Plain numbers (`-3`, `12.5`) are left alone:
 * they are not formulas and a county spreadsheet must read them as numbers.
 *
 * Files start with a BOM so Excel opens them as UTF-8, and use CRLF.
 */

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/** The cell as it is safe to hand to a spreadsheet: formula-leading text gets a leading apostrophe. */
export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
}

function quoteCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A table as a CSV file's text: BOM, CRLF, quoted where needed, formulas neutralised. */
export function toCsv(table: readonly (readonly (string | number)[])[]): string {
  return '\uFEFF' + table.map((row) => row.map((cell) => quoteCell(neutraliseCell(String(cell)))).join(',')).join('\r\n') + '\r\n';
}
