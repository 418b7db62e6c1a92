/** The figures on the staff home, computed from the local database. */
import { localDate } from '@/domain/dates';
import { groupOn, isLeftBehind } from '@/domain/child';
import type { DocStore } from '../../storage/ports';
import { activitiesFrom } from '../../app/activities';
import type { StaffRole } from '@sync/schema/vocab';
import { visibleTo } from '../followups/followupService';

export interface StaffHomeStats {
  readonly children: number;
  readonly presentToday: number;
  readonly leftBehind: number;
  readonly servicesThisMonth: number;
  /** Open follow-ups this role may see. */
  readonly openFollowups: number;
  /** Urgent follow-ups nobody has acknowledged yet: pinned on the staff home. */
  readonly urgentUnacknowledged: number;
}

export async function loadStaffHomeStats(docs: DocStore, now: Date, role: StaffRole): Promise<StaffHomeStats> {
  const today = localDate(now);
  const month = today.slice(0, 7);
  const [children, attendance, activities, followups] = await Promise.all([
    docs.list('child', 'child:'),
    docs.list('attendance', `att:${today}:`),
    activitiesFrom(docs, `${month}-01`),
    docs.list('followup', 'followup:'),
  ]);
  const open = followups.filter((f) => f.status !== 'closed' && visibleTo(role, f));
  const enrolled = children.filter((c) => !c.archived);
  return {
    children: enrolled.length,
    presentToday: attendance.filter((a) => a.status === 'present').length,
    leftBehind: enrolled.filter((c) => isLeftBehind(groupOn(c, today))).length,
    servicesThisMonth: activities.filter((a) => a.date.startsWith(month)).length,
    openFollowups: open.length,
    urgentUnacknowledged: open.filter((f) => f.urgent && !f.acknowledgedAt).length,
  };
}
