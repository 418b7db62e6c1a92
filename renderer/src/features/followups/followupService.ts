/**
 * Follow-ups: who sees which, what is overdue, and the actions on one (take it,
 * acknowledge the same-day pathway, record what was done, close with a reason).
 * Also the continuity prompts the research asks for — left-behind children are
 * let down most by services that stop: a child absent for N open days, no
 * surrogate-parent visit for N weeks, no contact with parents working away for
 * N weeks (N set per center).
 */
import type { ActivityDoc, AttendanceDoc, CenterSettings, DayDoc, FollowupDoc, StaffDoc } from '@sync/schema/documents';
import type { StaffRole } from '@sync/schema/vocab';
import { caregiverOn, groupOn, isLeftBehind } from '@/domain/child';
import { addDays, weekday } from '@/domain/dates';
import { openFollowup } from '@/domain/events';
import { can } from '@/domain/roles';
import { isWaitingSafety, isWaitingTalk } from '@/domain/safety';
import type { DocStore } from '../../storage/ports';
import type { RosterEntry } from '../../app/roster';
import { byCodeUnits } from '@/domain/search';

interface Ports {
  readonly docs: DocStore;
  readonly deviceId: string;
  readonly now: () => Date;
}

/** Safety follow-ups are for roles trained for them (counsellor, admin); the rest for everyone in staff mode. */
export function visibleTo(role: StaffRole, f: Pick<FollowupDoc, 'reason'>): boolean {
  if (!can(role, 'followups.view')) return false;
  return f.reason !== 'safety-item' || can(role, 'followups.viewSafety');
}

export function isOverdue(f: Pick<FollowupDoc, 'status' | 'dueOn'>, today: string): boolean {
  return f.status !== 'closed' && f.dueOn < today;
}

/** Urgent and unacknowledged first, then children waiting to talk (longest wait first), then overdue, then by due date. */
export function sortFollowups(list: readonly FollowupDoc[], today: string): FollowupDoc[] {
  const rank = (f: FollowupDoc) => (f.status === 'closed' ? 4 : isWaitingSafety(f) ? 0 : isWaitingTalk(f) ? 1 : isOverdue(f, today) ? 2 : 3);
  return [...list].sort((a, b) => rank(a) - rank(b) || byCodeUnits(a.dueOn, b.dueOn) || byCodeUnits(a.openedAt, b.openedAt));
}

export async function loadFollowups(docs: DocStore, role: StaffRole): Promise<FollowupDoc[]> {
  return (await docs.list('followup', 'followup:')).filter((f) => visibleTo(role, f));
}

export const ACTION_KINDS = ['talked-with-child', 'contacted-guardian', 'referred', 'reported', 'home-visit', 'other'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

function change(p: Ports, id: string, fn: (f: FollowupDoc) => FollowupDoc) {
  return p.docs.update('followup', id, (current) => (current ? { ...fn(current), updatedAt: p.now().toISOString(), deviceId: p.deviceId } : null));
}
const sid = (s: StaffDoc) => s._id.slice('staff:'.length);

/** Only the roles trained for it record that a child with an urgent follow-up has been seen. */
export class NotTrainedLeadError extends Error {
  override name = 'NotTrainedLeadError';
}

/**
 * Records that the child of an urgent follow-up has been seen: the pinned banner goes.
 * @throws NotTrainedLeadError for a role other than counsellor or administrator.
 */
export const acknowledge = (p: Ports, id: string, staff: StaffDoc) => {
  if (!can(staff.role, 'followups.viewSafety')) throw new NotTrainedLeadError(`${staff.role} may not acknowledge an urgent follow-up`);
  return change(p, id, (f) => ({ ...f, acknowledgedAt: f.acknowledgedAt ?? p.now().toISOString(), ownerStaffId: f.ownerStaffId ?? sid(staff), status: f.status === 'open' ? 'in-progress' : f.status }));
};
export const takeOwnership = (p: Ports, id: string, staff: StaffDoc) => change(p, id, (f) => ({ ...f, ownerStaffId: sid(staff), status: f.status === 'open' ? 'in-progress' : f.status }));
export const setDue = (p: Ports, id: string, dueOn: string) => change(p, id, (f) => ({ ...f, dueOn }));
export const addAction = (p: Ports, id: string, staff: StaffDoc, kind: ActionKind, note: string) =>
  change(p, id, (f) => ({ ...f, status: f.status === 'open' ? 'in-progress' : f.status, actions: [...f.actions, { at: p.now().toISOString(), staffId: sid(staff), kind, note: note.trim() }] }));
/** @throws Error when no reason is given: a closure must say why. */
export function closeFollowup(p: Ports, id: string, staff: StaffDoc, reason: string) {
  if (!reason.trim()) throw new Error('a reason is required to close');
  return change(p, id, (f) => ({ ...f, status: 'closed', closedAt: p.now().toISOString(), closeReason: reason.trim(), ownerStaffId: f.ownerStaffId ?? sid(staff) }));
}

/** A staff member's own concern about a child. */
export async function raiseConcern(p: Ports, entry: RosterEntry, staff: StaffDoc, urgent: boolean, note: string, today: string): Promise<FollowupDoc> {
  const at = p.now().toISOString();
  const f = openFollowup(entry, { centerId: entry.child.centerId, deviceId: p.deviceId, at, date: today }, 'staff-concern', urgent, null, urgent ? today : addDays(today, 7));
  return p.docs.put({ ...f, ownerStaffId: sid(staff), actions: note.trim() ? [{ at, staffId: sid(staff), kind: 'other', note: note.trim() }] : [] });
}

export type ContinuityKind = 'absent' | 'no-surrogate-visit' | 'no-parent-contact';
export interface ContinuityPrompt {
  readonly childId: string;
  readonly kind: ContinuityKind;
  /** Days absent, or weeks without the service. */
  readonly amount: number;
}

/**
 * Continuity prompts for `today` from recent attendance, days and services.
 * Children with an open follow-up of reason `continuity` are not prompted again.
 */
export function continuityPrompts(
  roster: readonly RosterEntry[],
  settings: CenterSettings,
  today: string,
  attendance: readonly AttendanceDoc[],
  days: readonly DayDoc[],
  /** Service sessions, and parent–child contacts from 亲情连线 (domain/familyContact.ts), which count the same. */
  activities: readonly (Pick<ActivityDoc, 'date' | 'serviceType'> & { readonly participants: readonly { readonly childId: string }[] })[],
  openFollowups: readonly FollowupDoc[],
): ContinuityPrompt[] {
  const cancelled = new Set(days.filter((d) => !d.held).map((d) => d.date));
  const heldDays: string[] = [];
  for (let d = addDays(today, -1); heldDays.length < settings.absentDaysPrompt && d > addDays(today, -120); d = addDays(d, -1))
    if (settings.openWeekdays.includes(weekday(d)) && !cancelled.has(d)) heldDays.push(d);
  const present = new Set(attendance.filter((a) => a.status === 'present').map((a) => `${a.date}|${a.childId}`));
  const lastService = (type: ActivityDoc['serviceType']) => {
    const m = new Map<string, string>();
    for (const a of activities) if (a.serviceType === type) for (const pt of a.participants) if ((m.get(pt.childId) ?? '') < a.date) m.set(pt.childId, a.date);
    return m;
  };
  const visits = lastService('surrogate-parent-visit');
  const contacts = lastService('parent-child-contact');
  const prompted = new Set(openFollowups.filter((f) => f.reason === 'continuity' && f.status !== 'closed').map((f) => f.childId));
  const out: ContinuityPrompt[] = [];
  for (const e of roster) {
    if (e.child.archived || e.child.leftOn !== null || prompted.has(e.childId)) continue;
    const enrolledLongEnough = (days: number) => e.child.enrolledOn <= addDays(today, -days);
    if (heldDays.length === settings.absentDaysPrompt && heldDays.every((d) => d >= e.child.enrolledOn && !present.has(`${d}|${e.childId}`)))
      out.push({ childId: e.childId, kind: 'absent', amount: heldDays.length });
    const surrogateCare = e.child.surrogateParentStaffId !== null || caregiverOn(e.child, today) === 'surrogate-parent';
    const visitLimit = settings.surrogateVisitWeeksPrompt * 7;
    if (surrogateCare && enrolledLongEnough(visitLimit) && (visits.get(e.childId) ?? '') < addDays(today, -visitLimit))
      out.push({ childId: e.childId, kind: 'no-surrogate-visit', amount: settings.surrogateVisitWeeksPrompt });
    const contactLimit = settings.parentContactWeeksPrompt * 7;
    if (isLeftBehind(groupOn(e.child, today)) && enrolledLongEnough(contactLimit) && (contacts.get(e.childId) ?? '') < addDays(today, -contactLimit))
      out.push({ childId: e.childId, kind: 'no-parent-contact', amount: settings.parentContactWeeksPrompt });
  }
  return out;
}

export interface PromptGroup {
  readonly kind: ContinuityKind;
  readonly amount: number;
  readonly prompts: readonly ContinuityPrompt[];
}

/**
 * Prompts that say the same thing (same kind, same number) become one group, in
 * first-seen order, so that 23 identical lines read as one line with a count and
 * staff do not learn to skip the page.
 */
export function groupPrompts(prompts: readonly ContinuityPrompt[]): PromptGroup[] {
  const groups = new Map<string, ContinuityPrompt[]>();
  for (const p of prompts) {
    const key = `${p.kind}|${p.amount}`;
    const list = groups.get(key);
    if (list) list.push(p);
    else groups.set(key, [p]);
  }
  return [...groups.values()].map((list) => ({ kind: list[0]!.kind, amount: list[0]!.amount, prompts: list }));
}

/** Turns a continuity prompt into a follow-up (due in a week). */
export async function openContinuityFollowup(p: Ports, entry: RosterEntry, staff: StaffDoc, prompt: ContinuityPrompt, today: string): Promise<FollowupDoc> {
  const at = p.now().toISOString();
  const f = openFollowup(entry, { centerId: entry.child.centerId, deviceId: p.deviceId, at, date: today }, 'continuity', false, null, addDays(today, 7));
  return p.docs.put({ ...f, ownerStaffId: sid(staff), actions: [{ at, staffId: sid(staff), kind: 'other', note: `${prompt.kind}:${prompt.amount}` }] });
}
