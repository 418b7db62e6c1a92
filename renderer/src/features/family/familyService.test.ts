// 亲情连线 (issue 15) over the in-memory store: consent, delivery, replies, calls, the
// continuity prompt and the county tally moving, withdrawal and retention.
import { describe, expect, it } from 'vitest';
import { MemoryDocStore } from '../../storage/memory/MemoryDocStore';
import { loadRoster } from '../../app/roster';
import { loadContactEvents } from '../../app/familyContacts';
import { emptyChildForm, recordConsent, saveChild } from '../children/childrenService';
import { continuityPrompts } from '../followups/followupService';
import { centerTally } from '@/domain/county/centerTally';
import { ConsentRequiredError } from '@/domain/consent';
import { dueCallPlans } from '@/domain/familyContact';
import { DEFAULT_CENTER_SETTINGS, type CenterDoc, type StaffDoc } from '@sync/schema/documents';
import type { ConsentScope } from '@sync/schema/vocab';
import { addReply, blobToPayload, childReplies, EmptyMessageError, FamilyFileError, logCall, markDelivered, markReplySeen, privacySweep, recordMessage, saveCallPlan, waitingByFamily, MAX_MESSAGE_BYTES } from './familyService';

const staff = { _id: 'staff:01JCDEFGHJKMNPQRSTVWXYZ099', displayName: '王老师', role: 'teacher' } as StaffDoc;
const center: CenterDoc = {
  _id: 'center:qingshan', type: 'center', centerId: 'qingshan', schemaVersion: 1, createdAt: '2026-09-01T08:00:00+08:00', updatedAt: '2026-09-01T08:00:00+08:00', deviceId: 'k',
  name: '青山', county: '云溪县', township: '', village: '', defaultLocale: 'zh-CN', settings: DEFAULT_CENTER_SETTINGS,
};

async function setup(scopes: ConsentScope[], nowIso = '2026-11-30T16:00:00+08:00') {
  const docs = new MemoryDocStore();
  let now = new Date(nowIso);
  const p = { docs, deviceId: 'k1', now: () => now };
  await saveChild(p, 'qingshan', { ...emptyChildForm('2026-09-01'), gender: 'female' as const, fullName: '李思琪', birthMonth: '2016-04', enrolledOn: '2026-09-01', situationFrom: '2026-09-01', group: 'left-behind-both-away', caregiver: 'grandparent' }, null);
  let [entry] = await loadRoster(docs);
  await recordConsent(p, entry!, staff._id, { action: 'grant', scopes, relation: 'mother', isLegalGuardian: true, method: 'phone', effectiveOn: '2026-09-01', note: '' });
  [entry] = await loadRoster(docs);
  return { docs, p, entry: entry!, setNow: (iso: string) => (now = new Date(iso)) };
}
const png = new Blob([new Uint8Array([137, 80, 78, 71, 1, 2, 3])], { type: 'image/png' });

describe('family messages', () => {
  it('are refused without the family-messages consent, and nothing is written', async () => {
    const { docs, p, entry } = await setup(['attendance', 'mood']);
    await expect(recordMessage(p, entry, { kind: 'text', text: '妈妈好' })).rejects.toBeInstanceOf(ConsentRequiredError);
    expect(await docs.list('familyMessage', 'private:fmsg:')).toEqual([]);
  });

  it('keep a drawing as an attachment, refuse empty words and files of the wrong kind', async () => {
    const { docs, p, entry } = await setup(['attendance', 'family-messages']);
    const m = await recordMessage(p, entry, { kind: 'drawing', payload: await blobToPayload(png, MAX_MESSAGE_BYTES) });
    expect(m._attachments).toEqual({ 'picture.png': { content_type: 'image/png', data: 'iVBORwECAw==' } });
    await expect(recordMessage(p, entry, { kind: 'text', text: '   ' })).rejects.toBeInstanceOf(EmptyMessageError);
    await expect(blobToPayload(new Blob(['x'], { type: 'text/html' }), 100)).rejects.toBeInstanceOf(FamilyFileError);
    await expect(blobToPayload(png, 3)).rejects.toMatchObject({ reason: 'size' });
    expect(waitingByFamily(await docs.list('familyMessage', 'private:fmsg:')).map((g) => g.waiting.length)).toEqual([1]);
  });

  it('delivered, or a call that happened, is parent–child contact for the continuity prompt and the county tally', async () => {
    const { docs, p, entry } = await setup(['attendance', 'county-stats', 'family-messages']);
    const att = { date: '2026-11-27', childId: entry.childId, status: 'present' } as never;
    const prompts = async () => continuityPrompts([entry], DEFAULT_CENTER_SETTINGS, '2026-11-30', [att], [], await loadContactEvents(docs, '2026-10-01'), []).map((x) => x.kind);
    const tally = async () =>
      centerTally({ center, children: [entry.child], consents: entry.consents, staff: [], followups: [], days: [], attendance: [att], activities: await loadContactEvents(docs, '2026-11-01') }, '2026-11', '2026-11-30', 'k', '2026-11-30T18:00:00+08:00').byGroup[0]!.parentContact;
    expect(await prompts()).toEqual(['no-parent-contact']);
    expect(await tally()).toBe(0);
    const m = await recordMessage(p, entry, { kind: 'text', text: '妈妈我想你' });
    expect(await prompts()).toEqual(['no-parent-contact']);
    await markDelivered(p, m._id, staff, 'call');
    expect(await prompts()).toEqual([]);
    expect(await tally()).toBe(1);
    // A call: "no answer" is no contact; "happened" is.
    const { docs: docs2, p: p2, entry: e2 } = await setup(['attendance', 'county-stats', 'family-messages']);
    await logCall(p2, 'qingshan', staff, { planId: null, childIds: [e2.childId], outcome: 'no-answer', durationMin: 10, participants: ['mother'] });
    expect((await loadContactEvents(docs2, '2026-11-01')).length).toBe(0);
    const call = await logCall(p2, 'qingshan', staff, { planId: null, childIds: [e2.childId], outcome: 'happened', durationMin: 12, participants: ['mother', 'father'] });
    expect(call).toMatchObject({ date: '2026-11-30', durationMin: 12, participants: ['mother', 'father'] });
    expect(await loadContactEvents(docs2, '2026-11-01')).toEqual([{ date: '2026-11-30', serviceType: 'parent-child-contact', participants: [{ childId: e2.childId }] }]);
  });

  it('replies are new until the child opens one; written words need words', async () => {
    const { docs, p, entry } = await setup(['family-messages']);
    await expect(addReply(p, entry, staff, { from: 'mother', kind: 'text', text: ' ' })).rejects.toBeInstanceOf(EmptyMessageError);
    await expect(addReply(p, entry, staff, { from: 'mother', kind: 'voice', payload: await blobToPayload(png, 100) })).rejects.toBeInstanceOf(FamilyFileError);
    const r = await addReply(p, entry, staff, { from: 'mother', kind: 'text', text: '妈妈过年就回来' });
    expect(r.seenAt).toBeNull();
    await markReplySeen(p, r._id);
    expect((await childReplies(docs, entry.childId))[0]!.seenAt).toBe('2026-11-30T08:00:00.000Z');
  });

  it('withdrawing the consent erases undelivered messages; the retention period erases the rest', async () => {
    const { docs, p, entry, setNow } = await setup(['family-messages']);
    const delivered = await recordMessage(p, entry, { kind: 'text', text: '爸爸好' });
    await markDelivered(p, delivered._id, staff, 'print');
    await recordMessage(p, entry, { kind: 'drawing', payload: await blobToPayload(png, 100) });
    await addReply(p, entry, staff, { from: 'father', kind: 'text', text: '好好学习' });
    await recordConsent(p, entry, staff._id, { action: 'withdraw', scopes: ['family-messages'], relation: 'mother', isLegalGuardian: true, method: 'phone', effectiveOn: '2026-11-30', note: '' });
    expect((await docs.list('familyMessage', 'private:fmsg:')).map((m) => m.status)).toEqual(['delivered']);
    const [after] = await loadRoster(docs);
    expect(await privacySweep(p, [after!], {})).toBe(0);
    setNow('2027-05-01T16:00:00+08:00'); // 152 days later: past the default term (150 days)
    expect(await privacySweep(p, [after!], {})).toBe(2);
    expect(await docs.list('familyMessage', 'private:fmsg:')).toEqual([]);
    expect(await docs.list('familyReply', 'private:freply:')).toEqual([]);
  });

  it('a call plan is due on its weekday from an hour before until a call is logged', async () => {
    const { docs, p, entry } = await setup(['family-messages']);
    const plan = await saveCallPlan(p, 'qingshan', { childIds: [entry.childId], weekday: 0, time: '19:00', withRelation: 'mother', note: '' });
    const planId = plan._id.slice(plan._id.lastIndexOf(':') + 1);
    expect(dueCallPlans([plan], [], '2026-11-29', '17:59')).toEqual([]);
    expect(dueCallPlans([plan], [], '2026-11-29', '18:00')).toHaveLength(1);
    expect(dueCallPlans([plan], [], '2026-11-30', '19:00')).toEqual([]);
    expect(dueCallPlans([plan], [{ planId, date: '2026-11-29' }], '2026-11-29', '19:30')).toEqual([]);
    void docs;
  });
});
