/**
 * What every monthly county tally (moodTally, serviceMonthTally) carries besides its counts:
 * the envelope of a document of this center and month, written by this device now. Pure.
 */
import { SCHEMA_VERSION } from '@sync/schema/documents';

export function monthTallyEnvelope<T extends 'moodTally' | 'serviceMonthTally'>(type: T, id: string, centerId: string, month: string, deviceId: string, nowIso: string) {
  return { _id: id, type, centerId, schemaVersion: SCHEMA_VERSION, createdAt: nowIso, updatedAt: nowIso, deviceId, month };
}
