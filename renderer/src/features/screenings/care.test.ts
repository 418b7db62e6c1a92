// Services, screenings and follow-ups over the in-memory store.
import { describe, expect, it } from 'vitest';
import { MemoryDocStore } from '../../storage/memory/MemoryDocStore';
import { loadRoster } from '../../app/roster';
import { emptyChildForm, recordConsent, saveChild } from '../children/childrenService';
import { availableInstruments, eligibility, importPack, saveScreening } from './screeningService';
import { PHQ9, PSC17 } from '@/domain/instruments/builtin';
import { ConsentRequiredError } from '@/domain/consent';
import { InvalidPackError } from '@/domain/instruments/model';
import { continuityPrompts, closeFollowup, loadFollowups, acknowledge, addAction, isOverdue, sortFollowups } from '../followups/followupService';
import { countByMonthAndType, deleteService, saveService, serviceFormOf, updateService, validateService } from '../services/serviceService';
import { MemoryDeviceStore } from '../../storage/memory/MemoryDeviceStore';
import { DEFAULT_CENTER_SETTINGS, type StaffDoc } from '@sync/schema/documents';

const staff = { _id: 'staff:01JCDEFGHJKMNPQRSTVWXYZ099', displayName: '周社工', role: 'counsellor' } as StaffDoc;
const at = (iso: string) => () => new Date(iso);

async function center(withScreeningConsent = true) {
  const docs = new MemoryDocStore();
  const p = { docs, deviceId: 'k1', now: at('2026-11-30T16:00:00+08:00') };
  await saveChild(p, 'qingshan', { ...emptyChildForm('2026-09-01'), gender: 'female' as const, fullName: '李思琪', birthMonth: '2013-04', enrolledOn: '2026-09-01', situationFrom: '2026-09-01', group: 'left-behind-both-away', caregiver: 'grandparent' }, null);
  let [entry] = await loadRoster(docs);
  await recordConsent(p, entry!, staff._id, { action: 'grant', scopes: withScreeningConsent ? ['attendance', 'mood', 'screening', 'county-stats'] : ['attendance', 'mood'], relation: 'mother', isLegalGuardian: true, method: 'phone', effectiveOn: '2026-09-01', note: '' });
  [entry] = await loadRoster(docs);
  return { docs, p, entry: entry! };
}

describe('screenings', () => {
  it('opens an urgent safety follow-up, due today, when PHQ-9 item 9 is 1', async () => {
    const { docs, p, entry } = await center();
    const answers = Object.fromEntries(PHQ9.items.map((i) => [i.id, 0]));
    const saved = await saveScreening(p, entry, PHQ9, { ...answers, 'self-harm': 1 }, staff);
    expect(saved.screening).toMatchObject({ level: 'prompt', safety: true, total: 1, instrumentId: 'phq9' });
    expect(JSON.stringify(saved.screening)).not.toContain('self-harm":1');
    expect(saved.followup).toMatchObject({ reason: 'safety-item', urgent: true, dueOn: '2026-11-30', status: 'open' });
    const answersDoc = await docs.get('screeningAnswers', `private:answers:${saved.screening._id.slice(10)}`);
    expect(answersDoc?.answers['self-harm']).toBe(1);
    // The counsellor sees it; a volunteer and a teacher do not.
    expect((await loadFollowups(docs, 'counsellor')).map((f) => f.reason)).toEqual(['safety-item']);
    expect(await loadFollowups(docs, 'volunteer')).toEqual([]);
    expect(await loadFollowups(docs, 'teacher')).toEqual([]);
  });

  it('refuses to screen without consent and writes nothing', async () => {
    const { docs, p, entry } = await center(false);
    expect(eligibility(entry, PHQ9, '2026-11-30', [])).toEqual({ ok: false, reason: 'no-consent' });
    const before = await docs.count();
    await expect(saveScreening(p, entry, PHQ9, Object.fromEntries(PHQ9.items.map((i) => [i.id, 0])), staff)).rejects.toThrow(ConsentRequiredError);
    expect(await docs.count()).toBe(before);
  });

  it('keeps PHQ-9 to once a term and opens no follow-up for a reassuring result', async () => {
    const { p, entry } = await center();
    expect(eligibility(entry, PHQ9, '2026-11-30', [])).toEqual({ ok: true });
    const s = await saveScreening(p, entry, PHQ9, Object.fromEntries(PHQ9.items.map((i) => [i.id, 0])), staff);
    expect(s.followup).toBeNull();
    expect(eligibility(entry, PHQ9, '2026-12-15', [s.screening])).toEqual({ ok: false, reason: 'too-soon', nextOn: '2027-02-28' });
    expect(eligibility(entry, PSC17, '2026-12-15', [s.screening])).toEqual({ ok: true });
  });

  it('imports a pack only when it is valid', async () => {
    const { docs, p } = await center();
    await expect(importPack(p, 'qingshan', staff, '{"format":"nope"}')).rejects.toThrow(InvalidPackError);
    expect((await availableInstruments(docs)).map((i) => i.id)).toEqual(['who5', 'phq9', 'gad7', 'psc17-teacher']);
    const smfq = { id: 'smfq', version: '1', name: { 'zh-CN': 'SMFQ', en: 'SMFQ' }, respondent: 'child', minAge: 6, maxAge: 17, prompt: { 'zh-CN': '过去两周', en: 'Past two weeks' },
      scale: { min: 0, max: 2, labels: [0, 1, 2].map((n) => ({ 'zh-CN': `${n}`, en: `${n}` })) }, items: Array.from({ length: 13 }, (_, i) => ({ id: `q${i + 1}`, text: { 'zh-CN': `题${i + 1}`, en: `Q${i + 1}` } })),
      cutoffs: [{ target: 'total', direction: 'at-least', value: 12, level: 'attention' }], maxMissing: 0, licence: 'permission on file' };
    await importPack(p, 'qingshan', staff, JSON.stringify({ format: 'tongxin-instrument-pack', formatVersion: 1, permission: 'ok', instruments: [smfq] }));
    expect((await availableInstruments(docs)).map((i) => i.id)).toContain('smfq');
  });
});

describe('follow-ups', () => {
  it('are acknowledged, worked and closed only with a reason; urgent ones sort first', async () => {
    const { docs, p, entry } = await center();
    const { followup } = await saveScreening(p, entry, PHQ9, { ...Object.fromEntries(PHQ9.items.map((i) => [i.id, 0])), 'self-harm': 2 }, staff);
    await acknowledge(p, followup!._id, staff);
    await addAction(p, followup!._id, staff, 'contacted-guardian', '电话联系了母亲');
    expect(() => closeFollowup(p, followup!._id, staff, ' ')).toThrow();
    const closed = await closeFollowup(p, followup!._id, staff, '已转介县心理中心');
    expect(closed).toMatchObject({ status: 'closed', closeReason: '已转介县心理中心', ownerStaffId: '01JCDEFGHJKMNPQRSTVWXYZ099' });
    expect(closed!.actions.map((a) => a.kind)).toEqual(['contacted-guardian']);
    expect(isOverdue({ status: 'open', dueOn: '2026-11-29' }, '2026-11-30')).toBe(true);
    expect(isOverdue({ status: 'closed', dueOn: '2026-11-29' }, '2026-11-30')).toBe(false);
    const f = (id: string, urgent: boolean, dueOn: string) => ({ ...closed!, _id: id, status: 'open' as const, urgent, acknowledgedAt: null, dueOn });
    expect(sortFollowups([f('a', false, '2026-12-05'), f('b', false, '2026-11-20'), f('c', true, '2026-12-30')], '2026-11-30').map((x) => x._id)).toEqual(['c', 'b', 'a']);
    void docs;
  });

  it('prompt continuity: absent for N open days, no parent contact for N weeks', async () => {
    const { entry } = await center();
    const prompts = continuityPrompts([entry], DEFAULT_CENTER_SETTINGS, '2026-11-30', [], [], [], []);
    expect(prompts.map((x) => x.kind).sort()).toEqual(['absent', 'no-parent-contact']);
    const att = (date: string) => ({ date, childId: entry.childId, status: 'present' }) as never;
    expect(continuityPrompts([entry], DEFAULT_CENTER_SETTINGS, '2026-11-30', [att('2026-11-27')], [], [], []).map((x) => x.kind)).toEqual(['no-parent-contact']);
    const call = { date: '2026-11-25', serviceType: 'parent-child-contact', participants: [{ childId: entry.childId }] } as never;
    expect(continuityPrompts([entry], DEFAULT_CENTER_SETTINGS, '2026-11-30', [att('2026-11-27')], [], [call], [])).toEqual([]);
  });
});

describe('services', () => {
  it('record who took part with a snapshot and count 场次 / 人次', async () => {
    const { p, entry } = await center();
    const form = { date: '2026-11-30', startTime: '16:30', durationMin: 60, serviceType: 'educational-support' as const, providerKind: 'school' as const, providerName: '村小学', facilitatorStaffIds: [], childIds: [entry.childId], notes: '', photos: [] };
    expect(validateService({ ...form, childIds: [] }, '2026-11-30')).toEqual({ childIds: 'noChildren' });
    expect(validateService({ ...form, date: '2026-12-01' }, '2026-11-30')).toEqual({ date: 'future' });
    const a = await saveService(p, 'qingshan', [entry], form);
    expect(a.participants).toEqual([{ childId: entry.childId, snapshot: { group: 'left-behind-both-away', ageBand: '12-15', gender: 'female', countyOk: true } }]);
    const b = await saveService(p, 'qingshan', [entry], { ...form, serviceType: 'parent-child-contact' });
    expect(countByMonthAndType([a, b, a])).toEqual([
      { month: '2026-11', serviceType: 'educational-support', sessions: 2, attendances: 2 },
      { month: '2026-11', serviceType: 'parent-child-contact', sessions: 1, attendances: 1 },
    ]);
  });
});

describe('a teacher form with blanks (issue 11)', () => {
  it('is not saved empty or half filled, and says which questions are blank', async () => {
    const { docs, p, entry } = await center();
    await expect(saveScreening(p, entry, PSC17, {}, staff)).rejects.toMatchObject({ name: 'IncompleteFormError', missing: PSC17.items.map((_, i) => i + 1) });
    const most = Object.fromEntries(PSC17.items.slice(0, 15).map((i) => [i.id, 0]));
    await expect(saveScreening(p, entry, PSC17, most, staff)).rejects.toMatchObject({ missing: [16, 17] });
    expect(await docs.list('screening', 'screening:')).toEqual([]);
    const full = Object.fromEntries(PSC17.items.map((i) => [i.id, 0]));
    expect((await saveScreening(p, entry, PSC17, full, staff)).screening.valid).toBe(true);
  });
});

describe('a saved service (issue 11)', () => {
  it('is opened, corrected and withdrawn with its photos and its month recounted, and the audit log says who and when', async () => {
    const { docs, p, entry } = await center();
    const device = new MemoryDeviceStore();
    const form = { date: '2026-11-30', startTime: '16:30', durationMin: 60, serviceType: 'educational-support' as const, providerKind: 'school' as const, providerName: '村小学', facilitatorStaffIds: [], childIds: [entry.childId], notes: '', photos: ['data:image/jpeg;base64,AAAA'] };
    const a = await saveService(p, 'qingshan', [entry], form);
    const id = a._id.slice('activity:'.length);
    const opened = serviceFormOf(a, ['data:image/jpeg;base64,AAAA']);
    expect(opened).toEqual(form);
    const later = { ...p, device, now: at('2026-12-01T09:00:00+08:00') };
    const fixed = await updateService(later, 'staff:01JCDEFGHJKMNPQRSTVWXYZ099', [entry], id, { ...opened, serviceType: 'counselling-group', durationMin: 45, photos: [] });
    expect(fixed).toMatchObject({ serviceType: 'counselling-group', durationMin: 45, createdAt: a.createdAt, updatedAt: '2026-12-01T01:00:00.000Z', participants: a.participants });
    // No per-session county copy (retired): the month's tally carries the session to the county.
    expect(await docs.get('serviceTally', `tally:${id}`)).toBeNull();
    // The month's county service tally is recounted with each save: the corrected session counted once, under its new type.
    expect((await docs.get('serviceMonthTally', 'stally:qingshan:2026-11'))?.cells).toEqual([
      { serviceType: 'counselling-group', providerKind: 'school', sessions: 1, minutes: 45, byGroup: [{ group: 'left-behind-both-away', attendances: 1 }] },
    ]);
    expect(await docs.get('activityPhotos', `private:activity-photos:${id}`)).toBeNull();
    await deleteService(later, 'staff:01JCDEFGHJKMNPQRSTVWXYZ099', id);
    expect(await docs.get('activity', a._id)).toBeNull();
    expect(await docs.get('serviceTally', `tally:${id}`)).toBeNull();
    // Withdrawn: the month's tally counts no session any more (kept, with no cells, so the county's counts drop too).
    expect((await docs.get('serviceMonthTally', 'stally:qingshan:2026-11'))?.cells).toEqual([]);
    expect((await device.listAudit(10)).map((e) => [e.action, e.staffId, e.detail, e.at])).toEqual([
      ['service-delete', 'staff:01JCDEFGHJKMNPQRSTVWXYZ099', a._id, '2026-12-01T01:00:00.000Z'],
      ['service-edit', 'staff:01JCDEFGHJKMNPQRSTVWXYZ099', a._id, '2026-12-01T01:00:00.000Z'],
    ]);
    expect(await updateService(later, null, [entry], id, opened)).toBeNull();
  });
});
