import { describe, expect, it } from 'vitest';
import type { ActivityDoc } from '@sync/schema/documents';
import { serviceTallyDoc } from '@sync/schema/documents';
import { tallyOf } from './tally';

const activity: ActivityDoc = {
  _id: 'activity:01JC0000000000000000000001', type: 'activity', centerId: 'qingshan', schemaVersion: 1,
  createdAt: '2026-11-02T17:00:00+08:00', updatedAt: '2026-11-02T17:00:00+08:00', deviceId: 'k',
  date: '2026-11-02', startTime: '16:00', durationMin: 60, serviceType: 'educational-support', providerKind: 'volunteer-group',
  providerName: '张志愿者', facilitatorStaffIds: [], notes: '小明今天哭了',
  participants: [
    { childId: '01JC0000000000000000000002', snapshot: { group: 'migrant', ageBand: '9-11', gender: 'male', countyOk: true } },
    { childId: '01JC0000000000000000000003', snapshot: { group: 'local', ageBand: '6-8', gender: 'female', countyOk: false } },
  ],
};

describe('tallyOf', () => {
  it('keeps what the county counts and nothing that names or identifies anyone', () => {
    const t = tallyOf(activity);
    expect(serviceTallyDoc.parse(t)).toEqual(t);
    expect(t).toMatchObject({ _id: 'tally:01JC0000000000000000000001', activityId: '01JC0000000000000000000001', date: '2026-11-02', durationMin: 60 });
    // Only the participant whose guardian consented to county statistics, as a snapshot.
    expect(t.participants).toEqual([{ group: 'migrant', ageBand: '9-11', gender: 'male' }]);
    expect(JSON.stringify(t)).not.toMatch(/childId|张志愿者|小明|01JC0000000000000000000002/);
  });
});
