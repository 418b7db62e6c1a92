/** Which children the kiosk grid shows, and in what order. */
import type { RosterEntry } from '../../app/roster';
import { consentOn } from '@/domain/consent';
import { mayMessage } from '@/domain/familyContact';
import { byCodeUnits } from '@/domain/search';

/** Wrong picture codes in a row before the kiosk sends the child to a teacher. */
export const MAX_CODE_TRIES = 3;

/**
 * Enrolled, not archived, not left; for check-out, only children here now
 * (so the grid is short at the end of the day); for a family message (issue 15), only
 * children whose consent covers it. Ordered by grade then name.
 */
export function kioskGrid(
  entries: readonly RosterEntry[],
  today: string,
  mode: 'check-in' | 'check-out' | 'talk' | 'message',
  hereNow: ReadonlySet<string>,
  grade: number | null,
): RosterEntry[] {
  return entries.filter(
    (e) =>
      !e.child.archived &&
      e.child.enrolledOn <= today &&
      (e.child.leftOn === null || e.child.leftOn > today) &&
      (mode !== 'check-out' || hereNow.has(e.childId)) &&
      (mode !== 'message' || mayMessage(consentOn(e.consents, today))) &&
      (grade === null || e.child.grade === grade),
  );
}

/**
 * A roster this small is shown as one grid at once: it fits a 1024×600 screen
 * without scrolling, so the child finds their tile with no extra step.
 */
export const DIRECT_GRID_MAX = 12;
/** The most tiles one family-name group holds: what fits a 1024×600 screen without scrolling. */
export const GROUP_MAX = 18;

/** One big button on the first step: a family name (and, for a big family name, a grade or a part). */
export interface KioskGroup {
  readonly key: string;
  /** The first character of the family name, as the child knows it. */
  readonly initial: string;
  /** Set when a family name is too common for one screen and is split by grade. */
  readonly grade: number | null;
  /** 1, 2, … when one grade of one family name still does not fit one screen. */
  readonly part: number | null;
  readonly entries: readonly RosterEntry[];
}

/** The first character of the child's full (family-first) name; '?' when the private record is missing. */
export function familyInitial(e: RosterEntry): string {
  const full = e.priv?.fullName.trim() ?? '';
  return full.length > 0 ? [...full][0]! : '?';
}

/**
 * Family names in pinyin order by their reading as a family name (曾 zēng, 单 shàn — what the
 * roster's search index already holds), the same syllable by character; children by grade, then
 * name. No collator: the first Intl.Collator of a page loads ICU data (issue 19: cold start).
 */
function byFamily(a: RosterEntry, b: RosterEntry): number {
  return byCodeUnits(a.search.family, b.search.family) || byCodeUnits(familyInitial(a), familyInitial(b));
}
function byName(a: RosterEntry, b: RosterEntry): number {
  return byCodeUnits(a.search.spelled, b.search.spelled) || byCodeUnits(a.priv?.fullName ?? '', b.priv?.fullName ?? '');
}

/**
 * The first step of finding yourself on a big roster: one button per family
 * name (first character of the full name), in pinyin order. Inside a group the
 * children expected now come first — for check-in, those not yet here today —
 * then by name. A family name with more children than fit one screen is split
 * by grade, and a grade still too big into numbered parts, so that after this
 * one tap every child's tile is on screen without scrolling.
 */
export function kioskGroups(grid: readonly RosterEntry[], mode: 'check-in' | 'check-out' | 'talk' | 'message', hereNow: ReadonlySet<string>, max = GROUP_MAX): KioskGroup[] {
  const byInitial = new Map<string, RosterEntry[]>();
  for (const e of grid) {
    const k = familyInitial(e);
    const list = byInitial.get(k);
    if (list) list.push(e);
    else byInitial.set(k, [e]);
  }
  const expectedFirst = (a: RosterEntry, b: RosterEntry) => {
    const wait = (e: RosterEntry) => (mode === 'check-in' && hereNow.has(e.childId) ? 1 : 0);
    return wait(a) - wait(b) || a.child.grade - b.child.grade || byName(a, b);
  };
  const groups: KioskGroup[] = [];
  const initials = [...byInitial.keys()].sort((a, b) => (a === '?' ? 1 : b === '?' ? -1 : byFamily(byInitial.get(a)![0]!, byInitial.get(b)![0]!)));
  for (const initial of initials) {
    const members = [...byInitial.get(initial)!].sort(expectedFirst);
    if (members.length <= max) {
      groups.push({ key: initial, initial, grade: null, part: null, entries: members });
      continue;
    }
    const grades = [...new Set(members.map((e) => e.child.grade))].sort((a, b) => a - b);
    for (const g of grades) {
      const inGrade = members.filter((e) => e.child.grade === g);
      const parts = Math.ceil(inGrade.length / max);
      for (let p = 0; p < parts; p++) {
        groups.push({
          key: `${initial}:${g}:${p + 1}`,
          initial,
          grade: g,
          part: parts > 1 ? p + 1 : null,
          entries: inGrade.slice(p * max, (p + 1) * max),
        });
      }
    }
  }
  return groups;
}
