/**
 * Attendance conflict rule. Two kiosks of one center can record the same child
 * on the same day offline (the id is deterministic, so they meet as a CouchDB
 * conflict, never as a duplicate). The merge keeps every fact either side saw:
 * the earliest check-in, the latest check-out, "present" over "excused" over
 * "absent" (someone saw the child), late if either said so, the pick-up of the
 * side with the later check-out, and the union of notes. It is commutative, so
 * every kiosk converges on the same document whatever the order of arrival.
 */
import type { AttendanceDoc } from '@sync/schema/documents';
import type { AttendanceStatus } from '@sync/schema/vocab';

const STATUS_RANK: Record<AttendanceStatus, number> = { absent: 0, excused: 1, present: 2 };

function minIso(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a <= b ? a : b;
}
function maxIso(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a >= b ? a : b;
}

export type AttendanceFields = Omit<AttendanceDoc, '_id' | '_rev'>;

export function mergeAttendance<T extends AttendanceFields>(a: T, b: T): T {
  const later = a.updatedAt >= b.updatedAt ? a : b;
  const checkOutAt = maxIso(a.checkOutAt, b.checkOutAt);
  const pickupSide = checkOutAt !== null && b.checkOutAt === checkOutAt && a.checkOutAt !== checkOutAt ? b : a;
  return {
    ...later,
    status: STATUS_RANK[a.status] >= STATUS_RANK[b.status] ? a.status : b.status,
    checkInAt: minIso(a.checkInAt, b.checkInAt),
    checkOutAt,
    late: a.late || b.late,
    pickedUpBy: pickupSide.pickedUpBy ?? (pickupSide === a ? b : a).pickedUpBy,
    notes: [...new Set([...a.notes, ...b.notes])].sort(),
    createdAt: a.createdAt <= b.createdAt ? a.createdAt : b.createdAt,
    updatedAt: later.updatedAt,
  };
}
