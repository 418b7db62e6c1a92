/**
 * The county register of left-behind and vulnerable children (kept by village child
 * directors, exported as a spreadsheet), read on the coordinator's device for coverage
 * across providers (domain/county/coverage.ts). The file is read like a roster
 * (features/children/rosterImport.ts: .xlsx or CSV in GBK/UTF-8, size limits, the same
 * refusals in words); every row is checked and previewed; what is kept is, per valid row,
 * the coverage key, township, village and group — never a name, birth date or ID number.
 */
import { coverageKey, birthMonthFromIdNumber, normaliseName, type RegisterEntry } from '@/domain/county/coverage';
import { groupFromWord, parseBirthMonth, type SourceTable } from '../children/rosterImport';

export const REGISTER_COLUMNS = ['name', 'birth', 'idNumber', 'township', 'village', 'group'] as const;
type RegisterColumn = (typeof REGISTER_COLUMNS)[number];

const ALIASES: Record<RegisterColumn, readonly string[]> = {
  name: ['姓名', '儿童姓名', '名字', 'name', 'fullname'],
  birth: ['出生日期', '出生年月', '生日', 'birthdate', 'birthmonth', 'birthday'],
  idNumber: ['身份证号', '身份证号码', '公民身份号码', '身份证', '证件号码', 'idnumber', 'id'],
  township: ['乡镇', '乡镇街道', '乡镇（街道）', '乡（镇）', '街道', 'township'],
  village: ['村', '村社区', '村（社区）', '村（居）', '村居', '社区', '所在村', 'village'],
  group: ['类别', '儿童类别', '类型', '儿童类型', 'group', 'category'],
};
const norm = (s: string) => s.trim().toLowerCase().replace(/[\s_\-（）()]/g, '');

/** A problem with one row or the whole file: a key under countyCoverage.problems, with values. */
export interface RegisterProblem {
  readonly key: string;
  readonly values?: Record<string, string>;
}

export interface RegisterRow {
  readonly line: number;
  readonly township: string;
  readonly village: string;
  /** The group as understood, or null when it could not be. */
  readonly group: string | null;
  readonly problems: readonly RegisterProblem[];
  /** The key, for a row without problems. */
  readonly key: string | null;
}

export interface RegisterPreview {
  readonly rows: readonly RegisterRow[];
  readonly fileProblem: RegisterProblem | null;
  readonly ignoredColumns: readonly string[];
}

/**
 * Checks every row of a register table and computes the keys of the valid ones.
 * Never throws for bad content: problems are returned per row (or for the file).
 */
export async function previewRegister(table: SourceTable, code: string): Promise<RegisterPreview> {
  const [header, ...body] = table.rows;
  if (!header || body.length === 0) return { rows: [], fileProblem: { key: 'noRows' }, ignoredColumns: [] };
  const col: Partial<Record<RegisterColumn, number>> = {};
  const ignored: string[] = [];
  header.forEach((h, i) => {
    const found = REGISTER_COLUMNS.find((c) => ALIASES[c].map(norm).includes(norm(h)));
    if (found && col[found] === undefined) col[found] = i;
    else if (h.trim()) ignored.push(h.trim());
  });
  if (col.name === undefined) return { rows: [], fileProblem: { key: 'noNameColumn' }, ignoredColumns: ignored };
  if (col.birth === undefined && col.idNumber === undefined) return { rows: [], fileProblem: { key: 'noBirthColumn' }, ignoredColumns: ignored };
  if (col.village === undefined) return { rows: [], fileProblem: { key: 'noVillageColumn' }, ignoredColumns: ignored };
  const cell = (row: readonly string[], c: RegisterColumn) => (col[c] === undefined ? '' : (row[col[c]!] ?? '').trim());
  const firstLine = new Map<string, number>();
  const rows: RegisterRow[] = [];
  for (let i = 0; i < body.length; i++) {
    const row = body[i]!;
    const line = table.lines[i + 1] ?? i + 2;
    const problems: RegisterProblem[] = [];
    const name = cell(row, 'name');
    if (!normaliseName(name)) problems.push({ key: 'noName' });
    const birthText = cell(row, 'birth');
    const idText = cell(row, 'idNumber');
    const fromBirth = birthText ? parseBirthMonth(birthText) : null;
    const fromId = idText ? birthMonthFromIdNumber(idText) : null;
    if (birthText && !fromBirth) problems.push({ key: 'badBirth', values: { value: birthText.slice(0, 20) } });
    if (idText && !fromId) problems.push({ key: 'badIdNumber' });
    if (fromBirth && fromId && fromBirth !== fromId) problems.push({ key: 'birthIdDiffer' });
    if (!birthText && !idText) problems.push({ key: 'noBirth' });
    const village = cell(row, 'village');
    if (!village) problems.push({ key: 'noVillage' });
    const groupText = cell(row, 'group');
    const group = groupText ? groupFromWord(groupText) : 'other';
    if (!group) problems.push({ key: 'badGroup', values: { value: groupText.slice(0, 20) } });
    let key: string | null = null;
    const month = fromBirth ?? fromId;
    if (problems.length === 0 && month) {
      key = await coverageKey(code, name, month);
      const earlier = firstLine.get(key);
      if (earlier !== undefined) {
        problems.push({ key: 'sameChild', values: { line: String(earlier) } });
        key = null;
      } else firstLine.set(key, line);
    }
    rows.push({ line, township: cell(row, 'township'), village, group, problems, key });
  }
  return { rows, fileProblem: null, ignoredColumns: ignored };
}

/** What the coordinator's device keeps of a preview: the valid rows' keys, townships, villages and groups. */
export function registerEntries(preview: RegisterPreview): RegisterEntry[] {
  return preview.rows.flatMap((r) => (r.key && r.group && r.problems.length === 0 ? [{ key: r.key, township: r.township, village: r.village, group: r.group }] : []));
}
