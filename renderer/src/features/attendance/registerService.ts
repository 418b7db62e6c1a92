/**
 * The staff register for one day: "mark all present" then exceptions, late
 * arrivals, check-out with who picked the child up, and "the session did not
 * take place" (a `day` document, distinct from "not marked").
 */
import type { AttendanceDoc, DayDoc } from '@sync/schema/documents';
import { SCHEMA_VERSION } from '@sync/schema/documents';
import { ids } from '@sync/schema/ids';
import type { AttendanceStatus, Relation } from '@sync/schema/vocab';
import { consentOn } from '@/domain/consent';
import { toCsv } from '@/domain/csv';
import { checkOut, mark, pickupRequired, PickupRequiredError, stillHere, type EventContext } from '@/domain/events';
import type { DeviceStore, DocStore } from '../../storage/ports';
import type { RosterEntry } from '../../app/roster';

interface Ports {
  readonly docs: DocStore;
  readonly deviceId: string;
  readonly now: () => Date;
}

export interface RegisterDay {
  readonly date: string;
  readonly attendance: ReadonlyMap<string, AttendanceDoc>;
  readonly day: DayDoc | null;
}

export async function loadRegisterDay(docs: DocStore, date: string): Promise<RegisterDay> {
  const [attendance, day] = await Promise.all([docs.list('attendance', `att:${date}:`), docs.get('day', ids.day(date))]);
  return { date, attendance: new Map(attendance.map((a) => [a.childId, a])), day };
}

/** Children on the register for `date`: enrolled by then, not left or archived before it. */
export function registerChildren(entries: readonly RosterEntry[], date: string): RosterEntry[] {
  return entries.filter((e) => e.child.enrolledOn <= date && !(e.child.leftOn !== null && e.child.leftOn <= date) && !(e.child.archived && e.child.leftOn === null));
}

function ctx(p: Ports, centerId: string, date: string): EventContext {
  return { centerId, deviceId: p.deviceId, at: p.now().toISOString(), date };
}

export interface MarkAllResult {
  readonly marked: number;
  /** Children left unmarked because no attendance consent is recorded. */
  readonly withoutConsent: number;
  /** The records this "all present" wrote, as written: what its undo takes back. */
  readonly created: readonly AttendanceDoc[];
}

/** Marking a child present on a day recorded as "no session", or the reverse: refused in words by the page. */
export class DayContradictionError extends Error {
  override name = 'DayContradictionError';
  constructor(
    readonly kind: 'present-on-closed-day' | 'closing-day-with-present',
    readonly present: number,
  ) {
    super(kind === 'present-on-closed-day' ? 'the day is recorded as no session' : `${present} children are marked present on this day`);
  }
}

async function refuseIfClosed(p: Ports, date: string): Promise<void> {
  const day = await p.docs.get('day', ids.day(date));
  if (day?.held === false) throw new DayContradictionError('present-on-closed-day', 0);
}

/** Marks every child not yet marked as present; exceptions already made are kept. */
export async function markAllPresent(p: Ports, entries: readonly RosterEntry[], day: RegisterDay): Promise<MarkAllResult> {
  await refuseIfClosed(p, day.date);
  const todo = registerChildren(entries, day.date).filter((e) => !day.attendance.has(e.childId));
  const allowed = todo.filter((e) => consentOn(e.consents, day.date).attendance);
  const docs = allowed.map((e) => mark(null, e, ctx(p, e.child.centerId, day.date), 'present', false));
  if (docs.length > 0) {
    const res = await p.docs.bulkCreate(docs);
    // A kiosk may have created some of these meanwhile: those keep the kiosk's record.
    const failed = new Set(res.failed.map((f) => f.id));
    return { marked: res.written, withoutConsent: todo.length - allowed.length, created: docs.filter((d) => !failed.has(d._id)) as AttendanceDoc[] };
  }
  return { marked: 0, withoutConsent: todo.length - allowed.length, created: [] };
}

/**
 * Takes back an "all present": removes each record it wrote that nobody changed since
 * (a child who checked out at the kiosk meanwhile keeps the record). @returns how many were removed.
 */
export async function undoMarkAll(p: Ports, created: readonly AttendanceDoc[]): Promise<number> {
  const written = new Map(created.map((d) => [d._id, d]));
  const current = await p.docs.getMany('attendance', [...written.keys()]);
  const untouched = current.filter((c) => c.updatedAt === written.get(c._id)?.updatedAt && c.deviceId === written.get(c._id)?.deviceId);
  await Promise.all(untouched.map((c) => p.docs.remove('attendance', c._id)));
  return untouched.length;
}

/** @throws DayContradictionError when marking present on a day recorded as no session. */
export async function setMark(p: Ports, entry: RosterEntry, date: string, status: AttendanceStatus, late: boolean): Promise<AttendanceDoc | null> {
  if (status === 'present') await refuseIfClosed(p, date);
  return p.docs.update('attendance', ids.attendance(date, entry.childId), (current) => mark(current, entry, ctx(p, entry.child.centerId, date), status, late));
}

/** Re-exported: the register's callers catch it from here. */
export { PickupRequiredError };

/** @throws PickupRequiredError when the center requires a pick-up for this child and none is given. */
export async function registerCheckOut(p: Ports, entry: RosterEntry, date: string, pickedUpBy: Relation | null, underAge: number): Promise<AttendanceDoc | null> {
  if (pickedUpBy === null && pickupRequired(entry.child, date, underAge)) throw new PickupRequiredError('who picked the child up is required');
  return p.docs.update('attendance', ids.attendance(date, entry.childId), (current) => checkOut(current, entry, ctx(p, entry.child.centerId, date), pickedUpBy, 'register'));
}

/**
 * The end of the day (walk12): who a "check everyone out" would check out, and who it leaves —
 * children under the center's pick-up age wait for a named adult and are checked out one by one.
 * Only children checked in and not yet checked out are in either list.
 */
export interface CheckOutAllPlan {
  readonly toCheckOut: readonly RosterEntry[];
  readonly needPickup: readonly RosterEntry[];
}

export function checkOutAllPlan(entries: readonly RosterEntry[], day: RegisterDay, underAge: number): CheckOutAllPlan {
  const here = registerChildren(entries, day.date).filter((e) => stillHere(day.attendance.get(e.childId)));
  return {
    toCheckOut: here.filter((e) => !pickupRequired(e.child, day.date, underAge)),
    needPickup: here.filter((e) => pickupRequired(e.child, day.date, underAge)),
  };
}

export interface CheckOutAllResult {
  /** The records written, each as a single 签退 writes it (source register, nobody named). */
  readonly checkedOut: readonly AttendanceDoc[];
  /** Children left for a named adult (the pick-up rule). */
  readonly needPickup: readonly RosterEntry[];
  /** Children of the plan checked out or marked otherwise meanwhile (a kiosk, another device): left as they are. */
  readonly changedMeanwhile: number;
}

/**
 * Checks out every child still here whom the pick-up rule lets go alone, each record written as
 * the register's single 签退 writes it (checkOut, source register, this device); one audit entry
 * names the staff member and the count. A record changed since the register read it is read again,
 * and left alone unless the child is still here. Nothing is written for a child not checked in.
 */
export async function checkOutAll(
  p: Ports & { readonly device: Pick<DeviceStore, 'appendAudit'> },
  entries: readonly RosterEntry[],
  day: RegisterDay,
  underAge: number,
  staffId: string | null,
): Promise<CheckOutAllResult> {
  const plan = checkOutAllPlan(entries, day, underAge);
  // All at once: each is one write of what the register read (forty one after the other kept a teacher waiting).
  const written = await Promise.all(
    plan.toCheckOut.map(async (e) => {
      const id = ids.attendance(day.date, e.childId);
      // `change` may run twice (a record changed since it was read): the last run decides.
      let writes = false;
      const saved = await p.docs.updateFrom('attendance', id, day.attendance.get(e.childId) ?? null, (current) => {
        writes = stillHere(current);
        return writes ? checkOut(current, e, ctx(p, e.child.centerId, day.date), null, 'register') : null;
      });
      return writes ? saved : null;
    }),
  );
  const checkedOut = written.filter((d): d is AttendanceDoc => d !== null);
  if (checkedOut.length > 0) await p.device.appendAudit({ at: p.now().toISOString(), staffId, action: 'register-checkout-all', detail: `${day.date} ${checkedOut.length}` });
  return { checkedOut, needPickup: plan.needPickup, changedMeanwhile: plan.toCheckOut.length - checkedOut.length };
}

/**
 * Takes back a "check everyone out": each record it wrote that nobody changed since is open
 * again (checked in, not out); a record changed since (a teacher corrected it) is kept.
 * @returns how many were taken back.
 */
export async function undoCheckOutAll(p: Ports, written: readonly AttendanceDoc[]): Promise<number> {
  const done = await Promise.all(
    written.map(async (w) => {
      let writes = false;
      // From the record as written: one write when nobody changed it, a read when someone did.
      await p.docs.updateFrom('attendance', w._id, w, (current) => {
        writes = current !== null && current.updatedAt === w.updatedAt && current.deviceId === w.deviceId && current.checkOutAt === w.checkOutAt;
        return writes && current ? { ...current, checkOutAt: null, updatedAt: p.now().toISOString(), deviceId: p.deviceId } : null;
      });
      return writes;
    }),
  );
  return done.filter(Boolean).length;
}

/** Staff correction: the child was not here after all (removes the day's record). */
export async function clearMark(p: Ports, entry: RosterEntry, date: string): Promise<void> {
  await p.docs.remove('attendance', ids.attendance(date, entry.childId));
}

/**
 * Records whether the session took place. @throws DayContradictionError when recording "no session"
 * on a day with children marked present (clear those marks first, or undo the "all present").
 */
export async function setSessionHeld(p: Ports, centerId: string, date: string, held: boolean, reason: string): Promise<DayDoc | null> {
  if (!held) {
    const present = (await p.docs.list('attendance', `att:${date}:`)).filter((a) => a.status === 'present').length;
    if (present > 0) throw new DayContradictionError('closing-day-with-present', present);
  }
  const at = p.now().toISOString();
  return p.docs.update('day', ids.day(date), (current) => ({
    _id: ids.day(date), type: 'day', centerId, schemaVersion: SCHEMA_VERSION, createdAt: current?.createdAt ?? at, updatedAt: at, deviceId: p.deviceId,
    date, held, reason: held ? '' : reason.trim(),
  }));
}

/** Puts the day back as it was before a "no session" / "session resumed" tap (`before` null: never recorded). */
export async function restoreDay(p: Ports, date: string, before: DayDoc | null): Promise<void> {
  if (before === null) await p.docs.remove('day', ids.day(date));
  else await setSessionHeld(p, before.centerId, date, before.held, before.reason);
}

export interface RegisterCounts {
  readonly present: number;
  readonly absent: number;
  readonly excused: number;
  readonly unmarked: number;
  readonly late: number;
}

export function countRegister(entries: readonly RosterEntry[], day: RegisterDay): RegisterCounts {
  const counts = { present: 0, absent: 0, excused: 0, unmarked: 0, late: 0 };
  for (const e of registerChildren(entries, day.date)) {
    const a = day.attendance.get(e.childId);
    if (!a) counts.unmarked++;
    else {
      counts[a.status]++;
      if (a.late) counts.late++;
    }
  }
  return counts;
}

/** The daily sign-in sheet (签到表) as CSV with a BOM so Excel opens it as UTF-8. */
export function signInSheetCsv(entries: readonly RosterEntry[], day: RegisterDay, label: (key: string) => string, time: (iso: string | null) => string): string {
  const header = ['name', 'grade', 'status', 'late', 'checkIn', 'checkOut', 'pickedUpBy'].map((k) => label(`register.csv.${k}`));
  const rows = registerChildren(entries, day.date).map((e) => {
    const a = day.attendance.get(e.childId);
    return [
      e.priv?.fullName ?? '?',
      String(e.child.grade),
      a ? label(`register.status.${a.status}`) : label('register.status.unmarked'),
      a?.late ? label('common.yes') : '',
      time(a?.checkInAt ?? null),
      time(a?.checkOutAt ?? null),
      a?.pickedUpBy ? label(`vocab.relation.${a.pickedUpBy}`) : '',
    ];
  });
  return toCsv([header, ...rows]);
}
