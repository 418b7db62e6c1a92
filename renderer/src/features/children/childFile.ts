/** The figures of one child's file (一人一档), computed from its documents. */
import type { ActivityDoc, AttendanceDoc, MoodDoc } from '@sync/schema/documents';
import type { ServiceType } from '@sync/schema/vocab';
import { addDays, parseLocalDate, localDate } from '@/domain/dates';

/** Monday of the week of `date`. */
export function weekStart(date: string): string {
  const d = parseLocalDate(date);
  return localDate(new Date(d.getFullYear(), d.getMonth(), d.getDate() - ((d.getDay() + 6) % 7)));
}

/** Average mood face per week for the last `weeks` weeks (null where there is no answer). */
export function weeklyMood(moods: readonly MoodDoc[], today: string, weeks: number): { week: string; avg: number | null }[] {
  const first = weekStart(addDays(today, -7 * (weeks - 1)));
  const sums = new Map<string, { s: number; n: number }>();
  for (const m of moods) {
    if (m.face === null || m.date < first) continue;
    const w = weekStart(m.date);
    const c = sums.get(w) ?? { s: 0, n: 0 };
    c.s += m.face;
    c.n++;
    sums.set(w, c);
  }
  return Array.from({ length: weeks }, (_, i) => {
    const week = addDays(first, 7 * i);
    const c = sums.get(week);
    return { week, avg: c ? Math.round((c.s / c.n) * 10) / 10 : null };
  });
}

export function servicesByType(activities: readonly ActivityDoc[], childId: string): { serviceType: ServiceType; count: number; last: string }[] {
  const m = new Map<ServiceType, { count: number; last: string }>();
  for (const a of activities) {
    if (!a.participants.some((p) => p.childId === childId)) continue;
    const c = m.get(a.serviceType) ?? { count: 0, last: '' };
    c.count++;
    if (a.date > c.last) c.last = a.date;
    m.set(a.serviceType, c);
  }
  return [...m.entries()].map(([serviceType, c]) => ({ serviceType, ...c })).sort((a, b) => b.count - a.count);
}

export type DayMark = 'present' | 'absent' | 'excused' | 'none';

/** A month's days with the child's mark, Monday-first with leading blanks. */
export function monthCalendar(month: string, attendance: ReadonlyMap<string, AttendanceDoc>): ({ date: string; mark: DayMark } | null)[] {
  const first = `${month}-01`;
  const lead = (parseLocalDate(first).getDay() + 6) % 7;
  const cells: ({ date: string; mark: DayMark } | null)[] = Array.from({ length: lead }, () => null);
  for (let d = first; d.startsWith(month); d = addDays(d, 1)) cells.push({ date: d, mark: attendance.get(d)?.status ?? 'none' });
  return cells;
}
