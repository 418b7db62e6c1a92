/** Which children the kiosk grid shows, and in what order. */
import type { RosterEntry } from '../../app/roster';
import { consentOn } from '@/domain/consent';
import { mayMessage } from '@/domain/familyContact';

/** Wrong picture codes in a row before the kiosk sends the child to a teacher. */
export const MAX_CODE_TRIES = 3;

/**
 * Enrolled, not archived, not left; for check-out, only children here now
 * (so the grid is short at the end of the day); for a family message (issue 15), only
 * children whose consent covers it. Ordered by grade then name.
 */
export function kioskGrid(
  entries: readonly RosterEntry[],
  today: string,
  mode: 'check-in' | 'check-out' | 'talk' | 'message',
  hereNow: ReadonlySet<string>,
  grade: number | null,
): RosterEntry[] {
  return entries.filter(
    (e) =>
      !e.child.archived &&
      e.child.enrolledOn <= today &&
      (e.child.leftOn === null || e.child.leftOn > today) &&
      (mode !== 'check-out' || hereNow.has(e.childId)) &&
      (mode !== 'message' || mayMessage(consentOn(e.consents, today))) &&
      (grade === null || e.child.grade === grade),
  );
}
