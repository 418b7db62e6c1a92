/**
 * Service sessions (活动 / 服务): what the center did, for whom, by which kind
 * of provider — counted the way county staff report, sessions (场次) and
 * attendances (人次) per type per month. Each participant carries a snapshot
 * of the child's group, age band and gender, so county figures need no names.
 */
import type { ActivityDoc } from '@sync/schema/documents';
import { SCHEMA_VERSION } from '@sync/schema/documents';
import { tallyOf } from '@/domain/tally';
import { ids, newUlid } from '@sync/schema/ids';
import type { ProviderKind, ServiceType } from '@sync/schema/vocab';
import { consentOn } from '@/domain/consent';
import { snapshotOf } from '@/domain/child';
import type { DocStore } from '../../storage/ports';
import type { RosterEntry } from '../../app/roster';

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

/** @throws Error when the form is invalid. */
export async function saveService(p: Ports, centerId: string, roster: readonly RosterEntry[], form: ServiceForm): Promise<ActivityDoc> {
  const problems = validateService(form, form.date);
  if (Object.keys(problems).length > 0) throw new Error(`invalid service: ${Object.keys(problems).join(', ')}`);
  const at = p.now().toISOString();
  const activityId = newUlid();
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
    tallyOf(activity),
    ...(form.photos.length ? [{ _id: ids.activityPhotos(activityId), type: 'activityPhotos' as const, ...meta, activityId, photos: form.photos }] : []),
  ]);
  return activity;
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
    .sort((a, b) => b.month.localeCompare(a.month) || b.sessions - a.sessions);
}
