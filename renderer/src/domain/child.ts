/**
 * What the app derives from a child's pseudonymous profile: age, age band, the
 * group at a date (a child's situation changes — a mother leaves for work, a
 * family moves — and county figures must use the situation at each event), and
 * the snapshot that events carry so the county aggregates without names or joins.
 */
import type { AgeBand, Caregiver, ChildGroup } from '@sync/schema/vocab';
import type { ChildDoc, ChildSnapshot, GroupPeriod } from '@sync/schema/documents';
import { byCodeUnits } from './search';

/** Age in whole years on `date`, from a birth month (the day is taken as the 1st). */
export function ageOn(birthMonth: string, date: string): number {
  const [by, bm] = birthMonth.split('-').map(Number);
  const [y, m] = date.split('-').map(Number);
  if (by === undefined || bm === undefined || y === undefined || m === undefined) return NaN;
  return y - by - (m < bm ? 1 : 0);
}

export function ageBand(age: number): AgeBand {
  if (age < 6) return 'under-6';
  if (age <= 8) return '6-8';
  if (age <= 11) return '9-11';
  if (age <= 15) return '12-15';
  return 'over-15';
}

/**
 * The period in force on `date`: the latest one that began on or before it.
 * Before the first recorded period the first one applies (enrolment may predate the record).
 */
export function periodOn(history: readonly GroupPeriod[], date: string): GroupPeriod {
  let current = history[0];
  if (!current) throw new Error('a child has no group history');
  for (const p of history) if (p.from <= date && p.from >= current.from) current = p;
  return current;
}

export function groupOn(child: Pick<ChildDoc, 'groupHistory'>, date: string): ChildGroup {
  return periodOn(child.groupHistory, date).group;
}

/** @returns undefined when who looks after the child was not recorded (an import that did not say: issue 11). */
export function caregiverOn(child: Pick<ChildDoc, 'groupHistory'>, date: string): Caregiver | undefined {
  return periodOn(child.groupHistory, date).caregiver;
}

export function isLeftBehind(group: ChildGroup): boolean {
  return group.startsWith('left-behind');
}

/** The de-identified facts an event carries about the child, as of `date`. */
export function snapshotOf(
  child: Pick<ChildDoc, 'groupHistory' | 'birthMonth' | 'gender'>,
  date: string,
  countyOk: boolean,
): ChildSnapshot {
  return {
    group: groupOn(child, date),
    ageBand: ageBand(ageOn(child.birthMonth, date)),
    gender: child.gender,
    countyOk,
  };
}

/**
 * Adds a new situation from `from`, replacing any period that starts the same day,
 * keeping history sorted. Returns a new array.
 */
export function withPeriod(history: readonly GroupPeriod[], period: GroupPeriod): GroupPeriod[] {
  return [...history.filter((p) => p.from !== period.from), period].sort((a, b) => byCodeUnits(a.from, b.from));
}
