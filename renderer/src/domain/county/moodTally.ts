/**
 * A center's mood check-ins of one month, counted by child group and face
 * (sync/schema: moodTally) — what the county's wellbeing chart draws. The county
 * view `month_moods` sums these few numbers (at most groups × 5 per center and
 * month) instead of reading one row per check-in, which on the trial server is what
 * a grouped reduce costs.
 *
 * The tally is always recomputed from the check-ins of the month as the kiosk holds
 * them, never incremented: two kiosks of one center, a re-sync or an undone check-in
 * all end at the same counts once the kiosk has the month's check-ins. A check-in
 * counts as its county copy does (sync/schema/county.ts): a face chosen, and the
 * guardian's county-statistics consent at the time (snapshot.countyOk), in the group
 * of its snapshot. No child id, name or date is in it. Pure.
 */
import type { MoodDoc, MoodTallyDoc } from '@sync/schema/documents';
import { MOOD_FACES } from '@sync/schema/documents';
import { ids } from '@sync/schema/ids';
import { CHILD_GROUPS, type ChildGroup } from '@sync/schema/vocab';
import { monthTallyEnvelope } from './monthTally';

export type CountedMood = Pick<MoodDoc, 'date' | 'face' | 'snapshot'>;

/** The tally of `month` (yyyy-mm) from `moods` (others are ignored). @throws InvalidIdError for a malformed center id or month. */
export function moodTally(moods: readonly CountedMood[], centerId: string, month: string, deviceId: string, nowIso: string): MoodTallyDoc {
  const byGroup = new Map<ChildGroup, number[]>();
  for (const m of moods) {
    if (m.face === null || !m.snapshot.countyOk || m.date.slice(0, 7) !== month) continue;
    const faces = byGroup.get(m.snapshot.group) ?? new Array<number>(MOOD_FACES).fill(0);
    faces[m.face - 1]!++;
    byGroup.set(m.snapshot.group, faces);
  }
  return {
    ...monthTallyEnvelope('moodTally', ids.moodTally(centerId, month), centerId, month, deviceId, nowIso),
    byGroup: CHILD_GROUPS.flatMap((group) => {
      const faces = byGroup.get(group);
      return faces ? [{ group, faces }] : [];
    }),
  };
}

/** One tally per month that has check-ins (for seeding a county without kiosks: the bench and the tests). */
export function moodTalliesOf(moods: readonly CountedMood[], centerId: string, deviceId: string, nowIso: string): MoodTallyDoc[] {
  const months = [...new Set(moods.map((m) => m.date.slice(0, 7)))].sort();
  return months.map((month) => moodTally(moods, centerId, month, deviceId, nowIso));
}

/** Whether two tallies say the same (so an unchanged one is not written again). */
export function sameMoodCounts(a: MoodTallyDoc, b: MoodTallyDoc): boolean {
  const fields = (d: MoodTallyDoc) => JSON.stringify([d._id, d.centerId, d.month, d.byGroup.map((g) => [g.group, g.faces])]);
  return fields(a) === fields(b);
}
