/** The figures on the staff home, computed from the local database. */
import { localDate } from '@/domain/dates';
import { groupOn, isLeftBehind } from '@/domain/child';
import type { DocStore } from '../../storage/ports';

export interface StaffHomeStats {
  readonly children: number;
  readonly presentToday: number;
  readonly leftBehind: number;
  readonly servicesThisMonth: number;
}

export async function loadStaffHomeStats(docs: DocStore, now: Date): Promise<StaffHomeStats> {
  const today = localDate(now);
  const month = today.slice(0, 7);
  const [children, attendance, activities] = await Promise.all([
    docs.list('child', 'child:'),
    docs.list('attendance', `att:${today}:`),
    docs.list('activity', 'activity:'),
  ]);
  const enrolled = children.filter((c) => !c.archived);
  return {
    children: enrolled.length,
    presentToday: attendance.filter((a) => a.status === 'present').length,
    leftBehind: enrolled.filter((c) => isLeftBehind(groupOn(c, today))).length,
    servicesThisMonth: activities.filter((a) => a.date.startsWith(month)).length,
  };
}
