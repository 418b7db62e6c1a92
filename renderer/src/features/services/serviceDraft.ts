/**
 * A service form left before it was saved — 返回 tapped half way, the kiosk locking itself after
 * the inactivity timeout, a child needing the adult — is kept, so nothing typed is lost: the
 * form opens with it again, and the services page offers to carry on with it.
 *
 * Kept in this page's memory only (not IndexedDB, not synced): notes may name children, and a
 * draft is no record; it is gone when the app closes. It belongs to the staff member who typed
 * it (another volunteer unlocking the kiosk never sees it) and to the session it corrects
 * (null: a new one). One draft at a time: a newer one replaces it.
 */
import type { ServiceForm } from './serviceService';

export interface ServiceDraft {
  readonly staffId: string | null;
  /** The saved session the form corrects; null for a new one. */
  readonly activityId: string | null;
  readonly form: ServiceForm;
  /** When it was left (ms since the epoch, the kiosk's clock). */
  readonly at: number;
}

let kept: ServiceDraft | null = null;

function copyForm(f: ServiceForm): ServiceForm {
  return { ...f, facilitatorStaffIds: [...f.facilitatorStaffIds], childIds: [...f.childIds], photos: [...f.photos] };
}

/** Whether two forms differ in anything a person entered (order of chosen children and leaders ignored). */
export function formChanged(a: ServiceForm, b: ServiceForm): boolean {
  const sameSet = (x: readonly string[], y: readonly string[]) => x.length === y.length && x.every((v) => y.includes(v));
  return (
    a.date !== b.date ||
    a.startTime !== b.startTime ||
    a.durationMin !== b.durationMin ||
    a.serviceType !== b.serviceType ||
    a.providerKind !== b.providerKind ||
    a.providerName !== b.providerName ||
    a.notes !== b.notes ||
    !sameSet(a.facilitatorStaffIds, b.facilitatorStaffIds) ||
    !sameSet(a.childIds, b.childIds) ||
    a.photos.length !== b.photos.length ||
    a.photos.some((p, i) => p !== b.photos[i])
  );
}

/**
 * Keeps the form as it was left, when it differs from how it opened (`opened`); a form left as
 * it opened drops a draft of the same session instead (there is nothing to carry on with).
 */
export function leaveForm(staffId: string | null, activityId: string | null, form: ServiceForm, opened: ServiceForm, at: number): void {
  if (formChanged(form, opened)) kept = { staffId, activityId, form: copyForm(form), at };
  else if (kept && kept.staffId === staffId && kept.activityId === activityId) kept = null;
}

/** The draft this staff member left of this session (null: a new one), or null. */
export function draftFor(staffId: string | null, activityId: string | null): ServiceDraft | null {
  return kept && kept.staffId === staffId && kept.activityId === activityId ? { ...kept, form: copyForm(kept.form) } : null;
}

/** This staff member's draft of any session, for the services page's "carry on" offer. */
export function anyDraftOf(staffId: string | null): ServiceDraft | null {
  return kept && kept.staffId === staffId ? kept : null;
}

/** Forgets the draft (saved, or thrown away on purpose). */
export function dropDraft(): void {
  kept = null;
}
