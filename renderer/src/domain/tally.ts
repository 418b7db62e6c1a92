/**
 * What the county counts of one service session (the `serviceTally` shape): its date,
 * type, provider kind, minutes and the group, age band and gender of each consenting
 * participant — neither the participants' ids nor any free text. Pure.
 *
 * The monthly county tally adds these up in memory (app/countyTallies.ts,
 * domain/county/serviceMonthTally.ts). Kiosks up to DDOC_VERSION 8 also stored each one
 * as a per-session county copy (`tally:<activityId>`); that copy is retired
 * (sync/schema/county.ts) and this version stores none.
 */
import type { ActivityDoc, ServiceTallyDoc } from '@sync/schema/documents';
import { ids, trailingUlid } from '@sync/schema/ids';

export function tallyOf(activity: ActivityDoc): ServiceTallyDoc {
  const activityId = trailingUlid(activity._id);
  if (!activityId) throw new Error(`not an activity id: ${activity._id}`);
  return {
    _id: ids.serviceTally(activityId),
    type: 'serviceTally',
    centerId: activity.centerId,
    schemaVersion: activity.schemaVersion,
    createdAt: activity.createdAt,
    updatedAt: activity.updatedAt,
    deviceId: activity.deviceId,
    activityId,
    date: activity.date,
    serviceType: activity.serviceType,
    providerKind: activity.providerKind,
    durationMin: activity.durationMin,
    participants: activity.participants.filter((p) => p.snapshot.countyOk).map(({ snapshot: { group, ageBand, gender } }) => ({ group, ageBand, gender })),
  };
}
