/**
 * Running a screening: which instruments a child may be given (age, consent,
 * interval), saving the result and its answers, and opening the follow-up a
 * result calls for. Results are levels (需关注 / 需尽快跟进), never diagnoses;
 * the child never sees them.
 */
import type { FollowupDoc, InstrumentPackDoc, ScreeningAnswersDoc, ScreeningDoc, StaffDoc } from '@sync/schema/documents';
import { DOC_VERSIONS, SCHEMA_VERSION } from '@sync/schema/documents';
import { ids, newUlid, PRIVATE_PREFIX } from '@sync/schema/ids';
import { ageOn, snapshotOf } from '@/domain/child';
import { assertConsent, consentOn } from '@/domain/consent';
import { addDays, daysBetween, localDate } from '@/domain/dates';
import { openFollowup } from '@/domain/events';
import { BUILTIN_INSTRUMENTS } from '@/domain/instruments/builtin';
import { instrumentSchema, parsePack, type Instrument } from '@/domain/instruments/model';
import { scoreInstrument, suitsAge, type Answers, type Level, type ScreeningResult } from '@/domain/instruments/score';
import type { DocStore } from '../../storage/ports';
import type { RosterEntry } from '../../app/roster';
import { byCodeUnits } from '@/domain/search';

interface Ports {
  readonly docs: DocStore;
  readonly deviceId: string;
  readonly now: () => Date;
}

/** Built-in instruments plus the center's imported ones; a stored pack that no longer validates is skipped. */
export async function availableInstruments(docs: DocStore): Promise<Instrument[]> {
  const packs = await docs.list('instrumentPack', `${PRIVATE_PREFIX}pack:`);
  const loaded = packs.flatMap((p) => {
    const r = instrumentSchema.safeParse(p.instrument);
    return r.success ? [r.data] : [];
  });
  return [...BUILTIN_INSTRUMENTS, ...loaded];
}

/**
 * Imports a pack file: every instrument is validated first; nothing is written if any fails.
 * @throws InvalidPackError with the reasons.
 */
export async function importPack(p: Ports, centerId: string, staff: StaffDoc, text: string): Promise<InstrumentPackDoc[]> {
  const pack = parsePack(text, BUILTIN_INSTRUMENTS.map((i) => i.id));
  const at = p.now().toISOString();
  const saved: InstrumentPackDoc[] = [];
  for (const inst of pack.instruments) {
    const doc = await p.docs.update('instrumentPack', ids.instrumentPack(inst.id), (current) => ({
      _id: ids.instrumentPack(inst.id), type: 'instrumentPack', centerId, schemaVersion: SCHEMA_VERSION, createdAt: current?.createdAt ?? at, updatedAt: at,
      deviceId: p.deviceId, instrumentId: inst.id, permission: pack.permission, importedByStaffId: staff._id.slice('staff:'.length), instrument: inst as unknown as Record<string, unknown>,
    }));
    saved.push(doc!);
  }
  return saved;
}

export type Eligibility =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'no-consent' | 'age' | 'too-soon'; readonly nextOn?: string };

/** Whether `inst` may be given to this child today. */
export function eligibility(entry: RosterEntry, inst: Instrument, today: string, history: readonly ScreeningDoc[]): Eligibility {
  if (!consentOn(entry.consents, today).screening) return { ok: false, reason: 'no-consent' };
  if (!suitsAge(inst, ageOn(entry.child.birthMonth, today))) return { ok: false, reason: 'age' };
  const last = history.filter((s) => s.childId === entry.childId && s.instrumentId === inst.id && s.valid).sort((a, b) => byCodeUnits(b.date, a.date))[0];
  if (last && inst.minIntervalDays > 0 && daysBetween(last.date, today) < inst.minIntervalDays)
    return { ok: false, reason: 'too-soon', nextOn: addDays(last.date, inst.minIntervalDays) };
  return { ok: true };
}

/** Days until the follow-up a result opens is due. */
const DUE_DAYS = { safety: 0, prompt: 1, attention: 7 } as const;

export interface SavedScreening {
  readonly screening: ScreeningDoc;
  readonly result: ScreeningResult;
  readonly followup: FollowupDoc | null;
  /** For an incomplete screening: the level its answered items already reach (none when complete). */
  readonly partialLevel: Level;
}

/**
 * The level an incomplete answer set already reaches. A blank counts as nothing, so
 * every "at least" cut-off reached by the answered items stays reached whatever the
 * missing answers would be; "at most" cut-offs (a low WHO-5) cannot be judged on a
 * partial set and are left out. Safety items are judged by scoreInstrument itself.
 */
export function partialLevel(inst: Instrument, answers: Answers, age: number): Level {
  const lowerBound = { ...inst, maxMissing: inst.items.length, safetyItems: [], cutoffs: inst.cutoffs.filter((c) => c.direction === 'at-least') };
  return scoreInstrument(lowerBound, answers, age).level;
}

/**
 * Scores and saves a screening with its answers, and opens a follow-up when
 * the result needs one (a safety answer: urgent, due today). An incomplete
 * screening whose answered items already cross a threshold opens one too.
 * `resume` finishes an earlier incomplete screening of the same child and
 * instrument in place (same record, rescored); no second follow-up is opened
 * for what it already opened, unless the result is now a safety one.
 * @throws ConsentRequiredError without screening consent (nothing is written).
 */
/** A teacher's form with questions left blank: nothing is saved. `missing` are the blank items' positions, from 1. */
export class IncompleteFormError extends Error {
  override name = 'IncompleteFormError';
  constructor(readonly missing: readonly number[]) {
    super(`questions ${missing.join(', ')} are not answered`);
  }
}

/** Positions (from 1) of the items without an answer. */
export function unansweredItems(inst: Instrument, answers: Answers): number[] {
  return inst.items.flatMap((item, i) => (answers[item.id] === undefined || answers[item.id] === null ? [i + 1] : []));
}

/**
 * @throws IncompleteFormError for a staff-answered (teacher) instrument with any item blank: a teacher
 * fills the whole form at once, and a blank one saved would count as an invalid screening.
 */
export async function saveScreening(p: Ports, entry: RosterEntry, inst: Instrument, answers: Answers, staff: StaffDoc, resume: ScreeningDoc | null = null): Promise<SavedScreening> {
  if (inst.respondent === 'staff') {
    const missing = unansweredItems(inst, answers);
    if (missing.length > 0) throw new IncompleteFormError(missing);
  }
  const now = p.now();
  const date = resume?.date ?? localDate(now);
  const consent = consentOn(entry.consents, localDate(now));
  assertConsent(consent, 'screening');
  const age = ageOn(entry.child.birthMonth, date);
  const result = scoreInstrument(inst, answers, age);
  const at = now.toISOString();
  const screeningId = resume ? resume._id.slice('screening:'.length) : newUlid(now.getTime());
  const meta = { centerId: entry.child.centerId, schemaVersion: SCHEMA_VERSION, createdAt: resume?.createdAt ?? at, updatedAt: at, deviceId: p.deviceId };
  const staffId = staff._id.slice('staff:'.length);
  const screening: ScreeningDoc = {
    _id: ids.screening(screeningId), type: 'screening', ...meta, childId: entry.childId, instrumentId: inst.id, instrumentVersion: inst.version, date,
    respondent: inst.respondent, administeredByStaffId: staffId, valid: result.valid, level: result.level, safety: result.safety, total: result.total,
    percent: result.percent, subscales: { ...result.subscales }, band: result.band, reasons: [...result.reasons], snapshot: snapshotOf(entry.child, date, consent['county-stats']),
  };
  const answersDoc: ScreeningAnswersDoc = {
    _id: ids.screeningAnswers(screeningId), type: 'screeningAnswers', ...meta, schemaVersion: DOC_VERSIONS.screeningAnswers as 2, screeningId, childId: entry.childId, answers: Object.fromEntries(inst.items.map((i) => [i.id, answers[i.id] ?? null])),
    incompleteNote: '',
  };
  let saved = screening;
  if (resume) {
    saved = (await p.docs.update('screening', screening._id, (current) => ({ ...screening, ...(current?._rev ? { _rev: current._rev } : {}) })))!;
    // The note on why it was left incomplete stays with the answers when the screening is finished later.
    await p.docs.update('screeningAnswers', answersDoc._id, (current) => ({ ...answersDoc, incompleteNote: current?.incompleteNote ?? '', ...(current?._rev ? { _rev: current._rev } : {}) }));
  } else await p.docs.bulkCreate([screening, answersDoc]);
  const partial = result.valid ? 'none' : partialLevel(inst, answers, age);
  const level: Level = result.safety ? 'prompt' : result.valid ? result.level : partial;
  let followup: FollowupDoc | null = null;
  if (level !== 'none') {
    const earlier = resume ? (await p.docs.list('followup', 'followup:')).filter((f) => f.sourceId === screening._id) : [];
    const covered = earlier.some((f) => !result.safety || f.reason === 'safety-item');
    if (!covered) {
      const kind = result.safety ? 'safety' : level;
      const ctx = { centerId: entry.child.centerId, deviceId: p.deviceId, at, date: localDate(now) };
      followup = await p.docs.put(openFollowup(entry, ctx, result.safety ? 'safety-item' : 'screening-attention', result.safety || level === 'prompt', screening._id, addDays(localDate(now), DUE_DAYS[kind])));
    }
  }
  return { screening: saved, result, followup, partialLevel: partial };
}

/** Staff's note on why a screening was left incomplete, kept with its (private) answers. @throws Error when the note is empty. */
export async function noteIncomplete(p: Ports, screeningId: string, note: string): Promise<ScreeningAnswersDoc | null> {
  const text = note.trim();
  if (!text) throw new Error('a note is required');
  return p.docs.update('screeningAnswers', ids.screeningAnswers(screeningId), (current) =>
    current ? { ...current, incompleteNote: text.slice(0, 200), updatedAt: p.now().toISOString(), deviceId: p.deviceId } : null,
  );
}
