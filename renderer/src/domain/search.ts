/**
 * Roster search: by name (汉字), by pinyin initials ("zxm" finds 张小明), by
 * full pinyin prefix ("zhangx"), by grade ("3" or "3年级"), and — for staff who may see
 * guardians, never on the child-facing grid — by a guardian's phone number, typed with
 * any spacing ("138 0013 8000", "138-0013", "+86 13800138000"). The index is
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
  /** The first character's pinyin read as a family name (曾 "zeng", not "ceng"): the kiosk's family-name order. */
  readonly family: string;
  /** The guardians' phone numbers as digits only (phoneDigits); searched only when the caller allows it. */
  readonly phones: readonly string[];
}

/**
 * Plain code-unit order: pinyin spellings are lowercase ASCII, where it is the same as a
 * collator's, without building one (the first collator of a page loads ICU data: issue 19).
 * Also the order for ISO dates and timestamps of one shape (their time order) and for ids:
 * machine strings are never compared with `localeCompare`, which builds that collator.
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** At least this many digits make a query a phone number rather than a grade. */
export const PHONE_QUERY_MIN_DIGITS = 4;

/** A phone number as its digits, without China's +86 / 0086 in front of a mobile number. */
export function phoneDigits(phone: string): string {
  const d = phone.replace(/\D/g, '');
  if (d.length === 13 && d.startsWith('86')) return d.slice(2);
  if (d.length === 15 && d.startsWith('0086')) return d.slice(4);
  return d;
}

const CN_DIGITS = '一二三四五六七八九';

/** "3", "3年级" or "三年级" → 3; anything else → null. */
function gradeQuery(q: string): number | null {
  const digits = /^(\d{1,2})(年级)?$/.exec(q);
  if (digits) return Number(digits[1]);
  const chinese = /^([一二三四五六七八九])年级$/.exec(q);
  return chinese ? CN_DIGITS.indexOf(chinese[1]!) + 1 : null;
}

/**
 * Matching entries in their original order. An empty query matches everything.
 * `byPhone`: a query of digits (with any spaces, dashes, brackets or +86) also finds a child by
 * a guardian's phone number — only for staff whose role sees guardians.
 */
export function searchRoster(entries: readonly SearchEntry[], rawQuery: string, options: { readonly byPhone?: boolean } = {}): SearchEntry[] {
  const q = rawQuery.trim().toLowerCase().replace(/\s+/g, '');
  if (!q) return [...entries];
  if (options.byPhone && /^[\d+\-()（）.]+$/.test(q)) {
    const digits = phoneDigits(q);
    if (digits.length >= PHONE_QUERY_MIN_DIGITS) return entries.filter((e) => e.phones.some((p) => p.includes(digits)));
  }
  const grade = gradeQuery(q);
  if (grade !== null) return entries.filter((e) => e.grade === grade);
  const latin = /^[a-z]+$/.test(q);
  return entries.filter((e) =>
    latin ? e.initials.startsWith(q) || e.spelled.startsWith(q) || e.initials.includes(q) : e.name.includes(q) || e.displayName.includes(q),
  );
}
