/**
 * The county's view of an activity (sync/schema: serviceTally): derived from
 * the activity when it is written, so the county copy needs neither the
 * participants' ids nor any free text. Pure.
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
