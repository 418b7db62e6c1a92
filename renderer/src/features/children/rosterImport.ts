/**
 * Roster import and export. Centers keep their lists in Excel, often saved as
 * CSV in GBK by Chinese Excel, or as .xlsx. Import reads either, maps the
 * header row (Chinese or English column names), checks every row and reports
 * problems per row in words; nothing is written until staff confirm.
 *
 * One check decides: previewImport runs, for every row, the form check the
 * edit page uses (validateChildForm) and the document schemas on the very
 * documents saving would write. Saving (importChildren) runs previewImport
 * again against the roster as it is then, and writes every approved child in
 * one validated bulk write: all of them or none. A retry after a failure finds
 * the children already written as "already on the roster", so nothing is
 * ever written twice.
 *
 * Files are bounded before they are read: bytes, rows, cell length, and for
 * .xlsx the uncompressed sizes the zip declares, checked before inflating.
 */
import Papa from 'papaparse';
import type { ChildGroup, Caregiver, Gender, Relation } from '@sync/schema/vocab';
import { CHILD_GROUPS } from '@sync/schema/vocab';
import type { AnyDoc } from '@sync/schema/documents';
import { groupOn } from '@/domain/child';
import { isCalendarDate } from '@/domain/dates';
import type { RosterEntry } from '../../app/roster';
import { childDocs, emptyChildForm, schemaProblems, validateChildForm, type ChildForm, type Ports } from './childrenService';
import { checkXlsxSizes, XlsxLimitError } from './xlsxLimits';
import { detectAndDecode, type DecodeCandidate, type TextEncodingName } from './textEncoding';
import { yieldToUi } from '@sync/bundle/bundle';

/** Limits on a roster file: a center has a few hundred children at most; these leave room and stop a hostile file early. */
export const IMPORT_LIMITS = {
  /** Bytes of the file as chosen. */
  fileBytes: 5 * 1024 * 1024,
  /** Data rows (the header not counted). */
  rows: 3000,
  /** Characters in one cell. */
  cellChars: 1000,
  /** Sum of the uncompressed sizes an .xlsx declares for its parts. */
  xlsxUncompressedBytes: 40 * 1024 * 1024,
} as const;

/** The whole file is refused: `key` under inputs.file in the locale files, with its values. */
export class ImportFileError extends Error {
  override name = 'ImportFileError';
  constructor(
    readonly key: string,
    readonly values: Record<string, string> = {},
  ) {
    super(`${key} ${JSON.stringify(values)}`);
  }
}

/** Rows of cells with the file line (or worksheet row) each starts on. */
export interface SourceTable {
  readonly rows: readonly (readonly string[])[];
  /** 1-based line of each row, as a text editor or Excel shows it. */
  readonly lines: readonly number[];
}

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
  '留守父母都外出': 'left-behind-both-away', '父母都外出': 'left-behind-both-away', '父母外出': 'left-behind-both-away', '留守（父母都外出）': 'left-behind-both-away',
  '流动': 'migrant', '流动儿童': 'migrant', '随迁': 'migrant', '本地': 'local', '本地儿童': 'local', '其他': 'other',
  ...Object.fromEntries(CHILD_GROUPS.map((g) => [g, g])),
};
const CAREGIVER_WORDS: Record<string, Caregiver> = {
  祖父母: 'grandparent', 爷爷奶奶: 'grandparent', 外公外婆: 'grandparent', 爷爷: 'grandparent', 奶奶: 'grandparent', 外公: 'grandparent', 外婆: 'grandparent',
  父母: 'parent', 父亲: 'parent', 母亲: 'parent', 亲戚: 'relative', 代理家长: 'surrogate-parent', 其他: 'other',
  grandparent: 'grandparent', parent: 'parent', relative: 'relative', 'surrogate-parent': 'surrogate-parent', other: 'other',
};
const RELATION_WORDS: Record<string, Relation> = {
  父亲: 'father', 爸爸: 'father', 母亲: 'mother', 妈妈: 'mother',
  爷爷: 'paternal-grandparent', 奶奶: 'paternal-grandparent', 祖父: 'paternal-grandparent', 祖母: 'paternal-grandparent', 祖父母: 'paternal-grandparent', 爷爷奶奶: 'paternal-grandparent',
  外公: 'maternal-grandparent', 外婆: 'maternal-grandparent', 姥爷: 'maternal-grandparent', 姥姥: 'maternal-grandparent', 外祖父: 'maternal-grandparent', 外祖母: 'maternal-grandparent', 外祖父母: 'maternal-grandparent', 外公外婆: 'maternal-grandparent',
  舅舅: 'maternal-uncle', 姑姑: 'paternal-aunt', 姑妈: 'paternal-aunt', 叔叔: 'paternal-uncle', 伯伯: 'paternal-uncle', 伯父: 'paternal-uncle', 叔叔伯伯: 'paternal-uncle',
  阿姨: 'maternal-aunt', 姨妈: 'maternal-aunt', 小姨: 'maternal-aunt', 姨: 'maternal-aunt', 哥哥: 'sibling', 姐姐: 'sibling', 哥哥姐姐: 'sibling',
  代理家长: 'surrogate-parent', 其他: 'other', father: 'father', mother: 'mother', grandparent: 'paternal-grandparent', sibling: 'sibling', other: 'other',
};
const ANSWERED_ABOVE = new Set(['genderRequired', 'groupRequired', 'caregiverRequired', 'relationRequired', 'relationOtherRequired']);
/** "其他：干妈" — the words after 其他 are kept as the relation's own words. */
const OTHER_RELATION = /^(其他|其它|other)\s*[:：]\s*(.+)$/i;
/** Left-behind without saying which parent is away: the person is asked, never a guess (issue 11). */
const AMBIGUOUS_GROUP_WORDS = new Set(['留守', '留守儿童', 'left-behind', 'leftbehind']);
const CN_GRADE = '一二三四五六七八九';

/**
 * A group as a register or roster writes it (Chinese or English, simplified or traditional):
 * a group, 'left-behind' when it says only 留守 (which parent is away not said), or null.
 * Used by the county register import (features/county/registerImport.ts).
 */
export function groupFromWord(v: string): ChildGroup | 'left-behind' | null {
  if (AMBIGUOUS_GROUP_WORDS.has(norm(v))) return 'left-behind';
  return lookup(GROUP_WORDS, norm(v)) ?? lookup(GROUP_WORDS, v.trim()) ?? null;
}

/**
 * Traditional forms of the characters in the column names and words above, so a
 * Big5 roster from Taiwan or Hong Kong (性別, 年級, 類別, 流動兒童 …) is
 * understood. Only for matching: the cells themselves (names) are kept as written.
 */
const TRADITIONAL = new Map([...'別别級级學学讀读類类兒儿顧顾監监護护現现務务記记長长關关係系與与聯联繫系電电話话顯显暱昵稱称親亲動动隨随遷迁爺爷媽妈'].flatMap((c, i, all) => (i % 2 === 0 ? [[c, all[i + 1]!] as const] : [])));
const simplify = (s: string) => (/[^\x00-\x7f]/.test(s) ? [...s].map((c) => TRADITIONAL.get(c) ?? c).join('') : s);
/** Own entries only: a cell saying `constructor` must not find Object.prototype's. */
const lookup = <T>(words: Readonly<Record<string, T>>, key: string): T | undefined => (Object.hasOwn(words, key) ? words[key] : undefined);
const norm = (s: string) => simplify(s.trim().toLowerCase().replace(/[\s_\-（）()]/g, ''));

/** A problem with one row: an i18n key under children.import.problems and its values. */
export interface RowProblem {
  readonly key: string;
  readonly values?: Record<string, string>;
}

export interface ImportRow {
  /** 1-based line in the file where the row starts (the header is line 1 when it is the first line). */
  readonly line: number;
  readonly form: ChildForm;
  readonly problems: readonly RowProblem[];
  /** The group said only 留守: which parent is away must be chosen (see previewImport's `choices`). */
  readonly askGroup: boolean;
  /**
   * Facts about the child the file did not give: imported as not filled in (caregiver left
   * unanswered, sex as 不填), never guessed, to be completed in the child's file (issue 11).
   */
  readonly notGiven: readonly ('caregiver' | 'gender')[];
}

export interface ImportPreview {
  readonly rows: readonly ImportRow[];
  /** Header cells that matched no column (shown so staff know what was ignored). */
  readonly ignoredColumns: readonly string[];
  /** A problem with the file as a whole (e.g. no name column): nothing can be imported. */
  readonly fileProblem: RowProblem | null;
}

/** What reading a file gave: a table, or two possible readings of a text file for the person to choose from. */
export type ReadResult =
  | { readonly kind: 'table'; readonly table: SourceTable; readonly encoding: TextEncodingName | 'xlsx' }
  | { readonly kind: 'ambiguous'; readonly candidates: readonly DecodeCandidate[] };

/**
 * Decodes CSV bytes (see textEncoding.ts for how the encoding is found).
 * @throws ImportFileError when the encoding is damaged, unknown or ambiguous.
 */
export function decodeText(bytes: Uint8Array, chosen?: TextEncodingName): string {
  const r = detectAndDecode(bytes, chosen);
  if (r.kind === 'ok') return r.text;
  if (r.kind === 'ambiguous') throw new ImportFileError('encoding.ambiguous');
  throw new ImportFileError(`encoding.${r.reason}`, r.line ? { line: String(r.line) } : {});
}

/** Parses CSV text into rows with the line each starts on; blank lines are skipped but counted. */
export function parseCsv(text: string): SourceTable {
  const rows: string[][] = [];
  const lines: number[] = [];
  let start = 0;
  let line = 1;
  let counted = 0;
  Papa.parse<string[]>(text, {
    step: (r) => {
      // meta.cursor is where this row ended, so the previous cursor is where it began.
      for (; counted < start; counted++) {
        const c = text.charCodeAt(counted);
        if (c === 0x0a || (c === 0x0d && text.charCodeAt(counted + 1) !== 0x0a)) line++;
      }
      const cells = (r.data as unknown[]).map((c) => String(c ?? ''));
      if (cells.some((c) => c.trim() !== '')) {
        rows.push(cells);
        lines.push(line);
      }
      start = r.meta.cursor;
    },
  });
  return { rows, lines };
}

function checkCells(table: SourceTable): SourceTable {
  if (table.rows.length - 1 > IMPORT_LIMITS.rows) throw new ImportFileError('tooManyRows', { rows: String(table.rows.length - 1), max: String(IMPORT_LIMITS.rows) });
  table.rows.forEach((row, i) => {
    if (row.some((c) => c.length > IMPORT_LIMITS.cellChars)) throw new ImportFileError('cellTooLong', { line: String(table.lines[i] ?? i + 1), max: String(IMPORT_LIMITS.cellChars) });
  });
  return table;
}

/**
 * Reads a roster file as chosen by the person: .xlsx or CSV text.
 * `encoding` is the reading the person picked after an ambiguous result.
 * @throws ImportFileError with the reason in words (size, encoding, damaged file).
 */
export async function readImportFile(name: string, bytes: Uint8Array, encoding?: TextEncodingName): Promise<ReadResult> {
  if (bytes.length === 0) throw new ImportFileError('emptyFile');
  if (bytes.length > IMPORT_LIMITS.fileBytes) throw new ImportFileError('tooBig', { size: megabytes(bytes.length), max: megabytes(IMPORT_LIMITS.fileBytes) });
  if (/\.xlsx$/i.test(name)) return { kind: 'table', table: await readXlsx(bytes), encoding: 'xlsx' };
  if (/\.xls$/i.test(name)) throw new ImportFileError('oldExcel');
  const decoded = detectAndDecode(bytes, encoding);
  if (decoded.kind === 'ambiguous') return decoded;
  if (decoded.kind === 'refused') throw new ImportFileError(`encoding.${decoded.reason}`, decoded.line ? { line: String(decoded.line) } : {});
  return { kind: 'table', table: checkCells(parseCsv(decoded.text)), encoding: decoded.encoding };
}

const megabytes = (n: number) => (n / 1024 / 1024).toFixed(1);

/** Day 0 of Excel's serial dates (it counts 1900 as a leap year, so serials after February 1900 line up with this). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
/** Serials a roster date can be: 1940-01-27 to 2119-01-11. Other numbers are not read as dates. */
function fromExcelSerial(v: string): string | null {
  const m = /^(\d{5})(\.0+)?$/.exec(v);
  if (!m) return null;
  const n = Number(m[1]);
  if (n < 14_637 || n > 80_000) return null;
  return new Date(EXCEL_EPOCH_MS + n * 86_400_000).toISOString().slice(0, 10);
}

/** yyyy-mm-dd, yyyy/m/d, yyyy.m.d, yyyy年m月d日 or an Excel serial; the whole cell must be the date, and the day must exist. */
export function parseDate(v: string): string | null {
  const s = v.trim();
  const serial = fromExcelSerial(s);
  if (serial) return serial;
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(s);
  if (!m) return null;
  const date = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  return isCalendarDate(date) ? date : null;
}

/** yyyy-mm, yyyy/m, yyyy年m月, yyyymm, a full date or an Excel serial, as yyyy-mm; null when it is none of those. */
export function parseBirthMonth(v: string): string | null {
  const s = v.trim();
  const day = parseDate(s);
  if (day) return day.slice(0, 7);
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$/.exec(s) ?? /^(\d{4})(\d{2})$/.exec(s);
  if (!m) return null;
  const month = Number(m[2]);
  return month >= 1 && month <= 12 ? `${m[1]}-${m[2]!.padStart(2, '0')}` : null;
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

export interface PreviewOptions {
  /** Groups the person chose for rows whose file said only 留守, by line. */
  readonly choices?: Readonly<Record<number, ChildGroup>>;
  /** Builds the documents the check runs the schemas on (importChildren passes the real ports). */
  readonly ports?: Ports;
  readonly centerId?: string;
}

/** Whether a parent named as guardian is the one the child's group says works away (the file's own words, nothing more). */
function parentAway(group: ChildForm['group'], relation: Relation | null): boolean {
  if (relation !== 'father' && relation !== 'mother') return false;
  if (group === 'left-behind-both-away') return true;
  return (group === 'left-behind-father-away' && relation === 'father') || (group === 'left-behind-mother-away' && relation === 'mother');
}

/** A stand-in center for checking documents in the preview, before the real write. */
const PREVIEW_CENTER = 'preview';

/**
 * Checks the rows of a roster file: the child form's check and the document
 * schemas on the documents saving would write, plus duplicates against the
 * roster and within the file. `today` fills enrolment dates left empty.
 * A plain string table (no line numbers) counts the header as line 1.
 */
export function previewImport(source: SourceTable | readonly (readonly string[])[], existing: readonly RosterEntry[], today: string, options: PreviewOptions = {}): ImportPreview {
  const table: SourceTable = 'rows' in source ? source : { rows: source, lines: source.map((_, i) => i + 1) };
  const [header, ...body] = table.rows;
  if (!header) return { rows: [], ignoredColumns: [], fileProblem: { key: 'empty' } };
  const index = new Map<ImportColumn, number>();
  const ignored: string[] = [];
  header.forEach((cell, i) => {
    const col = IMPORT_COLUMNS.find((c) => HEADER_ALIASES[c].includes(norm(cell)));
    if (col && !index.has(col)) index.set(col, i);
    else if (cell.trim()) ignored.push(cell.trim());
  });
  if (!index.has('name')) return { rows: [], ignoredColumns: ignored, fileProblem: { key: 'noNameColumn' } };
  const ports: Ports = options.ports ?? { docs: null as never, deviceId: 'import-preview', now: () => new Date(`${today}T12:00:00`) };
  const known = new Set(existing.map((e) => `${(e.priv?.fullName ?? '').trim()}|${e.child.birthMonth}`));
  const seen = new Set<string>();
  const rows = body.map((cells, i): ImportRow => {
    const line = table.lines[i + 1] ?? i + 2;
    const get = (c: ImportColumn) => (index.has(c) ? (cells[index.get(c)!] ?? '').trim() : '');
    const problems: RowProblem[] = [];
    const notGiven: ('caregiver' | 'gender')[] = [];
    const form = emptyChildForm(today);
    form.fullName = get('name');
    form.displayName = get('displayName');
    form.school = get('school');
    form.parentsWorkIn = get('parentsWorkIn');
    const gender = get('gender');
    if (gender) {
      const g = lookup(GENDER_WORDS, norm(gender));
      if (g) form.gender = g;
      else problems.push({ key: 'gender', values: { value: gender } });
    } else {
      // Not given is stored as 不填 (a sex the file does not state), and said in the preview.
      form.gender = 'unspecified';
      notGiven.push('gender');
    }
    const birth = get('birthMonth');
    form.birthMonth = parseBirthMonth(birth) ?? birth;
    const grade = get('grade');
    const gradeN = grade ? parseGrade(grade) : null;
    if (grade && gradeN === null) problems.push({ key: 'grade', values: { value: grade } });
    // No grade is asked about, like the group: a guessed grade would put the child in the wrong place on the kiosk.
    else if (!grade) problems.push({ key: 'gradeMissing' });
    form.grade = gradeN ?? 1;
    const group = get('group');
    const groupCode = lookup(GROUP_WORDS, norm(group)) ?? lookup(GROUP_WORDS, group.trim());
    const askGroup = AMBIGUOUS_GROUP_WORDS.has(norm(group));
    const chosen = options.choices?.[line];
    if (askGroup && chosen) form.group = chosen;
    else if (askGroup) problems.push({ key: 'groupAmbiguous', values: { value: group } });
    else if (!group) problems.push({ key: 'groupMissing' });
    else if (!groupCode) problems.push({ key: 'group', values: { value: group } });
    else form.group = groupCode;
    const caregiver = get('caregiver');
    if (caregiver) {
      const c = lookup(CAREGIVER_WORDS, norm(caregiver));
      if (c) form.caregiver = c;
      else problems.push({ key: 'caregiver', values: { value: caregiver } });
    } else notGiven.push('caregiver'); // left unanswered: never filled in from the group (issue 11)
    const enrolled = get('enrolledOn');
    const enrolledDate = enrolled ? parseDate(enrolled) : today;
    if (enrolledDate === null) problems.push({ key: 'date', values: { value: enrolled } });
    form.enrolledOn = enrolledDate ?? today;
    form.situationFrom = form.enrolledOn;
    const guardianName = get('guardianName');
    if (guardianName) {
      const rel = get('guardianRelation');
      const otherWords = OTHER_RELATION.exec(rel)?.[2]?.trim() ?? '';
      const relation = otherWords ? 'other' : (lookup(RELATION_WORDS, norm(rel)) ?? null);
      // No relation given is asked for, like every other fact about a child: never guessed.
      if (!rel) problems.push({ key: 'relationMissing' });
      else if (relation === null) problems.push({ key: 'relation', values: { value: rel } });
      else if (relation === 'other' && !otherWords) problems.push({ key: 'relationOtherMissing' });
      form.guardians = [{ name: guardianName, relation: relation ?? '', relationOther: otherWords, phone: get('guardianPhone'), isLegalGuardian: relation === 'father' || relation === 'mother', worksAway: parentAway(form.group, relation) }];
    }
    // An unanswered fact (…Required) is already told above in the file's own words (groupMissing, caregiver, relationMissing…).
    const allFormErrors = Object.entries(validateChildForm(form, today)).filter(([field]) => !(field === 'caregiver' && notGiven.includes('caregiver')));
    for (const [field, key] of allFormErrors.filter(([, k]) => !ANSWERED_ABOVE.has(k))) problems.push({ key: `form.${key}`, values: { field } });
    if (allFormErrors.length === 0) {
      // The documents themselves, as saving writes them: the schemas have the last word.
      const fields = schemaProblems(childDocs(ports, options.centerId ?? PREVIEW_CENTER, form, null, undefined, { caregiverMayWait: true }));
      if (fields.length > 0) problems.push({ key: 'schema', values: { fields: fields.join(', ') } });
    }
    const identity = `${form.fullName.trim()}|${form.birthMonth}`;
    if (known.has(identity)) problems.push({ key: 'duplicateExisting' });
    else if (seen.has(identity)) problems.push({ key: 'duplicateInFile' });
    seen.add(identity);
    return { line, form, problems, askGroup, notGiven };
  });
  return { rows, ignoredColumns: ignored, fileProblem: rows.length === 0 ? { key: 'empty' } : null };
}

/** Saving failed and nothing of this import was kept; `reason` is for the log, the screen says it in words. */
export class ImportSaveError extends Error {
  override name = 'ImportSaveError';
}

/**
 * Writes the children a preview approves, all at once. The rows are checked
 * again here with previewImport against `existing` (the roster as it is now),
 * so what is written is exactly what the same check approves, and children a
 * failed or repeated import already wrote count as duplicates, not new ones.
 * @returns how many children were written.
 * @throws ImportSaveError when the store refused part of the write (what was
 *   written of this import is removed again, so it is all or nothing).
 */
export async function importChildren(
  p: Ports, centerId: string, source: SourceTable, existing: readonly RosterEntry[], today: string, choices: Readonly<Record<number, ChildGroup>> = {},
  /** Checking the rows again, then writing the children: for the page's progress line. */
  onProgress: (step: { step: 'rows' | 'write'; done: number; total: number }) => void = () => {},
): Promise<number> {
  const rows = Math.max(0, source.rows.length - 1);
  onProgress({ step: 'rows', done: 0, total: rows });
  const preview = previewImport(source, existing, today, { choices, ports: p, centerId });
  const good = preview.rows.filter((r) => r.problems.length === 0);
  onProgress({ step: 'rows', done: rows, total: rows });
  if (good.length === 0) return 0;
  const docs: AnyDoc[] = good.flatMap((r) => {
    const { child, priv } = childDocs(p, centerId, r.form, null, undefined, { caregiverMayWait: true });
    // The private record first: a child profile is never left without its name.
    return [priv, child];
  });
  // bulkCreate validates every document first and writes none if any is invalid.
  onProgress({ step: 'write', done: 0, total: docs.length });
  const res = await p.docs.bulkCreate(docs);
  if (res.failed.length > 0) {
    const failedIds = new Set(res.failed.map((f) => f.id));
    for (const d of docs) if (!failedIds.has(d._id)) await p.docs.remove(d.type, d._id);
    throw new ImportSaveError(`${res.failed.length} of ${docs.length} documents were refused: ${res.failed[0]!.reason}`);
  }
  onProgress({ step: 'write', done: docs.length, total: docs.length });
  return good.length;
}

/**
 * Reads the first worksheet of an .xlsx file as a table of text cells, with
 * each row's worksheet row number. Sizes are bounded before exceljs (loaded
 * only when needed) inflates anything; a damaged file is refused in words.
 * @throws ImportFileError
 */
export async function readXlsx(bytes: Uint8Array): Promise<SourceTable> {
  try {
    await checkXlsxSizes(bytes, IMPORT_LIMITS.xlsxUncompressedBytes);
  } catch (e) {
    if (!(e instanceof XlsxLimitError)) throw e;
    if (e.problem === 'tooBig') throw new ImportFileError('xlsxTooBig', { max: megabytes(IMPORT_LIMITS.xlsxUncompressedBytes) });
    throw new ImportFileError(e.problem === 'notZip' ? 'notXlsx' : 'xlsxDamaged');
  }
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  } catch {
    // JSZip's and exceljs's own messages are English and technical; the person gets the reason in words.
    throw new ImportFileError('xlsxDamaged');
  }
  const sheet = book.worksheets[0];
  if (!sheet) return { rows: [], lines: [] };
  const rows: string[][] = [];
  const lines: number[] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      const v = cell.value;
      cells[col - 1] = v instanceof Date ? v.toISOString().slice(0, 10) : typeof v === 'object' && v !== null && 'text' in v ? String(v.text) : String(cell.text ?? v ?? '');
    });
    const out = Array.from(cells, (c) => c ?? '');
    if (out.some((c) => c.trim() !== '')) {
      rows.push(out);
      lines.push(row.number);
    }
  });
  return checkCells({ rows, lines });
}

// The words export writes; each is one import reads back, so an exported file re-imports unchanged.
const GENDER_OUT: Record<Gender, string> = { female: '女', male: '男', unspecified: '' };
const GROUP_OUT: Record<ChildGroup, string> = {
  'left-behind-father-away': '留守（父亲外出）', 'left-behind-mother-away': '留守（母亲外出）', 'left-behind-both-away': '留守（父母都外出）',
  migrant: '流动儿童', local: '本地儿童', other: '其他',
};
const CAREGIVER_OUT: Record<Caregiver, string> = { grandparent: '祖父母', parent: '父母', relative: '亲戚', 'surrogate-parent': '代理家长', other: '其他' };
const RELATION_OUT: Record<Relation, string> = {
  father: '父亲', mother: '母亲', grandfather: '爷爷', grandmother: '奶奶', relative: '亲戚', 'surrogate-parent': '代理家长', teacher: '其他', self: '其他', other: '其他',
  'paternal-grandparent': '祖父母', 'maternal-grandparent': '外祖父母', 'maternal-uncle': '舅舅', 'paternal-aunt': '姑姑', 'paternal-uncle': '叔叔', 'maternal-aunt': '阿姨', sibling: '哥哥姐姐',
};

/** The roster as a table with the same columns import reads (Chinese headers), for CSV or XLSX. */
export function exportTable(entries: readonly RosterEntry[], today: string): string[][] {
  const header = ['姓名', '小名', '性别', '出生年月', '年级', '学校', '类别', '照顾人', '父母打工城市', '入站日期', '监护人', '监护人关系', '监护人电话'];
  const rows = entries.map((e) => {
    const g = e.priv?.guardians[0];
    const period = e.child.groupHistory.at(-1)!;
    return [
      e.priv?.fullName ?? '', e.priv?.displayName ?? '', GENDER_OUT[e.child.gender], e.child.birthMonth, String(e.child.grade), e.child.school,
      GROUP_OUT[groupOn(e.child, today)], period.caregiver ? CAREGIVER_OUT[period.caregiver] : '', period.parentsWorkIn ?? '', e.child.enrolledOn, g?.name ?? '', g ? (g.relation === 'other' && g.relationOther ? `其他：${g.relationOther}` : RELATION_OUT[g.relation]) : '', g?.phone ?? '',
    ];
  });
  return [header, ...rows];
}

/** Rows of an export per progress report: a 300-child roster reports a few times. */
const EXPORT_CHUNK = 50;

/**
 * The table as an .xlsx file (base64). Every cell is written as a string with
 * the text number format ("@"): a string value is never a formula in the file,
 * and with the text format Excel and WPS keep the cell text even when someone
 * edits it later, so a name such as `=HYPERLINK(…)` stays a name.
 */
export async function toXlsxBase64(table: readonly (readonly string[])[], onRows: (done: number, total: number) => void = () => {}): Promise<string> {
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('名单');
  const total = Math.max(0, table.length - 1);
  for (const [r, cells] of table.entries()) {
    const row = sheet.getRow(r + 1);
    cells.forEach((value, c) => {
      const cell = row.getCell(c + 1);
      cell.numFmt = '@';
      cell.value = String(value);
    });
    row.commit();
    // The header is row 0; rows written so far are reported, and the page paints, every EXPORT_CHUNK rows.
    if (r > 0 && (r % EXPORT_CHUNK === 0 || r === total)) {
      onRows(r, total);
      await yieldToUi();
    }
  }
  const buffer = new Uint8Array(await book.xlsx.writeBuffer());
  let s = '';
  for (let i = 0; i < buffer.length; i += 0x8000) s += String.fromCharCode(...buffer.subarray(i, i + 0x8000));
  return btoa(s);
}
