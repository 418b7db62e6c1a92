/**
 * Roster import and export. Centers keep their lists in Excel, often saved as
 * CSV in GBK by Chinese Excel, or as .xlsx. Import reads either, maps the
 * header row (Chinese or English column names), checks every row and reports
 * problems per row in words; nothing is written until staff confirm, and then
 * only the rows without problems.
 */
import Papa from 'papaparse';
import { toXlsxBase64 as writeXlsx } from '../../ui/xlsx';
import type { ChildGroup, Caregiver, Gender, Relation } from '@sync/schema/vocab';
import { CHILD_GROUPS } from '@sync/schema/vocab';
import { groupOn } from '@/domain/child';
import type { RosterEntry } from '../../app/roster';
import { emptyChildForm, validateChildForm, type ChildForm } from './childrenService';

export const IMPORT_COLUMNS = ['name', 'displayName', 'gender', 'birthMonth', 'grade', 'school', 'group', 'caregiver', 'parentsWorkIn', 'enrolledOn', 'guardianName', 'guardianRelation', 'guardianPhone'] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

/** Header names accepted for each column (lowercased, spaces removed). */
const HEADER_ALIASES: Record<ImportColumn, readonly string[]> = {
  name: ['姓名', '儿童姓名', '名字', 'name', 'fullname'],
  displayName: ['小名', '显示名', '昵称', 'displayname', 'nickname'],
  gender: ['性别', 'gender', 'sex'],
  birthMonth: ['出生年月', '出生日期', '生日', 'birthmonth', 'birthdate', 'birthday'],
  grade: ['年级', 'grade'],
  school: ['学校', '就读学校', 'school'],
  group: ['类别', '儿童类别', '类型', 'group', 'category'],
  caregiver: ['照顾人', '监护类型', '现照顾人', 'caregiver'],
  parentsWorkIn: ['父母打工城市', '务工地', '打工城市', 'parentsworkin', 'parentscity'],
  enrolledOn: ['入站日期', '登记日期', 'enrolledon', 'enrolled'],
  guardianName: ['监护人', '监护人姓名', '家长姓名', 'guardian', 'guardianname'],
  guardianRelation: ['监护人关系', '与儿童关系', '关系', 'guardianrelation', 'relation'],
  guardianPhone: ['监护人电话', '联系电话', '电话', 'guardianphone', 'phone'],
};

const GENDER_WORDS: Record<string, Gender> = { 男: 'male', 女: 'female', male: 'male', female: 'female', m: 'male', f: 'female', boy: 'male', girl: 'female' };
const GROUP_WORDS: Record<string, ChildGroup> = {
  '留守父亲外出': 'left-behind-father-away', '父亲外出': 'left-behind-father-away', '留守（父亲外出）': 'left-behind-father-away',
  '留守母亲外出': 'left-behind-mother-away', '母亲外出': 'left-behind-mother-away', '留守（母亲外出）': 'left-behind-mother-away',
  '留守父母都外出': 'left-behind-both-away', '父母都外出': 'left-behind-both-away', '父母外出': 'left-behind-both-away', '留守（父母都外出）': 'left-behind-both-away', '留守': 'left-behind-both-away',
  '流动': 'migrant', '流动儿童': 'migrant', '随迁': 'migrant', '本地': 'local', '本地儿童': 'local', '其他': 'other',
  ...Object.fromEntries(CHILD_GROUPS.map((g) => [g, g])),
};
const CAREGIVER_WORDS: Record<string, Caregiver> = {
  祖父母: 'grandparent', 爷爷奶奶: 'grandparent', 外公外婆: 'grandparent', 爷爷: 'grandparent', 奶奶: 'grandparent', 外公: 'grandparent', 外婆: 'grandparent',
  父母: 'parent', 父亲: 'parent', 母亲: 'parent', 亲戚: 'relative', 代理家长: 'surrogate-parent', 其他: 'other',
  grandparent: 'grandparent', parent: 'parent', relative: 'relative', 'surrogate-parent': 'surrogate-parent', other: 'other',
};
const RELATION_WORDS: Record<string, Relation> = {
  父亲: 'father', 爸爸: 'father', 母亲: 'mother', 妈妈: 'mother', 爷爷: 'grandfather', 外公: 'grandfather', 奶奶: 'grandmother', 外婆: 'grandmother',
  亲戚: 'relative', 代理家长: 'surrogate-parent', 其他: 'other', father: 'father', mother: 'mother', grandfather: 'grandfather', grandmother: 'grandmother', relative: 'relative',
};
const CN_GRADE = '一二三四五六七八九';

const norm = (s: string) => s.trim().toLowerCase().replace(/[\s_\-（）()]/g, '');

/** A problem with one row: an i18n key under children.import.problems and its values. */
export interface RowProblem {
  readonly key: string;
  readonly values?: Record<string, string>;
}

export interface ImportRow {
  /** 1-based line in the file, counting the header as line 1. */
  readonly line: number;
  readonly form: ChildForm;
  readonly problems: readonly RowProblem[];
}

export interface ImportPreview {
  readonly rows: readonly ImportRow[];
  /** Header cells that matched no column (shown so staff know what was ignored). */
  readonly ignoredColumns: readonly string[];
  /** A problem with the file as a whole (e.g. no name column): nothing can be imported. */
  readonly fileProblem: RowProblem | null;
}

/** Decodes CSV bytes: UTF-8 (with or without BOM) when valid, else GBK as Chinese Excel writes it. */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gbk').decode(bytes);
  }
}

export function parseCsv(text: string): string[][] {
  const res = Papa.parse<string[]>(text, { skipEmptyLines: 'greedy' });
  return res.data.map((r) => r.map((c) => String(c ?? '')));
}

function parseBirthMonth(v: string): string {
  const m = /^(\d{4})\s*[-/.年]?\s*(\d{1,2})/.exec(v.trim());
  return m ? `${m[1]}-${m[2]!.padStart(2, '0')}` : v.trim();
}
function parseDate(v: string): string | null {
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})/.exec(v.trim());
  return m ? `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}` : null;
}
function parseGrade(v: string): number | null {
  const s = v.trim();
  if (/^\d{1,2}$/.test(s)) return Number(s);
  const m = /^([一二三四五六七八九])年级$|^初([一二三])$/.exec(s);
  if (m?.[1]) return CN_GRADE.indexOf(m[1]) + 1;
  if (m?.[2]) return CN_GRADE.indexOf(m[2]) + 7;
  const d = /^(\d{1,2})\s*年级$/.exec(s);
  return d ? Number(d[1]) : null;
}

/**
 * Checks the rows of a roster file against the schema and the current roster.
 * `today` fills enrolment dates left empty.
 */
export function previewImport(table: readonly string[][], existing: readonly RosterEntry[], today: string): ImportPreview {
  const [header, ...body] = table;
  if (!header) return { rows: [], ignoredColumns: [], fileProblem: { key: 'empty' } };
  const index = new Map<ImportColumn, number>();
  const ignored: string[] = [];
  header.forEach((cell, i) => {
    const col = IMPORT_COLUMNS.find((c) => HEADER_ALIASES[c].includes(norm(cell)));
    if (col && !index.has(col)) index.set(col, i);
    else if (cell.trim()) ignored.push(cell.trim());
  });
  if (!index.has('name')) return { rows: [], ignoredColumns: ignored, fileProblem: { key: 'noNameColumn' } };
  const known = new Set(existing.map((e) => `${e.priv?.fullName ?? ''}|${e.child.birthMonth}`));
  const seen = new Set<string>();
  const rows = body.map((cells, i): ImportRow => {
    const get = (c: ImportColumn) => (index.has(c) ? (cells[index.get(c)!] ?? '').trim() : '');
    const problems: RowProblem[] = [];
    const form = emptyChildForm(today);
    form.fullName = get('name');
    form.displayName = get('displayName');
    form.school = get('school');
    form.parentsWorkIn = get('parentsWorkIn');
    const gender = get('gender');
    if (gender) {
      const g = GENDER_WORDS[norm(gender)];
      if (g) form.gender = g;
      else problems.push({ key: 'gender', values: { value: gender } });
    } else form.gender = 'unspecified';
    form.birthMonth = parseBirthMonth(get('birthMonth'));
    const grade = get('grade');
    const gradeN = grade ? parseGrade(grade) : null;
    if (grade && gradeN === null) problems.push({ key: 'grade', values: { value: grade } });
    form.grade = gradeN ?? 1;
    const group = get('group');
    const groupCode = GROUP_WORDS[norm(group)] ?? GROUP_WORDS[group.trim()];
    if (!group) problems.push({ key: 'groupMissing' });
    else if (!groupCode) problems.push({ key: 'group', values: { value: group } });
    else form.group = groupCode;
    const caregiver = get('caregiver');
    if (caregiver) {
      const c = CAREGIVER_WORDS[norm(caregiver)];
      if (c) form.caregiver = c;
      else problems.push({ key: 'caregiver', values: { value: caregiver } });
    } else form.caregiver = form.group.startsWith('left-behind') ? 'grandparent' : 'parent';
    const enrolled = get('enrolledOn');
    const enrolledDate = enrolled ? parseDate(enrolled) : today;
    if (enrolledDate === null) problems.push({ key: 'date', values: { value: enrolled } });
    form.enrolledOn = enrolledDate ?? today;
    form.situationFrom = form.enrolledOn;
    const guardianName = get('guardianName');
    if (guardianName) {
      const rel = get('guardianRelation');
      const relation = RELATION_WORDS[norm(rel)] ?? (rel ? null : 'other');
      if (relation === null) problems.push({ key: 'relation', values: { value: rel } });
      form.guardians = [{ name: guardianName, relation: relation ?? 'other', phone: get('guardianPhone'), isLegalGuardian: relation === 'father' || relation === 'mother', worksAway: form.group.startsWith('left-behind') && (relation === 'father' || relation === 'mother') }];
    }
    for (const [field, key] of Object.entries(validateChildForm(form, today))) problems.push({ key: `form.${key}`, values: { field } });
    const identity = `${form.fullName}|${form.birthMonth}`;
    if (known.has(identity)) problems.push({ key: 'duplicateExisting' });
    else if (seen.has(identity)) problems.push({ key: 'duplicateInFile' });
    seen.add(identity);
    return { line: i + 2, form, problems };
  });
  return { rows, ignoredColumns: ignored, fileProblem: rows.length === 0 ? { key: 'empty' } : null };
}

/** Reads the first worksheet of an .xlsx file as a table of text cells. exceljs is loaded only when needed. */
export async function readXlsx(bytes: Uint8Array): Promise<string[][]> {
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  const sheet = book.worksheets[0];
  if (!sheet) return [];
  const out: string[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      const v = cell.value;
      cells[col - 1] = v instanceof Date ? v.toISOString().slice(0, 10) : typeof v === 'object' && v !== null && 'text' in v ? String(v.text) : String(cell.text ?? v ?? '');
    });
    out.push(Array.from(cells, (c) => c ?? ''));
  });
  return out;
}

// The words export writes; each is one import reads back, so an exported file re-imports unchanged.
const GENDER_OUT: Record<Gender, string> = { female: '女', male: '男', unspecified: '' };
const GROUP_OUT: Record<ChildGroup, string> = {
  'left-behind-father-away': '留守（父亲外出）', 'left-behind-mother-away': '留守（母亲外出）', 'left-behind-both-away': '留守（父母都外出）',
  migrant: '流动儿童', local: '本地儿童', other: '其他',
};
const CAREGIVER_OUT: Record<Caregiver, string> = { grandparent: '祖父母', parent: '父母', relative: '亲戚', 'surrogate-parent': '代理家长', other: '其他' };
const RELATION_OUT: Record<Relation, string> = { father: '父亲', mother: '母亲', grandfather: '爷爷', grandmother: '奶奶', relative: '亲戚', 'surrogate-parent': '代理家长', teacher: '其他', self: '其他', other: '其他' };

/** The roster as a table with the same columns import reads (Chinese headers), for CSV or XLSX. */
export function exportTable(entries: readonly RosterEntry[], today: string): string[][] {
  const header = ['姓名', '小名', '性别', '出生年月', '年级', '学校', '类别', '照顾人', '父母打工城市', '入站日期', '监护人', '监护人关系', '监护人电话'];
  const rows = entries.map((e) => {
    const g = e.priv?.guardians[0];
    const period = e.child.groupHistory.at(-1)!;
    return [
      e.priv?.fullName ?? '', e.priv?.displayName ?? '', GENDER_OUT[e.child.gender], e.child.birthMonth, String(e.child.grade), e.child.school,
      GROUP_OUT[groupOn(e.child, today)], CAREGIVER_OUT[period.caregiver], period.parentsWorkIn ?? '', e.child.enrolledOn, g?.name ?? '', g ? RELATION_OUT[g.relation] : '', g?.phone ?? '',
    ];
  });
  return [header, ...rows];
}

/** The roster as a one-sheet workbook (ui/xlsx.ts). */
export async function toXlsxBase64(table: readonly string[][]): Promise<string> {
  return writeXlsx([{ name: '名单', rows: table }]);
}
