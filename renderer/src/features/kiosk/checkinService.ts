/**
 * What the kiosk writes when a child checks in or out, answers the mood
 * question or asks to talk — and how a mistaken tap is undone. Every write is
 * a read-modify-write on a deterministic id (see sync/schema/ids.ts), so two
 * kiosks of one center converge instead of duplicating.
 */
import type { AttendanceDoc, FollowupDoc, MoodDoc } from '@sync/schema/documents';
import { ids } from '@sync/schema/ids';
import type { MoodMoment } from '@sync/schema/vocab';
import { localDate } from '@/domain/dates';
import { checkIn, checkOut, moodCheckIn, openFollowup, pickupRequired, PickupRequiredError, type EventContext } from '@/domain/events';
import type { DeviceStore, DocStore, KioskAlert } from '../../storage/ports';
import type { RosterEntry } from '../../app/roster';

export interface KioskPorts {
  readonly docs: DocStore;
  readonly deviceId: string;
  readonly now: () => Date;
  /** The center's rule: children under this age are picked up by a named adult (0: none), from the center's settings. */
  readonly pickupUnderAge?: number;
}

export type KioskAction = 'check-in' | 'check-out';

/** What a child's action changed, enough to undo it. */
export interface UndoToken {
  readonly attendanceId: string;
  /** The attendance document before the action (null: there was none). */
  readonly before: AttendanceDoc | null;
  readonly at: string;
  moodId: string | null;
}

function context(p: KioskPorts, centerId: string): EventContext {
  const now = p.now();
  return { centerId, deviceId: p.deviceId, at: now.toISOString(), date: localDate(now) };
}

/**
 * Today's attendance as the check-in screen read it when it opened, by child id: what the
 * kiosk knows before a child taps (a child with no entry had no record then).
 */
export type KnownAttendance = ReadonlyMap<string, AttendanceDoc>;

/** The day the check-in screen read and its attendance then. */
export interface KnownDay {
  readonly date: string;
  readonly attendance: KnownAttendance;
}

/**
 * Checks a child in or out (issue 19: the check-in is a tap a child must see land). With
 * `known`, today's attendance as the screen read it, the record is written from what the
 * screen holds, one write and no read (DocStore.updateFrom); a record changed since — a second
 * kiosk, the register, the sync — is refused by its revision, read, and the action applied to
 * it. Without `known` (or for another day), one read and one write. With `undoWithinMs`, a child back within that
 * time of their own kiosk action is offered its undo instead, and nothing is written.
 * @throws ConsentRequiredError without attendance consent (nothing is written).
 * @throws PickupRequiredError for a check-out of a child the center requires a named adult to pick
 *   up (`pickupUnderAge`): the kiosk cannot know who came, so a teacher checks the child out in the
 *   register (nothing is written).
 */
export async function recordKioskAction(
  p: KioskPorts,
  entry: RosterEntry,
  action: KioskAction,
  undoWithinMs: number | null = null,
  known: KnownDay | null = null,
): Promise<{ saved: AttendanceDoc; undo: UndoToken } | { recent: UndoToken }> {
  const ctx = context(p, entry.child.centerId);
  if (action === 'check-out' && pickupRequired(entry.child, ctx.date, p.pickupUnderAge ?? 0)) throw new PickupRequiredError('a named adult picks this child up: a teacher checks the child out in the register');
  const id = ids.attendance(ctx.date, entry.childId);
  let before: AttendanceDoc | null = null;
  let recent: UndoToken | null = null;
  const change = (current: AttendanceDoc | null): AttendanceDoc | null => {
    before = current;
    recent = undoWithinMs === null ? null : recentUndoToken(current, p.now().getTime(), undoWithinMs);
    if (recent) return null;
    return action === 'check-in' ? checkIn(current, entry, ctx, 'kiosk') : checkOut(current, entry, ctx, current?.pickedUpBy ?? null, 'kiosk');
  };
  // What the screen read is about the day it read it: after midnight it says nothing of the new day.
  const saved = known && known.date === ctx.date ? await p.docs.updateFrom('attendance', id, known.attendance.get(entry.childId) ?? null, change) : await p.docs.update('attendance', id, change);
  if (recent) return { recent };
  return { saved: saved!, undo: { attendanceId: id, before, at: ctx.at, moodId: null } };
}

/** Saves the mood answer (and opens a follow-up when the child asks to talk). */
export async function recordMood(
  p: KioskPorts,
  entry: RosterEntry,
  moment: MoodMoment,
  face: number | null,
  wantsTalk: boolean,
): Promise<{ mood: MoodDoc | null; followup: FollowupDoc | null }> {
  const ctx = context(p, entry.child.centerId);
  const id = ids.mood(ctx.date, moment, entry.childId);
  const mood = await p.docs.update('mood', id, (current) => moodCheckIn(entry, ctx, moment, face, wantsTalk, current));
  const followup = wantsTalk ? await p.docs.put(openFollowup(entry, ctx, 'talk-request', false, id, ctx.date)) : null;
  return { mood, followup };
}

/**
 * A child asking to talk without checking in: always possible, no consent needed to
 * be heard, and never gated by remembering the picture code — a request made
 * without the code says so (`codeConfirmed: false`), so staff know it may have been
 * made by another child.
 */
export async function recordTalkRequest(p: KioskPorts, entry: RosterEntry, codeConfirmed = true): Promise<FollowupDoc> {
  const ctx = context(p, entry.child.centerId);
  return p.docs.put({ ...openFollowup(entry, ctx, 'talk-request', false, null, ctx.date), codeConfirmed });
}

/**
 * Something the adult in the room must see (a child who failed the picture code
 * three times, a check-in refused for want of consent): kept on this device for
 * the staff's waiting list, and in the audit log.
 */
export async function recordKioskAlert(p: { readonly device: DeviceStore; readonly now: () => Date }, kind: KioskAlert['kind'], entry: RosterEntry): Promise<void> {
  const at = p.now().toISOString();
  await p.device.appendKioskAlert({ at, kind, childId: entry.childId });
  await p.device.appendAudit({ at, staffId: null, action: `kiosk-${kind}`, detail: entry.childId });
}

/**
 * Restores the attendance document as it was before the action and removes
 * the mood answer given in the same visit. A talk request is deliberately
 * not undone: if a child asked for help, staff should still hear of it.
 */
export async function undoKioskAction(p: KioskPorts, token: UndoToken): Promise<void> {
  const before = token.before;
  if (before === null) await p.docs.remove('attendance', token.attendanceId);
  else
    await p.docs.update('attendance', token.attendanceId, (current) => ({
      ...before,
      ...(current?._rev ? { _rev: current._rev } : {}),
      updatedAt: p.now().toISOString(),
      deviceId: p.deviceId,
    }));
  if (token.moodId) await p.docs.remove('mood', token.moodId);
}

/**
 * When a child comes back within a minute of its own kiosk action, the undo
 * it may still make: a check-out is reopened; a check-in that created the day's
 * record is withdrawn. Returns null when there is nothing the child may undo.
 */
export function recentUndoToken(attendance: AttendanceDoc | null, now: number, undoMs: number): UndoToken | null {
  if (!attendance || attendance.source !== 'kiosk') return null;
  const recent = (at: string | null) => at !== null && now - Date.parse(at) <= undoMs;
  if (recent(attendance.checkOutAt))
    return { attendanceId: attendance._id, before: { ...attendance, checkOutAt: null, pickedUpBy: null }, at: attendance.checkOutAt!, moodId: null };
  if (recent(attendance.checkInAt) && attendance.checkOutAt === null && attendance.createdAt === attendance.checkInAt)
    return { attendanceId: attendance._id, before: null, at: attendance.checkInAt!, moodId: ids.mood(attendance.date, 'check-in', attendance.childId) };
  return null;
}
