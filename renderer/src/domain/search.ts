/**
 * Roster search: by name (汉字), by pinyin initials ("zxm" finds 张小明), by
 * full pinyin prefix ("zhangx"), and by grade ("3" or "3年级"). The index is
 * built once per roster change so each keystroke is only string compares —
 * the budget is 16 ms per keystroke with 300 children (bench/). The index entries
 * are made in domain/pinyin.ts, apart: its dictionary is half a megabyte of code
 * the first screen does not need (issue 19).
 */
export interface SearchEntry {
  readonly childId: string;
  readonly name: string;
  readonly displayName: string;
  readonly grade: number;
  /** Lowercase first letters, e.g. "zxm". */
  readonly initials: string;
  /** Lowercase pinyin without tones or spaces, e.g. "zhangxiaoming". */
  readonly spelled: string;
}

const CN_DIGITS = '一二三四五六七八九';

/** "3", "3年级" or "三年级" → 3; anything else → null. */
function gradeQuery(q: string): number | null {
  const digits = /^(\d{1,2})(年级)?$/.exec(q);
  if (digits) return Number(digits[1]);
  const chinese = /^([一二三四五六七八九])年级$/.exec(q);
  return chinese ? CN_DIGITS.indexOf(chinese[1]!) + 1 : null;
}

/** Matching entries in their original order. An empty query matches everything. */
export function searchRoster(entries: readonly SearchEntry[], rawQuery: string): SearchEntry[] {
  const q = rawQuery.trim().toLowerCase().replace(/\s+/g, '');
  if (!q) return [...entries];
  const grade = gradeQuery(q);
  if (grade !== null) return entries.filter((e) => e.grade === grade);
  const latin = /^[a-z]+$/.test(q);
  return entries.filter((e) =>
    latin ? e.initials.startsWith(q) || e.spelled.startsWith(q) || e.initials.includes(q) : e.name.includes(q) || e.displayName.includes(q),
  );
}
