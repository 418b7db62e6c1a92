/**
 * What each staff role may do. The kiosk enforces it in the UI and the
 * repositories; a child has no role and sees only the kiosk.
 */
import type { StaffRole } from '@sync/schema/vocab';

export const PERMISSIONS = [
  'attendance.record',
  'services.record',
  'children.view',
  'children.edit',
  'children.viewPrivate',
  'consent.record',
  'screenings.run',
  'screenings.viewScores',
  'followups.view',
  'followups.viewSafety',
  'staff.manage',
  'settings.manage',
  'backup.run',
  /** 亲情连线 (issue 15): deliver children's family messages, bring replies back, plan and log family calls. */
  'family.contact',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ROLE_PERMISSIONS: Record<StaffRole, readonly Permission[]> = {
  volunteer: ['attendance.record', 'services.record', 'children.view', 'screenings.run', 'followups.view'],
  teacher: [
    'attendance.record',
    'services.record',
    'children.view',
    'children.edit',
    'children.viewPrivate',
    'consent.record',
    'screenings.run',
    'followups.view',
    'family.contact',
  ],
  counsellor: [
    'attendance.record',
    'services.record',
    'children.view',
    'children.viewPrivate',
    'screenings.run',
    'screenings.viewScores',
    'followups.view',
    'followups.viewSafety',
  ],
  // The center admin runs the center but is not a clinician: no screening scores.
  admin: PERMISSIONS.filter((p) => p !== 'screenings.viewScores'),
};

export function can(role: StaffRole, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}
