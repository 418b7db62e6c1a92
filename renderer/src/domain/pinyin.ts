/**
 * Search index entries for roster search (domain/search.ts): a name's pinyin. Kept apart
 * from the search itself because pinyin-pro carries its dictionary (about 450 KB of
 * code): the roster loads this module once the kiosk home is drawn (issue 19; app/roster.ts).
 */
import { pinyin } from 'pinyin-pro';
import { phoneDigits, type SearchEntry } from './search';

/** Pinyin of a Chinese personal name, reading the first character as a surname (曾 zēng, 单 shàn). */
export function namePinyin(name: string): { initials: string; spelled: string; family: string } {
  const syllables = pinyin(name, { toneType: 'none', type: 'array', surname: 'head', nonZh: 'consecutive' }) as string[];
  const clean = syllables.map((s) => s.toLowerCase().replace(/[^a-z0-9ü]/g, '').replace(/ü/g, 'v'));
  return { initials: clean.map((s) => s.charAt(0)).join(''), spelled: clean.join(''), family: clean[0] ?? '' };
}

export function indexEntry(childId: string, name: string, displayName: string, grade: number, phones: readonly string[] = []): SearchEntry {
  return { childId, name, displayName, grade, ...namePinyin(name), phones: phones.map(phoneDigits).filter((p) => p.length > 0) };
}

