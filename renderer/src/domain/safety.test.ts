import { describe, expect, it } from 'vitest';
import type { FollowupDoc } from '@sync/schema/documents';
import { isWaitingSafety, minutesWaited, splitWait, waitingSafety, waitingTalks } from './safety';

const f = (id: string, over: Partial<FollowupDoc>): FollowupDoc =>
  ({ _id: id, reason: 'talk-request', urgent: false, status: 'open', acknowledgedAt: null, openedAt: '2026-11-30T08:00:00.000Z', ...over }) as FollowupDoc;

describe('what waits for an adult', () => {
  it('an urgent follow-up waits until it is acknowledged, whoever owns it', () => {
    expect(isWaitingSafety(f('a', { reason: 'safety-item', urgent: true, status: 'in-progress' }))).toBe(true);
    expect(isWaitingSafety(f('a', { reason: 'safety-item', urgent: true, acknowledgedAt: '2026-11-30T09:00:00.000Z' }))).toBe(false);
    expect(isWaitingSafety(f('a', { reason: 'safety-item', urgent: true, status: 'closed' }))).toBe(false);
    expect(isWaitingSafety(f('a', { reason: 'screening-attention' }))).toBe(false);
  });

  it('talk requests wait until someone takes them, oldest first', () => {
    const list = [
      f('new', { openedAt: '2026-11-30T08:30:00.000Z' }),
      f('old', { openedAt: '2026-11-30T08:00:00.000Z' }),
      f('taken', { status: 'in-progress' }),
      f('concern', { reason: 'staff-concern' }),
      f('safety', { reason: 'safety-item', urgent: true }),
    ];
    expect(waitingTalks(list).map((x) => x._id)).toEqual(['old', 'new']);
    expect(waitingSafety(list).map((x) => x._id)).toEqual(['safety']);
  });

  it('says how long in whole minutes, never negative', () => {
    expect(minutesWaited('2026-11-30T08:00:00.000Z', new Date('2026-11-30T09:05:59.000Z'))).toBe(65);
    expect(minutesWaited('2026-11-30T08:00:00.000Z', new Date('2026-11-30T07:59:00.000Z'))).toBe(0);
    expect(splitWait(65)).toEqual({ hours: 1, minutes: 5 });
  });
});
