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
 * - attendance band: the share of the open days while enrolled that the child
 *   attended — none (0 days, or no open day while enrolled), under 25 %,
 *   25–49 %, 50–74 %, 75 % and over (the last two together are `regular`).
 * - visits / contacts band (left-behind groups): the number of surrogate-parent
 *   visits / parent–child contact sessions the child took part in during the
 *   period — none, 1, 2–3, 4 or more.
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

/** The attendance bands, in order (sync/schema groupTally fields). */
export const ATTENDANCE_BANDS = ['attendNone', 'attendUnder25', 'attend25to49', 'attend50to74', 'attend75up'] as const;
export type AttendanceBand = (typeof ATTENDANCE_BANDS)[number];
/** The band of a child present on `present` of `open` open days while enrolled (integer arithmetic: no rounding at 25 / 50 / 75 %). */
export function attendanceBand(present: number, open: number): AttendanceBand {
  if (present <= 0 || open <= 0) return 'attendNone';
  if (4 * present < open) return 'attendUnder25';
  if (2 * present < open) return 'attend25to49';
  if (4 * present < 3 * open) return 'attend50to74';
  return 'attend75up';
}
export const VISIT_BANDS = ['visits0', 'visits1', 'visits2to3', 'visits4up'] as const;
export const CONTACT_BANDS = ['contacts0', 'contacts1', 'contacts2to3', 'contacts4up'] as const;
/** The band (0, 1, 2–3, 4+) of a number of times, as an index into VISIT_BANDS / CONTACT_BANDS. */
export function timesBand(times: number): 0 | 1 | 2 | 3 {
  return times <= 0 ? 0 : times === 1 ? 1 : times <= 3 ? 2 : 3;
}

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
  /** How many sessions of `type` in the period each child took part in (a child listed twice in one session counts once). */
  const servedWith = (type: string) => {
    const times = new Map<string, number>();
    for (const a of r.activities)
      if (a.serviceType === type && a.date >= from && a.date <= to) for (const id of new Set(a.participants.map((p) => p.childId))) times.set(id, (times.get(id) ?? 0) + 1);
    return times;
  };
  const visited = servedWith('surrogate-parent-visit');
  const contacted = servedWith('parent-child-contact');

  const byGroup = new Map<ChildGroup, Mutable<GroupTally>>();
  for (const child of r.children) {
    const childId = child._id.slice(child._id.indexOf(':') + 1);
    const start = child.enrolledOn > from ? child.enrolledOn : from;
    const end = child.leftOn !== null && child.leftOn < to ? child.leftOn : to;
    if (start > end) continue;
    if (!consentOn(consentsByChild.get(childId) ?? [], end)['county-stats']) continue;
    const group = groupOn(child, end);
    const t: Mutable<GroupTally> = byGroup.get(group) ?? {
      group, enrolled: 0, reached: 0, regular: 0, longGap: 0, surrogateVisit: 0, parentContact: 0,
      ...Object.fromEntries(ATTENDANCE_BANDS.map((b) => [b, 0])),
      ...(group.startsWith('left-behind') ? Object.fromEntries([...VISIT_BANDS, ...CONTACT_BANDS].map((b) => [b, 0])) : {}),
    };
    byGroup.set(group, t);
    const attended = present.get(childId) ?? new Set<string>();
    const enrolledOpen = open.filter((d) => d >= start && d <= end);
    let run = 0;
    let longest = 0;
    for (const d of enrolledOpen) {
      run = attended.has(d) ? 0 : run + 1;
      longest = Math.max(longest, run);
    }
    const daysPresent = enrolledOpen.filter((d) => attended.has(d)).length;
    t.enrolled += 1;
    t.reached += attended.size > 0 ? 1 : 0;
    t.regular += enrolledOpen.length > 0 && daysPresent >= REGULAR_SHARE * enrolledOpen.length ? 1 : 0;
    t.longGap += longest >= LONG_GAP_OPEN_DAYS ? 1 : 0;
    t.surrogateVisit += visited.has(childId) ? 1 : 0;
    t.parentContact += contacted.has(childId) ? 1 : 0;
    const band = attendanceBand(daysPresent, enrolledOpen.length);
    t[band] = (t[band] ?? 0) + 1;
    if (group.startsWith('left-behind')) {
      const v = VISIT_BANDS[timesBand(visited.get(childId) ?? 0)];
      const c = CONTACT_BANDS[timesBand(contacted.get(childId) ?? 0)];
      t[v] = (t[v] ?? 0) + 1;
      t[c] = (t[c] ?? 0) + 1;
    }
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

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Whether two tallies say the same (so an unchanged one is not written again); key order does not matter, and every group count is compared. */
export function sameCounts(a: CenterTallyDoc, b: CenterTallyDoc): boolean {
  const group = (g: GroupTally) => Object.entries(g).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  const fields = (d: CenterTallyDoc) =>
    JSON.stringify([d._id, d.centerId, d.period, d.from, d.to, d.openDays, d.staffActive, d.volunteersActive, d.followupsOpen, d.followupsOverdue, d.byGroup.map(group)]);
  return fields(a) === fields(b);
}
