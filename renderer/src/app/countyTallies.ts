/**
 * Writes this center's centerTally documents (domain/county/centerTally.ts):
 * the counts the county dashboard needs that no single event carries. Run by
 * the sync when it goes idle, at most every TALLY_EVERY_MS: the previous and
 * current month, the current term and the current year. An unchanged tally is
 * not written again, so an idle kiosk sends nothing new.
 */
import { centerTally, sameCounts } from '@/domain/county/centerTally';
import { periodBounds, periodsOf, previousMonth } from '@/domain/county/periods';
import { localDate } from '@/domain/dates';
import type { CenterDoc } from '@sync/schema/documents';
import { ids } from '@sync/schema/ids';
import type { DocStore } from '../storage/ports';
import { loadContactEvents } from './familyContacts';
import { activitiesFrom } from './activities';

export const TALLY_EVERY_MS = 6 * 60 * 60_000;

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
