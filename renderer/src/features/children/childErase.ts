/**
 * What the erasure confirmation in a child's file shows (ChildErase.vue): of the child's
 * records on this kiosk (app/erasure.ts `childDocCounts`, by type), what leaves the kiosk —
 * all of them, the kiosk's own county copies included — and what the county database keeps:
 * its de-identified copies of the child's screenings (sync/schema/county.ts: the screening
 * levels table counts them), which an erasure leaves in place so every county count stays the
 * same. The retired per-event copies of check-ins and mood answers (`countyAttendance`,
 * `countyMood`, written by older kiosks) are not kept: no county view counts them, and
 * county-purge purges them from the county database with the rest of the child.
 */
import { COUNTY_TYPES } from '@sync/schema/county';

/** The county copies of a child's events that the county keeps after an erasure: one per counted screening. */
export const COUNTY_EVENT_TYPES = ['countyScreening'] as const satisfies readonly (typeof COUNTY_TYPES)[number][];
export type CountyEventType = (typeof COUNTY_EVENT_TYPES)[number];

export interface CountedKinds<T extends string = string> {
  readonly total: number;
  /** Kinds with at least one record, largest first. */
  readonly byType: readonly (readonly [T, number])[];
}

function counted<T extends string>(entries: [T, number][]): CountedKinds<T> {
  const byType = entries.filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  return { total: byType.reduce((s, [, n]) => s + n, 0), byType };
}

/** Every record of the child on this kiosk, by kind: all of them leave it. */
export function kioskRemoved(counts: Readonly<Record<string, number>>): CountedKinds {
  return counted(Object.entries(counts));
}

/** What the county database keeps of the child: its event copies (no name, no link to one once the profile is gone). */
export function countyKept(counts: Readonly<Record<string, number>>): CountedKinds<CountyEventType> {
  return counted(COUNTY_EVENT_TYPES.map((t) => [t, counts[t] ?? 0]));
}
