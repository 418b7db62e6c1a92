/**
 * Service sessions (活动 / 服务): what the center did, for whom, by which kind
 * of provider — counted the way county staff report, sessions (场次) and
 * attendances (人次) per type per month. Each participant carries a snapshot
 * of the child's group, age band and gender, so county figures need no names.
 *
 * What the county gets of sessions is the month's `serviceMonthTally`, recounted here
 * whenever a session is saved, corrected or withdrawn (app/countyTallies.ts). The
 * per-session county copy (`serviceTally`, `tally:<activityId>`) is retired
 * (sync/schema/county.ts): none is written, and one an older kiosk wrote is deleted when
 * its session is corrected or withdrawn here, so the county learns of it by its tombstone.
 */
import type { ActivityDoc } from '@sync/schema/documents';
import { SCHEMA_VERSION } from '@sync/schema/documents';
import { ids, newUlid } from '@sync/schema/ids';
import type { ProviderKind, ServiceType } from '@sync/schema/vocab';
import { consentOn } from '@/domain/consent';
import { snapshotOf } from '@/domain/child';
import type { DeviceStore, DocStore } from '../../storage/ports';
import type { RosterEntry } from '../../app/roster';
import { writeServiceTallies } from '../../app/countyTallies';
import { byCodeUnits } from '@/domain/search';

interface Ports {
  readonly docs: DocStore;
  readonly deviceId: string;
  readonly now: () => Date;
}

export interface ServiceForm {
  date: string;
  startTime: string;
  durationMin: number;
  serviceType: ServiceType;
  providerKind: ProviderKind;
  providerName: string;
  facilitatorStaffIds: string[];
  childIds: string[];
  notes: string;
  photos: string[];
}

/** i18n keys under services.errors. */
export function validateService(f: ServiceForm, today: string): Partial<Record<keyof ServiceForm, string>> {
  const e: Partial<Record<keyof ServiceForm, string>> = {};
  if (!/^\d{4}-\d{2}-\d{2}$/.test(f.date)) e.date = 'date';
  else if (f.date > today) e.date = 'future';
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(f.startTime)) e.startTime = 'time';
  if (!Number.isInteger(f.durationMin) || f.durationMin < 1 || f.durationMin > 24 * 60) e.durationMin = 'duration';
  if (f.childIds.length === 0) e.childIds = 'noChildren';
  if (f.photos.length > 4) e.photos = 'photos';
  return e;
}

/**
 * Recounts the county's service tallies of the months a save touched (app/countyTallies.ts). The
 * session itself is already saved: a failed recount is only logged, and the next idle sync recounts.
 */
async function recountMonths(p: Ports, centerId: string, dates: readonly string[]): Promise<void> {
  await writeServiceTallies(p.docs, centerId, p.deviceId, dates.map((d) => d.slice(0, 7)), p.now()).catch((e: unknown) => console.warn('service tallies not written', e));
}

/** @throws Error when the form is invalid. */
export async function saveService(p: Ports, centerId: string, roster: readonly RosterEntry[], form: ServiceForm): Promise<ActivityDoc> {
  const problems = validateService(form, form.date);
  if (Object.keys(problems).length > 0) throw new Error(`invalid service: ${Object.keys(problems).join(', ')}`);
  const at = p.now().toISOString();
  // Its id carries the time it was recorded, on the clock its date defaulted from (app/activities.ts relies on it).
  const activityId = newUlid(p.now().getTime());
  const meta = { centerId, schemaVersion: SCHEMA_VERSION, createdAt: at, updatedAt: at, deviceId: p.deviceId };
  const byId = new Map(roster.map((e) => [e.childId, e]));
  const activity: ActivityDoc = {
    _id: ids.activity(activityId), type: 'activity', ...meta, date: form.date, startTime: form.startTime, durationMin: form.durationMin,
    serviceType: form.serviceType, providerKind: form.providerKind, providerName: form.providerName.trim(), facilitatorStaffIds: form.facilitatorStaffIds,
    participants: form.childIds.flatMap((childId) => {
      const e = byId.get(childId);
      return e ? [{ childId, snapshot: snapshotOf(e.child, form.date, consentOn(e.consents, form.date)['county-stats']) }] : [];
    }),
    notes: form.notes,
  };
  await p.docs.bulkCreate([
    activity,
    ...(form.photos.length ? [{ _id: ids.activityPhotos(activityId), type: 'activityPhotos' as const, ...meta, activityId, photos: form.photos }] : []),
  ]);
  await recountMonths(p, centerId, [activity.date]);
  return activity;
}

/** Correcting a record: the audit log on this device says who changed or removed it, and when. */
interface EditPorts extends Ports {
  readonly device: Pick<DeviceStore, 'appendAudit'>;
}

/** The form for a saved session, to correct it. */
export function serviceFormOf(activity: ActivityDoc, photos: readonly string[]): ServiceForm {
  return {
    date: activity.date, startTime: activity.startTime, durationMin: activity.durationMin, serviceType: activity.serviceType, providerKind: activity.providerKind,
    providerName: activity.providerName, facilitatorStaffIds: [...activity.facilitatorStaffIds], childIds: activity.participants.map((x) => x.childId), notes: activity.notes, photos: [...photos],
  };
}

/**
 * Saves a correction of a session: the record and its photos change together, the months' county tallies are
 * recounted, and a per-session county copy an older kiosk wrote of it (retired) is deleted.
 * A child who took part keeps the snapshot taken then; a child added now gets one as of the session's date.
 * @returns null when the session no longer exists (removed meanwhile). @throws Error when the form is invalid.
 */
export async function updateService(p: EditPorts, staffId: string | null, roster: readonly RosterEntry[], activityId: string, form: ServiceForm): Promise<ActivityDoc | null> {
  const problems = validateService(form, form.date);
  if (Object.keys(problems).length > 0) throw new Error(`invalid service: ${Object.keys(problems).join(', ')}`);
  const current = await p.docs.get('activity', ids.activity(activityId));
  if (!current) return null;
  const at = p.now().toISOString();
  const byId = new Map(roster.map((e) => [e.childId, e]));
  const kept = new Map(current.participants.map((x) => [x.childId, x]));
  const participants = form.childIds.flatMap((childId) => {
    const before = kept.get(childId);
    if (before && current.date === form.date) return [before];
    const e = byId.get(childId);
    return e ? [{ childId, snapshot: snapshotOf(e.child, form.date, consentOn(e.consents, form.date)['county-stats']) }] : before ? [before] : [];
  });
  const saved = await p.docs.update('activity', current._id, (cur) =>
    cur && {
      ...cur, updatedAt: at, deviceId: p.deviceId, date: form.date, startTime: form.startTime, durationMin: form.durationMin, serviceType: form.serviceType,
      providerKind: form.providerKind, providerName: form.providerName.trim(), facilitatorStaffIds: [...form.facilitatorStaffIds], participants, notes: form.notes,
    },
  );
  if (!saved) return null;
  await p.docs.remove('serviceTally', ids.serviceTally(activityId));
  const photosId = ids.activityPhotos(activityId);
  if (form.photos.length === 0) await p.docs.remove('activityPhotos', photosId);
  else
    await p.docs.update('activityPhotos', photosId, (cur) => ({
      _id: photosId, type: 'activityPhotos', centerId: saved.centerId, schemaVersion: SCHEMA_VERSION, createdAt: cur?.createdAt ?? at, updatedAt: at, deviceId: p.deviceId,
      activityId, photos: [...form.photos], ...(cur?._rev ? { _rev: cur._rev } : {}),
    }));
  await recountMonths(p, saved.centerId, [current.date, saved.date]);
  await p.device.appendAudit({ at, staffId, action: 'service-edit', detail: saved._id });
  return saved;
}

/**
 * Withdraws a session recorded by mistake, with its photos and any per-session county copy an older kiosk wrote of it
 * (retired; its tombstone reaches the county); the month's county tally is recounted without it.
 */
export async function deleteService(p: EditPorts, staffId: string | null, activityId: string): Promise<void> {
  const current = await p.docs.get('activity', ids.activity(activityId));
  await p.docs.remove('activity', ids.activity(activityId));
  await p.docs.remove('serviceTally', ids.serviceTally(activityId));
  await p.docs.remove('activityPhotos', ids.activityPhotos(activityId));
  if (current) await recountMonths(p, current.centerId, [current.date]);
  await p.device.appendAudit({ at: p.now().toISOString(), staffId, action: 'service-delete', detail: ids.activity(activityId) });
}

export interface MonthCount {
  readonly month: string;
  readonly serviceType: ServiceType;
  /** 场次 */
  readonly sessions: number;
  /** 人次 */
  readonly attendances: number;
}

export function countByMonthAndType(activities: readonly ActivityDoc[]): MonthCount[] {
  const m = new Map<string, { sessions: number; attendances: number }>();
  for (const a of activities) {
    const key = `${a.date.slice(0, 7)}|${a.serviceType}`;
    const c = m.get(key) ?? { sessions: 0, attendances: 0 };
    c.sessions++;
    c.attendances += a.participants.length;
    m.set(key, c);
  }
  return [...m.entries()]
    .map(([key, c]) => {
      const [month, serviceType] = key.split('|') as [string, ServiceType];
      return { month, serviceType, ...c };
    })
    .sort((a, b) => byCodeUnits(b.month, a.month) || b.sessions - a.sessions);
}
