/**
 * A center's service sessions of one month, counted (sync/schema: serviceMonthTally): by
 * service type and provider kind, the sessions (场次), their minutes, and the attendances
 * (人次) of children with county-statistics consent at the session, by child group. The
 * county views `month_sessions` and `month_services` emit from these few numbers (at most
 * types × provider kinds × groups per center and month) instead of one row per session,
 * which on the trial server is what a grouped reduce costs.
 *
 * Counted from the month's sessions through domain/tally.ts `tallyOf` (the derivation the
 * retired per-session county copy had, so the numbers are the ones it always gave; the copy
 * itself is no longer stored), always recounted, never incremented: two kiosks of one center, a re-sync, an edited or
 * withdrawn session all end at the same counts once the kiosk has the month's sessions. No
 * child id, name, date, provider name or note is in it. Pure.
 */
import type { ServiceMonthCell, ServiceMonthTallyDoc, ServiceTallyDoc } from '@sync/schema/documents';
import { ids } from '@sync/schema/ids';
import { CHILD_GROUPS, PROVIDER_KINDS, SERVICE_TYPES, type ChildGroup } from '@sync/schema/vocab';
import { monthTallyEnvelope } from './monthTally';

/** What a session contributes: its `tallyOf` shape (participants already limited to consenting children). */
export type CountedSession = Pick<ServiceTallyDoc, 'date' | 'serviceType' | 'providerKind' | 'durationMin' | 'participants'>;

/** The tally of `month` (yyyy-mm) from `sessions` (sessions of other months are ignored). @throws InvalidIdError for a malformed center id or month. */
export function serviceMonthTally(sessions: readonly CountedSession[], centerId: string, month: string, deviceId: string, nowIso: string): ServiceMonthTallyDoc {
  const cells = new Map<string, { sessions: number; minutes: number; byGroup: Map<ChildGroup, number> }>();
  for (const s of sessions) {
    if (s.date.slice(0, 7) !== month) continue;
    const key = `${s.serviceType}|${s.providerKind}`;
    const cell = cells.get(key) ?? { sessions: 0, minutes: 0, byGroup: new Map<ChildGroup, number>() };
    cell.sessions++;
    cell.minutes += s.durationMin;
    for (const p of s.participants) cell.byGroup.set(p.group, (cell.byGroup.get(p.group) ?? 0) + 1);
    cells.set(key, cell);
  }
  // A fixed order (the vocabularies'), so equal counts are equal documents whatever order the sessions came in.
  const ordered: ServiceMonthCell[] = [];
  for (const serviceType of SERVICE_TYPES)
    for (const providerKind of PROVIDER_KINDS) {
      const c = cells.get(`${serviceType}|${providerKind}`);
      if (!c) continue;
      ordered.push({
        serviceType,
        providerKind,
        sessions: c.sessions,
        minutes: c.minutes,
        byGroup: CHILD_GROUPS.flatMap((group) => {
          const n = c.byGroup.get(group);
          return n ? [{ group, attendances: n }] : [];
        }),
      });
    }
  return {
    ...monthTallyEnvelope('serviceMonthTally', ids.serviceMonthTally(centerId, month), centerId, month, deviceId, nowIso),
    cells: ordered,
  };
}

/** One tally per month that has sessions (for seeding a county without kiosks: the demo, the bench and the tests). */
export function serviceMonthTalliesOf(sessions: readonly CountedSession[], centerId: string, deviceId: string, nowIso: string): ServiceMonthTallyDoc[] {
  const months = [...new Set(sessions.map((s) => s.date.slice(0, 7)))].sort();
  return months.map((month) => serviceMonthTally(sessions, centerId, month, deviceId, nowIso));
}

/** Whether two tallies say the same (so an unchanged one is not written again). */
export function sameServiceCounts(a: ServiceMonthTallyDoc, b: ServiceMonthTallyDoc): boolean {
  const fields = (d: ServiceMonthTallyDoc) =>
    JSON.stringify([d._id, d.centerId, d.month, d.cells.map((c) => [c.serviceType, c.providerKind, c.sessions, c.minutes, c.byGroup.map((g) => [g.group, g.attendances])])]);
  return fields(a) === fields(b);
}
