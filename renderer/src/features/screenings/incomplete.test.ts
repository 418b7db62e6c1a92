// Incomplete screenings are not silently dropped (issue 10), over the in-memory store.
import { describe, expect, it } from 'vitest';
import { MemoryDocStore } from '../../storage/memory/MemoryDocStore';
import { loadRoster } from '../../app/roster';
import { emptyChildForm, recordConsent, saveChild } from '../children/childrenService';
import { noteIncomplete, partialLevel, saveScreening } from './screeningService';
import { GAD7, PHQ9, WHO5 } from '@/domain/instruments/builtin';
import type { StaffDoc } from '@sync/schema/documents';

const staff = { _id: 'staff:01JCDEFGHJKMNPQRSTVWXYZ099', displayName: '刘老师', role: 'teacher' } as StaffDoc;

async function center() {
  const docs = new MemoryDocStore();
  let clock = new Date('2026-11-30T16:00:00+08:00');
  const p = { docs, deviceId: 'k1', now: () => clock };
  await saveChild(p, 'qingshan', { ...emptyChildForm('2026-09-01'), gender: 'female' as const, fullName: '李思琪', birthMonth: '2013-04', enrolledOn: '2026-09-01', situationFrom: '2026-09-01', group: 'left-behind-both-away', caregiver: 'grandparent' }, null);
  let [entry] = await loadRoster(docs);
  await recordConsent(p, entry!, staff._id, { action: 'grant', scopes: ['attendance', 'mood', 'screening', 'county-stats'], relation: 'mother', isLegalGuardian: true, method: 'phone', effectiveOn: '2026-09-01', note: '' });
  [entry] = await loadRoster(docs);
  return { docs, p, entry: entry!, later: (iso: string) => (clock = new Date(iso)) };
}

describe('an incomplete screening', () => {
  it('still raises the safety flag when only the safety item was answered', async () => {
    const { docs, p, entry } = await center();
    const saved = await saveScreening(p, entry, PHQ9, { 'self-harm': 2 }, staff);
    expect(saved.screening).toMatchObject({ valid: false, safety: true, level: 'prompt' });
    expect(saved.followup).toMatchObject({ reason: 'safety-item', urgent: true, dueOn: '2026-11-30' });
    expect((await docs.list('followup', 'followup:')).length).toBe(1);
  });

  it('opens a follow-up when the answered items already cross the attention threshold', async () => {
    const { p, entry } = await center();
    // Six PHQ-9 items at 2 = 12 ≥ 11, three items skipped: invalid, but the child already said enough.
    const answers = { interest: 2, down: 2, sleep: 2, tired: 2, appetite: 2, failure: 2 };
    expect(partialLevel(PHQ9, answers, 13)).toBe('attention');
    const saved = await saveScreening(p, entry, PHQ9, answers, staff);
    expect(saved.screening).toMatchObject({ valid: false, safety: false, level: 'none' });
    expect(saved.partialLevel).toBe('attention');
    expect(saved.followup).toMatchObject({ reason: 'screening-attention', urgent: false, sourceId: saved.screening._id, dueOn: '2026-12-07' });
  });

  it('opens nothing when the answered items are reassuring, and cannot judge an "at most" cut-off on a partial set', async () => {
    const { p, entry } = await center();
    const saved = await saveScreening(p, entry, GAD7, { nervous: 1 }, staff);
    expect(saved.screening.valid).toBe(false);
    expect(saved.followup).toBeNull();
    // WHO-5 flags a LOW score; two answers of 0 say nothing yet about the other three.
    expect(partialLevel(WHO5, { [WHO5.items[0]!.id]: 0, [WHO5.items[1]!.id]: 0 }, 13)).toBe('none');
  });

  it('is finished in place (same record, rescored) without a second follow-up, and its reason can be noted', async () => {
    const { docs, p, entry, later } = await center();
    const first = await saveScreening(p, entry, PHQ9, { interest: 2, down: 2, sleep: 2, tired: 2, appetite: 2, failure: 2 }, staff);
    await noteIncomplete(p, first.screening._id.slice(10), '孩子累了，明天再做');
    expect((await docs.get('screeningAnswers', `private:answers:${first.screening._id.slice(10)}`))?.incompleteNote).toBe('孩子累了，明天再做');
    await expect(noteIncomplete(p, first.screening._id.slice(10), '  ')).rejects.toThrow();
    later('2026-12-01T16:00:00+08:00');
    const done = await saveScreening(p, entry, PHQ9, { interest: 2, down: 2, sleep: 2, tired: 2, appetite: 2, failure: 2, concentration: 1, psychomotor: 0, 'self-harm': 0 }, staff, first.screening);
    expect(done.screening).toMatchObject({ _id: first.screening._id, valid: true, level: 'attention', total: 13, date: '2026-11-30' });
    expect(done.followup).toBeNull();
    expect(await docs.list('screening', 'screening:')).toHaveLength(1);
    expect(await docs.list('followup', 'followup:')).toHaveLength(1);
    // Finishing with a safety answer still opens the urgent one.
    const safety = await saveScreening(p, entry, PHQ9, { interest: 2, down: 2, sleep: 2, tired: 2, appetite: 2, failure: 2, concentration: 1, psychomotor: 0, 'self-harm': 1 }, staff, done.screening);
    expect(safety.followup).toMatchObject({ reason: 'safety-item', urgent: true });
  });
});
