/**
 * Adding, editing and archiving children, and recording consent. A child is
 * two documents: the pseudonymous profile (`child:`) that events refer to and
 * county statistics can use, and the private record (`private:child:`) with
 * names, guardians, photo and picture code, which never leaves the center.
 */
import type { ChildDoc, ChildPrivateDoc, ConsentDoc, Guardian } from '@sync/schema/documents';
import { CHILD_SCHEMA_VERSION, SCHEMA_VERSION, childDoc, childPrivateDoc } from '@sync/schema/documents';
import { ids, newUlid } from '@sync/schema/ids';
import type { AvatarAnimal, Caregiver, ChildGroup, ConsentMethod, ConsentScope, Gender, Picture, Relation } from '@sync/schema/vocab';
import { AVATAR_ANIMALS, PICTURES } from '@sync/schema/vocab';
import { periodOn, withPeriod } from '@/domain/child';
import { isCalendarDate, localDate } from '@/domain/dates';
import type { DocStore } from '../../storage/ports';
import { eraseUndeliveredMessages } from '../../app/familyContacts';
import type { RosterEntry } from '../../app/roster';

/** A guardian as the form holds them: the relation is '' until someone chooses it. */
export interface GuardianForm {
  name: string;
  relation: Relation | '';
  /** The words for 其他 (relation 'other'): kept, never thrown away. */
  relationOther: string;
  phone: string;
  isLegalGuardian: boolean;
  worksAway: boolean;
}

/**
 * Facts about a child (sex, situation, who looks after them) start unanswered (''):
 * a prefilled answer nobody chose would skew the county's figures (issue 11).
 */
export interface ChildForm {
  fullName: string;
  displayName: string;
  gender: Gender | '';
  birthMonth: string;
  grade: number;
  school: string;
  group: ChildGroup | '';
  caregiver: Caregiver | '';
  parentsWorkIn: string;
  /** When the current group/caregiver began; used when it changes. */
  situationFrom: string;
  surrogateParentStaffId: string | null;
  enrolledOn: string;
  avatarAnimal: AvatarAnimal;
  avatarColor: string;
  pictureCode: Picture[];
  guardians: GuardianForm[];
  address: string;
  /** A small JPEG data URL, or null for the drawn avatar. */
  photo: string | null;
}

export type ChildFormErrors = Partial<Record<keyof ChildForm, string>>;

export const AVATAR_COLORS = ['#e57373', '#f06292', '#ba68c8', '#7986cb', '#4fc3f7', '#4db6ac', '#81c784', '#dce775', '#ffb74d', '#a1887f'] as const;

function pick<T>(items: readonly T[]): T {
  return items[crypto.getRandomValues(new Uint32Array(1))[0]! % items.length]!;
}

export function randomPictureCode(length = 3): Picture[] {
  return Array.from({ length }, () => pick(PICTURES));
}

export function emptyChildForm(today: string): ChildForm {
  return {
    fullName: '', displayName: '', gender: '', birthMonth: '', grade: 1, school: '', group: '', caregiver: '',
    parentsWorkIn: '', situationFrom: today, surrogateParentStaffId: null, enrolledOn: today, avatarAnimal: pick(AVATAR_ANIMALS),
    avatarColor: pick(AVATAR_COLORS), pictureCode: randomPictureCode(), guardians: [], address: '', photo: null,
  };
}

export function formFromEntry(entry: RosterEntry, today: string): ChildForm {
  const period = periodOn(entry.child.groupHistory, today);
  return {
    fullName: entry.priv?.fullName ?? '', displayName: entry.priv?.displayName ?? '', gender: entry.child.gender, birthMonth: entry.child.birthMonth,
    grade: entry.child.grade, school: entry.child.school, group: period.group, caregiver: period.caregiver ?? '', parentsWorkIn: period.parentsWorkIn ?? '',
    situationFrom: today, surrogateParentStaffId: entry.child.surrogateParentStaffId, enrolledOn: entry.child.enrolledOn,
    avatarAnimal: entry.child.avatar.animal, avatarColor: entry.child.avatar.color, pictureCode: [...(entry.priv?.pictureCode ?? randomPictureCode())],
    guardians: (entry.priv?.guardians ?? []).map((g) => ({ ...g, relationOther: g.relationOther ?? '' })), address: entry.priv?.address ?? '', photo: entry.priv?.photo ?? null,
  };
}

/** The longest text the documents hold in a name, school, city or address (sync/schema: shortText). */
export const MAX_TEXT = 200;

/**
 * The one check of a child's form, for the edit page and the roster import
 * alike: whatever passes here is accepted by the document schemas.
 * @returns i18n keys under children.errors, by field (empty when valid).
 */
export function validateChildForm(f: ChildForm, today: string): ChildFormErrors {
  const e: ChildFormErrors = {};
  if (!f.fullName.trim()) e.fullName = 'nameRequired';
  if (f.gender === '') e.gender = 'genderRequired';
  if (f.group === '') e.group = 'groupRequired';
  if (f.caregiver === '') e.caregiver = 'caregiverRequired';
  if (f.fullName.trim().length > MAX_TEXT) e.fullName = 'nameTooLong';
  if (f.displayName.trim().length > 20) e.displayName = 'displayTooLong';
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(f.birthMonth)) e.birthMonth = 'birthMonth';
  else if (f.birthMonth > today.slice(0, 7)) e.birthMonth = 'birthFuture';
  if (!Number.isInteger(f.grade) || f.grade < 0 || f.grade > 12) e.grade = 'grade';
  if (f.school.trim().length > MAX_TEXT) e.school = 'textTooLong';
  if (f.parentsWorkIn.trim().length > MAX_TEXT) e.parentsWorkIn = 'textTooLong';
  if (f.address.trim().length > MAX_TEXT) e.address = 'textTooLong';
  if (!isCalendarDate(f.enrolledOn)) e.enrolledOn = 'date';
  if (!isCalendarDate(f.situationFrom)) e.situationFrom = 'date';
  if (f.pictureCode.length < 2 || f.pictureCode.length > 6) e.pictureCode = 'pictureCode';
  if (f.guardians.some((g) => !g.name.trim())) e.guardians = 'guardianName';
  else if (f.guardians.some((g) => g.relation === '')) e.guardians = 'relationRequired';
  else if (f.guardians.some((g) => g.relation === 'other' && !g.relationOther.trim())) e.guardians = 'relationOtherRequired';
  else if (f.guardians.some((g) => g.relationOther.trim().length > 40)) e.guardians = 'relationOtherTooLong';
  else if (f.guardians.some((g) => g.name.trim().length > MAX_TEXT)) e.guardians = 'textTooLong';
  else if (f.guardians.some((g) => g.phone.trim() && !/^[\d+\-\s()]{5,20}$/.test(g.phone.trim()))) e.guardians = 'guardianPhone';
  if (f.photo !== null && (!f.photo.startsWith('data:image/') || f.photo.length > 200_000)) e.photo = 'photo';
  return e;
}

export interface Ports {
  readonly docs: DocStore;
  readonly deviceId: string;
  readonly now: () => Date;
}

/**
 * The two documents of a child (profile and private record) as a form
 * describes them, checked by validateChildForm and then by the schemas.
 * @throws Error when the form is invalid (keys of the failed fields).
 */
export function childDocs(
  p: Ports, centerId: string, form: ChildForm, entry: RosterEntry | null, childId = entry?.childId ?? newUlid(),
  /** A roster import may leave the caregiver unanswered when its file did not give it (issue 11); the edit form never does. */
  options: { readonly caregiverMayWait?: boolean } = {},
): { childId: string; child: ChildDoc; priv: ChildPrivateDoc } {
  const at = p.now().toISOString();
  const today = localDate(p.now());
  const waits = options.caregiverMayWait === true && entry === null && form.caregiver === '';
  const problems = Object.keys(validateChildForm(form, today)).filter((k) => !(waits && k === 'caregiver'));
  if (problems.length > 0 || form.gender === '' || form.group === '' || (form.caregiver === '' && !waits)) throw new Error(`invalid child: ${problems.join(', ')}`);
  const meta = (existing: { createdAt: string; _rev?: string | undefined } | null) => ({
    centerId, schemaVersion: SCHEMA_VERSION, deviceId: p.deviceId, createdAt: existing?.createdAt ?? at, updatedAt: at,
    ...(existing?._rev ? { _rev: existing._rev } : {}),
  });
  const period = { from: form.situationFrom, group: form.group, ...(form.caregiver ? { caregiver: form.caregiver } : {}), ...(form.parentsWorkIn.trim() ? { parentsWorkIn: form.parentsWorkIn.trim() } : {}) };
  let history = entry?.child.groupHistory ?? [{ ...period, from: form.enrolledOn < form.situationFrom ? form.enrolledOn : form.situationFrom }];
  if (entry) {
    const current = periodOn(history, form.situationFrom);
    if (current.group !== period.group || current.caregiver !== period.caregiver || (current.parentsWorkIn ?? '') !== (period.parentsWorkIn ?? '')) history = withPeriod(history, period);
  }
  const child: ChildDoc = {
    _id: ids.child(childId), type: 'child', ...meta(entry?.child ?? null), schemaVersion: CHILD_SCHEMA_VERSION,
    birthMonth: form.birthMonth, gender: form.gender, grade: form.grade, school: form.school.trim(), groupHistory: history,
    surrogateParentStaffId: form.surrogateParentStaffId, enrolledOn: form.enrolledOn, leftOn: entry?.child.leftOn ?? null,
    archived: entry?.child.archived ?? false, avatar: { animal: form.avatarAnimal, color: form.avatarColor },
  };
  const priv: ChildPrivateDoc = {
    _id: ids.childPrivate(childId), type: 'childPrivate', ...meta(entry?.priv ?? null), childId,
    fullName: form.fullName.trim(), displayName: (form.displayName.trim() || form.fullName.trim()).slice(0, 20),
    guardians: form.guardians.map((g) => guardianOf(g)), address: form.address.trim(),
    photo: form.photo, pictureCode: form.pictureCode,
  };
  return { childId, child, priv };
}

/** A checked guardian of the form as the private record stores it (the 其他 words only with 其他). */
function guardianOf(g: GuardianForm): Guardian {
  if (g.relation === '') throw new Error('invalid child: guardians');
  const other = g.relationOther.trim();
  return { name: g.name.trim(), relation: g.relation, ...(g.relation === 'other' && other ? { relationOther: other } : {}), phone: g.phone.trim(), isLegalGuardian: g.isLegalGuardian, worksAway: g.worksAway };
}

/**
 * Fields of the documents the schemas refuse although validateChildForm passed
 * (empty when none): a safety net, so a gap between the two checks is found
 * before anything is written rather than halfway through.
 */
export function schemaProblems(docs: { child: ChildDoc; priv: ChildPrivateDoc }): string[] {
  const out: string[] = [];
  for (const [schema, doc] of [[childDoc, docs.child], [childPrivateDoc, docs.priv]] as const) {
    const r = schema.safeParse(doc);
    if (!r.success) out.push(...r.error.issues.map((i) => i.path.join('.') || doc.type));
  }
  return out;
}

/**
 * Creates a child (entry null) or updates one. A change of group or caregiver
 * becomes a new period in the history from `situationFrom`; earlier events
 * keep the situation they were recorded with.
 * @throws Error when the form is invalid.
 */
export async function saveChild(p: Ports, centerId: string, form: ChildForm, entry: RosterEntry | null): Promise<string> {
  const { childId, child, priv } = childDocs(p, centerId, form, entry);
  await p.docs.put(child);
  await p.docs.put(priv);
  return childId;
}

/** Archives (the child left the center) or restores a child. Nothing is deleted: history stays. */
export async function setArchived(p: Ports, entry: RosterEntry, archived: boolean): Promise<void> {
  const today = localDate(p.now());
  await p.docs.update('child', entry.child._id, (c) =>
    c ? { ...c, archived, leftOn: archived ? today : null, updatedAt: p.now().toISOString(), deviceId: p.deviceId } : null,
  );
}

export interface ConsentInput {
  action: 'grant' | 'withdraw';
  scopes: ConsentScope[];
  relation: Relation;
  /** The words for 其他 (relation 'other'). */
  relationOther?: string;
  isLegalGuardian: boolean;
  method: ConsentMethod;
  effectiveOn: string;
  note: string;
}

/** The consent form before it is checked: who gave it, whether a legal guardian, and how start unanswered. */
export interface ConsentDraft {
  action: 'grant' | 'withdraw';
  scopes: ConsentScope[];
  relation: Relation | '';
  relationOther: string;
  isLegalGuardian: boolean | null;
  method: ConsentMethod | '';
  effectiveOn: string;
  note: string;
}

export function emptyConsentDraft(today: string): ConsentDraft {
  return { action: 'grant', scopes: [], relation: '', relationOther: '', isLegalGuardian: null, method: '', effectiveOn: today, note: '' };
}

/**
 * The consent form checked: the input to record, or the i18n key (under everyday2.consent)
 * of the first unanswered question.
 */
export function checkConsentDraft(d: ConsentDraft): { ok: true; input: ConsentInput } | { ok: false; problem: string } {
  if (d.scopes.length === 0) return { ok: false, problem: 'scopes' };
  if (d.relation === '') return { ok: false, problem: 'relation' };
  if (d.relation === 'other' && !d.relationOther.trim()) return { ok: false, problem: 'relationOther' };
  if (d.relationOther.trim().length > 40) return { ok: false, problem: 'relationOtherTooLong' };
  if (d.isLegalGuardian === null) return { ok: false, problem: 'legal' };
  if (d.method === '') return { ok: false, problem: 'method' };
  if (!isCalendarDate(d.effectiveOn)) return { ok: false, problem: 'date' };
  const other = d.relation === 'other' ? d.relationOther.trim() : '';
  return {
    ok: true,
    input: { action: d.action, scopes: [...d.scopes], relation: d.relation, ...(other ? { relationOther: other } : {}), isLegalGuardian: d.isLegalGuardian, method: d.method, effectiveOn: d.effectiveOn, note: d.note },
  };
}

/** Who gave a consent and how, as a form holds it before a person has answered (nothing is chosen at first). */
export interface ConsentGiverDraft {
  readonly relation: Relation | '';
  readonly relationOther?: string;
  readonly isLegalGuardian: boolean | null;
  readonly method: ConsentMethod | '';
}

/**
 * The unanswered questions of who gave a consent and how, by field, as i18n keys under
 * everyday2.consent — for every form that records a consent beside its own purpose
 * (a transfer, a guardian's erasure request). Empty when all are answered; nothing is
 * ever filled in for the person (issue 11).
 */
export function consentGiverProblems(g: ConsentGiverDraft): Partial<Record<'relation' | 'legal' | 'method', string>> {
  const out: Partial<Record<'relation' | 'legal' | 'method', string>> = {};
  if (g.relation === '') out.relation = 'relation';
  else if (g.relation === 'other' && !(g.relationOther ?? '').trim()) out.relation = 'relationOther';
  if (g.isLegalGuardian === null) out.legal = 'legal';
  if (g.method === '') out.method = 'method';
  return out;
}

/** Appends a consent event (consent is never edited, only granted or withdrawn again). */
export async function recordConsent(p: Ports, entry: RosterEntry, staffId: string, input: ConsentInput): Promise<ConsentDoc> {
  if (input.scopes.length === 0) throw new Error('choose at least one purpose');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.effectiveOn)) throw new Error('date');
  const at = p.now().toISOString();
  const saved = await p.docs.put({
    _id: ids.consent(entry.childId, newUlid()), type: 'consent', centerId: entry.child.centerId, schemaVersion: SCHEMA_VERSION,
    createdAt: at, updatedAt: at, deviceId: p.deviceId, childId: entry.childId, action: input.action, scopes: input.scopes,
    givenBy: { relation: input.relation, ...(input.relation === 'other' && input.relationOther?.trim() ? { relationOther: input.relationOther.trim() } : {}), isLegalGuardian: input.isLegalGuardian }, method: input.method, effectiveOn: input.effectiveOn,
    recordedByStaffId: staffId.replace(/^staff:/, ''), note: input.note.trim(),
  });
  // Issue 15: withdrawing family messages erases the child's messages not yet delivered.
  if (input.action === 'withdraw' && input.scopes.includes('family-messages')) await eraseUndeliveredMessages(p.docs, entry.childId);
  return saved;
}
