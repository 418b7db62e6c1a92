/**
 * A center's counts for one reporting period (sync/schema: centerTally), which
 * the kiosk computes from its own records and the county copy carries instead
 * of anything about a person: distinct children enrolled, reached, attending
 * regularly, with a long gap, visited by a surrogate parent, in contact with
 * parents away; active staff and volunteers; open and overdue follow-ups.
 *
 * Definitions (shown on the dashboard too):
 * - open day: a day of the center's usual weekdays, unless recorded as not
 *   held, or any day recorded as held; only days up to today count.
 * - regular: present on at least REGULAR_SHARE of the open days the child was
 *   enrolled in the period.
 * - long gap: LONG_GAP_OPEN_DAYS or more open days in a row without attending,
 *   while enrolled.
 * Children count only with county-statistics consent on the last day counted,
 * in the group they were in then. Pure.
 */
import type { ActivityDoc, CenterDoc, CenterTallyDoc, ChildDoc, ConsentDoc, DayDoc, FollowupDoc, GroupTally, StaffDoc } from '@sync/schema/documents';
import { SCHEMA_VERSION } from '@sync/schema/documents';
import { ids } from '@sync/schema/ids';
import { CHILD_GROUPS, type ChildGroup } from '@sync/schema/vocab';
import { consentOn } from '../consent';
import { groupOn } from '../child';
import { dateRange, weekday } from '../dates';
import { periodBounds } from './periods';

export const REGULAR_SHARE = 0.5;
export const LONG_GAP_OPEN_DAYS = 10;

export interface CenterRecords {
  readonly center: CenterDoc;
  readonly children: readonly ChildDoc[];
  readonly consents: readonly ConsentDoc[];
  readonly staff: readonly StaffDoc[];
  readonly followups: readonly FollowupDoc[];
  readonly days: readonly DayDoc[];
  /** Attendance documents (any status; only `present` counts). */
  readonly attendance: readonly { readonly childId: string; readonly date: string; readonly status: string }[];
  /** Service sessions, and parent–child contacts from 亲情连线 (domain/familyContact.ts), which count the same. */
  readonly activities: readonly (Pick<ActivityDoc, 'date' | 'serviceType'> & { readonly participants: readonly { readonly childId: string }[] })[];
}

/** The open days from `from` to `to` inclusive. */
export function openDays(center: Pick<CenterDoc, 'settings'>, days: readonly Pick<DayDoc, 'date' | 'held'>[], from: string, to: string): string[] {
  const held = new Map(days.map((d) => [d.date, d.held]));
  return from > to ? [] : dateRange(from, to).filter((d) => held.get(d) ?? center.settings.openWeekdays.includes(weekday(d)));
}

/** The tally of `period` as of `today` (the period is cut at today). @throws RangeError for a malformed period. */
export function centerTally(r: CenterRecords, period: string, today: string, deviceId: string, nowIso: string): CenterTallyDoc {
  const bounds = periodBounds(period);
  const to = bounds.to < today ? bounds.to : today;
  const from = bounds.from;
  const open = openDays(r.center, r.days, from, to);
  const consentsByChild = new Map<string, ConsentDoc[]>();
  for (const c of r.consents) consentsByChild.set(c.childId, [...(consentsByChild.get(c.childId) ?? []), c]);
  const present = new Map<string, Set<string>>();
  for (const a of r.attendance)
    if (a.status === 'present' && a.date >= from && a.date <= to) present.set(a.childId, (present.get(a.childId) ?? new Set()).add(a.date));
  const servedWith = (type: string) => {
    const s = new Set<string>();
    for (const a of r.activities) if (a.serviceType === type && a.date >= from && a.date <= to) for (const p of a.participants) s.add(p.childId);
    return s;
  };
  const visited = servedWith('surrogate-parent-visit');
  const contacted = servedWith('parent-child-contact');

  const byGroup = new Map<ChildGroup, GroupTally>();
  for (const child of r.children) {
    const childId = child._id.slice(child._id.indexOf(':') + 1);
    const start = child.enrolledOn > from ? child.enrolledOn : from;
    const end = child.leftOn !== null && child.leftOn < to ? child.leftOn : to;
    if (start > end) continue;
    if (!consentOn(consentsByChild.get(childId) ?? [], end)['county-stats']) continue;
    const group = groupOn(child, end);
    const t = byGroup.get(group) ?? { group, enrolled: 0, reached: 0, regular: 0, longGap: 0, surrogateVisit: 0, parentContact: 0 };
    const attended = present.get(childId) ?? new Set<string>();
    const enrolledOpen = open.filter((d) => d >= start && d <= end);
    let run = 0;
    let longest = 0;
    for (const d of enrolledOpen) {
      run = attended.has(d) ? 0 : run + 1;
      longest = Math.max(longest, run);
    }
    const daysPresent = enrolledOpen.filter((d) => attended.has(d)).length;
    byGroup.set(group, {
      group,
      enrolled: t.enrolled + 1,
      reached: t.reached + (attended.size > 0 ? 1 : 0),
      regular: t.regular + (enrolledOpen.length > 0 && daysPresent >= REGULAR_SHARE * enrolledOpen.length ? 1 : 0),
      longGap: t.longGap + (longest >= LONG_GAP_OPEN_DAYS ? 1 : 0),
      surrogateVisit: t.surrogateVisit + (visited.has(childId) ? 1 : 0),
      parentContact: t.parentContact + (contacted.has(childId) ? 1 : 0),
    });
  }
  const endIso = `${to}T23:59:59`;
  const openAtEnd = r.followups.filter((f) => f.openedAt.slice(0, 10) <= to && (f.status !== 'closed' || (f.closedAt !== null && f.closedAt > endIso)));
  return {
    _id: ids.centerTally(r.center.centerId, period),
    type: 'centerTally',
    centerId: r.center.centerId,
    schemaVersion: SCHEMA_VERSION,
    createdAt: nowIso,
    updatedAt: nowIso,
    deviceId,
    period,
    from,
    to,
    openDays: open.length,
    staffActive: r.staff.filter((s) => s.active && s.role !== 'volunteer').length,
    volunteersActive: r.staff.filter((s) => s.active && s.role === 'volunteer').length,
    followupsOpen: openAtEnd.length,
    followupsOverdue: openAtEnd.filter((f) => f.dueOn < to).length,
    byGroup: CHILD_GROUPS.flatMap((g) => byGroup.get(g) ?? []),
  };
}

/** Whether two tallies say the same (so an unchanged one is not written again); key order does not matter. */
export function sameCounts(a: CenterTallyDoc, b: CenterTallyDoc): boolean {
  const fields = (d: CenterTallyDoc) =>
    JSON.stringify([d._id, d.centerId, d.period, d.from, d.to, d.openDays, d.staffActive, d.volunteersActive, d.followupsOpen, d.followupsOverdue, d.byGroup.map((g) => [g.group, g.enrolled, g.reached, g.regular, g.longGap, g.surrogateVisit, g.parentContact])]);
  return fields(a) === fields(b);
}
