/**
 * Running a screening: which instruments a child may be given (age, consent,
 * interval), saving the result and its answers, and opening the follow-up a
 * result calls for. Results are levels (需关注 / 需尽快跟进), never diagnoses;
 * the child never sees them.
 */
import type { FollowupDoc, InstrumentPackDoc, ScreeningDoc, StaffDoc } from '@sync/schema/documents';
import { SCHEMA_VERSION } from '@sync/schema/documents';
import { ids, newUlid, PRIVATE_PREFIX } from '@sync/schema/ids';
import { ageOn, snapshotOf } from '@/domain/child';
import { assertConsent, consentOn } from '@/domain/consent';
import { addDays, daysBetween, localDate } from '@/domain/dates';
import { openFollowup } from '@/domain/events';
import { BUILTIN_INSTRUMENTS } from '@/domain/instruments/builtin';
import { instrumentSchema, parsePack, type Instrument } from '@/domain/instruments/model';
import { scoreInstrument, suitsAge, type Answers, type ScreeningResult } from '@/domain/instruments/score';
import type { DocStore } from '../../storage/ports';
import type { RosterEntry } from '../../app/roster';

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
  const last = history.filter((s) => s.childId === entry.childId && s.instrumentId === inst.id && s.valid).sort((a, b) => b.date.localeCompare(a.date))[0];
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
}

/**
 * Scores and saves a screening with its answers, and opens a follow-up when
 * the result needs one (a safety answer: urgent, due today).
 * @throws ConsentRequiredError without screening consent (nothing is written).
 */
export async function saveScreening(p: Ports, entry: RosterEntry, inst: Instrument, answers: Answers, staff: StaffDoc): Promise<SavedScreening> {
  const now = p.now();
  const date = localDate(now);
  const consent = consentOn(entry.consents, date);
  assertConsent(consent, 'screening');
  const result = scoreInstrument(inst, answers, ageOn(entry.child.birthMonth, date));
  const at = now.toISOString();
  const screeningId = newUlid(now.getTime());
  const meta = { centerId: entry.child.centerId, schemaVersion: SCHEMA_VERSION, createdAt: at, updatedAt: at, deviceId: p.deviceId };
  const staffId = staff._id.slice('staff:'.length);
  const screening: ScreeningDoc = {
    _id: ids.screening(screeningId), type: 'screening', ...meta, childId: entry.childId, instrumentId: inst.id, instrumentVersion: inst.version, date,
    respondent: inst.respondent, administeredByStaffId: staffId, valid: result.valid, level: result.level, safety: result.safety, total: result.total,
    percent: result.percent, subscales: { ...result.subscales }, band: result.band, reasons: [...result.reasons], snapshot: snapshotOf(entry.child, date, consent['county-stats']),
  };
  await p.docs.bulkCreate([
    screening,
    { _id: ids.screeningAnswers(screeningId), type: 'screeningAnswers', ...meta, screeningId, childId: entry.childId, answers: Object.fromEntries(inst.items.map((i) => [i.id, answers[i.id] ?? null])) },
  ]);
  let followup: FollowupDoc | null = null;
  if (result.level !== 'none') {
    const kind = result.safety ? 'safety' : result.level;
    const ctx = { centerId: entry.child.centerId, deviceId: p.deviceId, at, date };
    followup = await p.docs.put(openFollowup(entry, ctx, result.safety ? 'safety-item' : 'screening-attention', result.safety || result.level === 'prompt', screening._id, addDays(date, DUE_DAYS[kind])));
  }
  return { screening, result, followup };
}
