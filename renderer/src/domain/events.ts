/**
 * Pure constructors for the day's event documents: attendance (kiosk and
 * register), mood check-ins and the follow-ups they open. Each takes the
 * current document (or null) and returns the next one, so the same rules
 * serve the kiosk, the register, tests and benchmarks. Consent is checked
 * here, at the one place every write passes through.
 */
import type { AttendanceDoc, ChildDoc, ConsentDoc, FollowupDoc, MoodDoc } from '@sync/schema/documents';
import { SCHEMA_VERSION } from '@sync/schema/documents';
import { ids, newUlid } from '@sync/schema/ids';
import type { AttendanceStatus, MoodMoment, Relation } from '@sync/schema/vocab';
import { ageOn, snapshotOf } from './child';
import { assertConsent, consentOn } from './consent';

export interface EventContext {
  readonly centerId: string;
  readonly deviceId: string;
  /** ISO time of the action (device clock). */
  readonly at: string;
  /** The center's local date of the action, yyyy-mm-dd. */
  readonly date: string;
}

export interface ChildRecord {
  readonly child: ChildDoc;
  readonly consents: readonly ConsentDoc[];
}

export function childIdOf(child: Pick<ChildDoc, '_id'>): string {
  return child._id.slice('child:'.length);
}

function meta(ctx: EventContext, existing: { createdAt: string } | null) {
  return { centerId: ctx.centerId, schemaVersion: SCHEMA_VERSION, deviceId: ctx.deviceId, createdAt: existing?.createdAt ?? ctx.at, updatedAt: ctx.at };
}

function baseAttendance(existing: AttendanceDoc | null, r: ChildRecord, ctx: EventContext, source: AttendanceDoc['source']): AttendanceDoc {
  const state = consentOn(r.consents, ctx.date);
  assertConsent(state, 'attendance');
  const childId = childIdOf(r.child);
  return {
    _id: ids.attendance(ctx.date, childId),
    ...(existing?._rev ? { _rev: existing._rev } : {}),
    type: 'attendance',
    ...meta(ctx, existing),
    childId,
    date: ctx.date,
    status: existing?.status ?? 'present',
    checkInAt: existing?.checkInAt ?? null,
    checkOutAt: existing?.checkOutAt ?? null,
    late: existing?.late ?? false,
    pickedUpBy: existing?.pickedUpBy ?? null,
    source: existing?.source ?? source,
    notes: existing?.notes ?? [],
    snapshot: snapshotOf(r.child, ctx.date, state['county-stats']),
  };
}

/** @throws ConsentRequiredError without attendance consent. */
export function checkIn(existing: AttendanceDoc | null, r: ChildRecord, ctx: EventContext, source: AttendanceDoc['source']): AttendanceDoc {
  const next = baseAttendance(existing, r, ctx, source);
  // The earliest check-in stands; a second tap does not move it.
  return { ...next, status: 'present', checkInAt: next.checkInAt ?? ctx.at };
}

/**
 * A later check-out moves the time (the child left then, as the sync's merge keeps the latest);
 * who picked the child up, once recorded, is never erased by a check-out that names nobody
 * (walk12: a second 签退 in the register used to clear the grandmother recorded by the first).
 * The screens do not offer a second check-out (the register shows 已签退 with the time; the
 * kiosk's check-out grid holds only children still here).
 * @throws ConsentRequiredError without attendance consent.
 */
export function checkOut(existing: AttendanceDoc | null, r: ChildRecord, ctx: EventContext, pickedUpBy: Relation | null, source: AttendanceDoc['source']): AttendanceDoc {
  const next = baseAttendance(existing, r, ctx, source);
  return { ...next, status: 'present', checkOutAt: ctx.at, pickedUpBy: pickedUpBy ?? next.pickedUpBy };
}

/** Checked in (present) and not yet checked out: what the end-of-day check-out is for. */
export function stillHere(a: Pick<AttendanceDoc, 'status' | 'checkOutAt'> | null | undefined): boolean {
  return a?.status === 'present' && a.checkOutAt === null;
}

/** The register's marks. Marking absent clears check-in/out times; present keeps them. */
export function mark(existing: AttendanceDoc | null, r: ChildRecord, ctx: EventContext, status: AttendanceStatus, late: boolean): AttendanceDoc {
  const next = baseAttendance(existing, r, ctx, 'register');
  if (status !== 'present') return { ...next, status, late: false, checkInAt: null, checkOutAt: null, pickedUpBy: null };
  return { ...next, status, late, checkInAt: next.checkInAt ?? ctx.at };
}

/** A check-out without who picked the child up, for a child the center requires it for (register or kiosk). */
export class PickupRequiredError extends Error {
  override name = 'PickupRequiredError';
}

/** Whether the center requires recording who picked this child up. */
export function pickupRequired(child: Pick<ChildDoc, 'birthMonth'>, date: string, underAge: number): boolean {
  return ageOn(child.birthMonth, date) < underAge;
}

/** @throws ConsentRequiredError without mood consent. */
export function moodCheckIn(r: ChildRecord, ctx: EventContext, moment: MoodMoment, face: number | null, wantsTalk: boolean, existing: MoodDoc | null): MoodDoc {
  const state = consentOn(r.consents, ctx.date);
  assertConsent(state, 'mood');
  const childId = childIdOf(r.child);
  return {
    _id: ids.mood(ctx.date, moment, childId),
    ...(existing?._rev ? { _rev: existing._rev } : {}),
    type: 'mood',
    ...meta(ctx, existing),
    childId,
    date: ctx.date,
    moment,
    face,
    wantsTalk: wantsTalk || (existing?.wantsTalk ?? false),
    at: ctx.at,
    snapshot: snapshotOf(r.child, ctx.date, state['county-stats']),
  };
}

/**
 * A follow-up opened by the child asking to talk. It needs no consent: a
 * child asking for help is always heard (it records no answers, only the ask).
 */
export function openFollowup(
  r: ChildRecord,
  ctx: EventContext,
  reason: FollowupDoc['reason'],
  urgent: boolean,
  sourceId: string | null,
  dueOn: string,
): FollowupDoc {
  const state = consentOn(r.consents, ctx.date);
  return {
    _id: ids.followup(newUlid(Date.parse(ctx.at))),
    type: 'followup',
    ...meta(ctx, null),
    childId: childIdOf(r.child),
    reason,
    urgent,
    sourceId,
    openedAt: ctx.at,
    dueOn,
    status: 'open',
    ownerStaffId: null,
    acknowledgedAt: null,
    actions: [],
    closedAt: null,
    closeReason: '',
    snapshot: snapshotOf(r.child, ctx.date, state['county-stats']),
  };
}

/** A child may undo its own check-in or check-out at the kiosk for this long. */
export const CHILD_UNDO_MS = 60_000;

export function canChildUndo(actionAt: string, now: number): boolean {
  return now - Date.parse(actionAt) <= CHILD_UNDO_MS;
}
