/**
 * Writes this center's centerTally documents (domain/county/centerTally.ts):
 * the counts the county dashboard needs that no single event carries. Run by
 * the sync when it goes idle, at most every TALLY_EVERY_MS: the previous and
 * current month, the current term and the current year. An unchanged tally is
 * not written again, so an idle kiosk sends nothing new.
 */
import { centerTally, sameCounts } from '@/domain/county/centerTally';
import { moodTally, sameMoodCounts } from '@/domain/county/moodTally';
import { sameServiceCounts, serviceMonthTally } from '@/domain/county/serviceMonthTally';
import { tallyOf } from '@/domain/tally';
import { periodBounds, periodMonths, periodsOf, previousMonth } from '@/domain/county/periods';
import { localDate } from '@/domain/dates';
import type { CenterDoc, DocOf, MoodTallyDoc, ServiceMonthTallyDoc } from '@sync/schema/documents';
import { ids } from '@sync/schema/ids';
import type { DocStore } from '../storage/ports';
import { loadContactEvents } from './familyContacts';
import { activitiesFrom, activitiesOfMonth } from './activities';

/** Either monthly tally: both carry the envelope of domain/county/monthTally.ts. */
type MonthTallyDoc = MoodTallyDoc | ServiceMonthTallyDoc;

export const TALLY_EVERY_MS = 6 * 60 * 60_000;
/**
 * The current month's mood tally follows the check-ins more closely than the other counts:
 * recounted (and written when its counts changed) whenever sync goes idle and this long has
 * passed, once the kiosk has been left alone for a moment (app/quiet.ts), since it reads the
 * month's check-ins. The term's other months are recounted with the other tallies.
 */
export const MOOD_TALLY_EVERY_MS = 10 * 60_000;

/** @returns how many tallies were written. */
export async function writeCenterTallies(docs: DocStore, center: CenterDoc, deviceId: string, now: Date): Promise<number> {
  const today = localDate(now);
  const p = periodsOf(today);
  const periods = [previousMonth(p.month), p.month, p.term, p.year];
  const from = periods.map((x) => periodBounds(x).from).sort()[0]!;
  const [children, consents, staff, followups, days, attendance, activities, contacts] = await Promise.all([
    docs.list('child', 'child:'),
    docs.list('consent', 'consent:'),
    docs.list('staff', 'staff:'),
    docs.list('followup', 'followup:'),
    docs.listRange('day', `day:${from}`, `day:${today}\ufff0`),
    docs.listRange('attendance', `att:${from}`, `att:${today}\ufff0`),
    activitiesFrom(docs, from),
    // Issue 15: a delivered family message or a call that happened counts as parent–child contact (counted, never content).
    loadContactEvents(docs, from),
  ]);
  const records = { center, children, consents, staff, followups, days, attendance, activities: [...activities, ...contacts] };
  let written = 0;
  for (const period of periods) {
    const fresh = centerTally(records, period, today, deviceId, now.toISOString());
    await docs.update('centerTally', ids.centerTally(center.centerId, period), (current) => {
      if (current && sameCounts(current, fresh)) return null;
      written++;
      return current ? { ...fresh, _rev: current._rev, createdAt: current.createdAt } : fresh;
    });
  }
  return written;
}

/**
 * Writes this center's mood tallies (domain/county/moodTally.ts) for `months` (yyyy-mm),
 * each recomputed from the month's check-ins on this kiosk; an unchanged one is not written
 * again. Two kiosks writing the same month's tally conflict like centerTally: the latest
 * `updatedAt` wins (sync/client/conflicts.ts), and the next recount on either kiosk, once
 * both have every check-in, writes the full counts.
 * @returns how many tallies were written.
 */
export async function writeMoodTallies(docs: DocStore, centerId: string, deviceId: string, months: readonly string[], now: Date): Promise<number> {
  let written = 0;
  for (const month of months) {
    const moods = await docs.listRange('mood', `mood:${month}`, `mood:${month}\ufff0`);
    const fresh = moodTally(moods, centerId, month, deviceId, now.toISOString());
    if (await keepMonthTally(docs, 'moodTally', fresh, sameMoodCounts, fresh.byGroup.length === 0)) written++;
  }
  return written;
}

/**
 * The months whose mood tallies a refresh writes on `now`: the current month; with `all`
 * (the refresh every TALLY_EVERY_MS) also the previous month and every month of the current
 * term so far — late edits, another kiosk's check-ins, and a kiosk that had written none yet.
 */
export function moodTallyMonths(now: Date, all: boolean): string[] {
  const p = periodsOf(localDate(now));
  if (!all) return [p.month];
  return [...new Set([previousMonth(p.month), ...periodMonths(p.term).filter((m) => m <= p.month)])].sort();
}

/**
 * Writes this center's service tallies (domain/county/serviceMonthTally.ts) for `months`
 * (yyyy-mm), each recounted from the month's sessions on this kiosk; an unchanged one is not
 * written again, and a month without sessions gets none unless it had one (a withdrawn last
 * session leaves a tally of no sessions, so the county's counts drop with it). Run when a
 * session is saved, corrected or withdrawn (its months), and when sync goes idle with the mood
 * tallies' months (another kiosk's sessions). Conflicts between two kiosks settle like the mood
 * tally's: the latest `updatedAt` wins, and the next recount writes the full counts.
 * @returns how many tallies were written.
 */
export async function writeServiceTallies(docs: DocStore, centerId: string, deviceId: string, months: readonly string[], now: Date): Promise<number> {
  let written = 0;
  for (const month of new Set(months)) {
    const sessions = (await activitiesOfMonth(docs, month, now)).map(tallyOf);
    const fresh = serviceMonthTally(sessions, centerId, month, deviceId, now.toISOString());
    if (await keepMonthTally(docs, 'serviceMonthTally', fresh, sameServiceCounts, fresh.cells.length === 0)) written++;
  }
  return written;
}

/**
 * Stores a recounted monthly tally unless the stored one has the same counts (or, with none
 * stored, the recount is empty), keeping the stored one's creation time. @returns whether it was written.
 */
async function keepMonthTally<K extends 'moodTally' | 'serviceMonthTally'>(docs: DocStore, type: K, fresh: DocOf<K>, same: (stored: DocOf<K>, fresh: DocOf<K>) => boolean, empty: boolean): Promise<boolean> {
  let written = false;
  // DocOf<K> of a type parameter hides the fields both tally types share; name them once here.
  const id = (fresh as MonthTallyDoc)._id;
  await docs.update(type, id, (current) => {
    if (current ? same(current, fresh) : empty) return null;
    written = true;
    if (!current) return fresh;
    const stored = current as MonthTallyDoc;
    return { ...fresh, _rev: stored._rev, createdAt: stored.createdAt };
  });
  return written;
}
