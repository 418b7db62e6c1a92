import { describe, expect, it } from 'vitest';
import { checkConsentDraft, consentGiverProblems, emptyChildForm, emptyConsentDraft, recordConsent, saveChild, setArchived, validateChildForm } from './childrenService';
import { childPrivateDoc, consentDoc } from '@sync/schema/documents';
import { GUARDIAN_RELATIONS, PICKUP_RELATIONS } from '@sync/schema/vocab';
import { MemoryDocStore } from '../../storage/memory/MemoryDocStore';
import { loadRoster } from '../../app/roster';
import { consentOn } from '@/domain/consent';
import { groupOn } from '@/domain/child';

const today = '2026-11-30';
const ports = (docs: MemoryDocStore, iso = '2026-11-30T09:00:00+08:00') => ({ docs, deviceId: 'k1', now: () => new Date(iso) });

describe('children', () => {
  it('validates the form with named reasons', () => {
    const f = emptyChildForm(today);
    expect(validateChildForm(f, today)).toMatchObject({ fullName: 'nameRequired', birthMonth: 'birthMonth' });
    expect(validateChildForm({ ...f, fullName: '张小明', birthMonth: '2030-01' }, today).birthMonth).toBe('birthFuture');
    // What the schemas refuse, the form refuses first: a 201-character name, a day that does not exist.
    expect(validateChildForm({ ...f, gender: 'female', group: 'local', caregiver: 'parent', fullName: '名'.repeat(201), birthMonth: '2016-05', enrolledOn: '2026-02-30', situationFrom: '2026-13-45', school: '校'.repeat(201) }, today)).toEqual({ fullName: 'nameTooLong', enrolledOn: 'date', situationFrom: 'date', school: 'textTooLong' });
    expect(validateChildForm({ ...f, fullName: '张小明', birthMonth: '2016-05', guardians: [{ name: '', relation: 'father', relationOther: '', phone: '', isLegalGuardian: true, worksAway: true }] }, today).guardians).toBe('guardianName');
  });

  it('creates a child as a profile plus a private record, and keeps situation history', async () => {
    const docs = new MemoryDocStore();
    const form = { ...emptyChildForm(today), gender: 'female' as const, fullName: '张小明', displayName: '小明', birthMonth: '2016-05', group: 'local' as const, caregiver: 'parent' as const };
    const id = await saveChild(ports(docs), 'qingshan', form, null);
    let [entry] = await loadRoster(docs);
    expect(entry?.childId).toBe(id);
    expect(entry?.priv?.fullName).toBe('张小明');
    expect(JSON.stringify(entry?.child)).not.toContain('张小明');
    // The mother leaves for work in December: a new period, the old one kept.
    await saveChild(ports(docs, '2026-12-05T09:00:00+08:00'), 'qingshan', { ...form, group: 'left-behind-mother-away', caregiver: 'grandparent', situationFrom: '2026-12-01' }, entry!);
    [entry] = await loadRoster(docs);
    expect(entry?.child.groupHistory).toHaveLength(2);
    expect(groupOn(entry!.child, '2026-11-30')).toBe('local');
    expect(groupOn(entry!.child, '2026-12-02')).toBe('left-behind-mother-away');
    await setArchived(ports(docs), entry!, true);
    [entry] = await loadRoster(docs);
    expect(entry?.child).toMatchObject({ archived: true, leftOn: today });
  });

  it('records consent and its withdrawal as separate events', async () => {
    const docs = new MemoryDocStore();
    await saveChild(ports(docs), 'qingshan', { ...emptyChildForm(today), gender: 'female' as const, fullName: '王浩然', birthMonth: '2014-02', group: 'migrant', caregiver: 'parent' }, null);
    let [entry] = await loadRoster(docs);
    const staffId = '01JCDEFGHJKMNPQRSTVWXYZ099';
    await recordConsent(ports(docs), entry!, staffId, { action: 'grant', scopes: ['attendance', 'mood', 'screening'], relation: 'father', isLegalGuardian: true, method: 'phone', effectiveOn: today, note: '父亲在深圳，电话同意' });
    await recordConsent(ports(docs, '2026-12-02T09:00:00+08:00'), entry!, staffId, { action: 'withdraw', scopes: ['screening'], relation: 'father', isLegalGuardian: true, method: 'message', effectiveOn: '2026-12-02', note: '' });
    [entry] = await loadRoster(docs);
    expect(entry?.consents).toHaveLength(2);
    expect(consentOn(entry!.consents, '2026-12-01').screening).toBe(true);
    expect(consentOn(entry!.consents, '2026-12-02').screening).toBe(false);
    await expect(recordConsent(ports(docs), entry!, staffId, { action: 'grant', scopes: [], relation: 'father', isLegalGuardian: true, method: 'phone', effectiveOn: today, note: '' })).rejects.toThrow();
  });

  it('starts every fact about a child unanswered and refuses to save until each is chosen (issue 11)', async () => {
    const f = { ...emptyChildForm(today), fullName: '张小明', birthMonth: '2016-05' };
    expect(f).toMatchObject({ gender: '', group: '', caregiver: '' });
    expect(validateChildForm(f, today)).toEqual({ gender: 'genderRequired', group: 'groupRequired', caregiver: 'caregiverRequired' });
    const docs = new MemoryDocStore();
    await expect(saveChild(ports(docs), 'qingshan', f, null)).rejects.toThrow(/invalid child/);
    expect(await loadRoster(docs)).toHaveLength(0);
    const answered = { ...f, gender: 'male' as const, group: 'left-behind-father-away' as const, caregiver: 'grandparent' as const };
    const guardian = { name: '张奶奶', relation: '' as const, relationOther: '', phone: '', isLegalGuardian: false, worksAway: false };
    expect(validateChildForm({ ...answered, guardians: [guardian] }, today).guardians).toBe('relationRequired');
    expect(validateChildForm({ ...answered, guardians: [{ ...guardian, relation: 'other' }] }, today).guardians).toBe('relationOtherRequired');
    await saveChild(ports(docs), 'qingshan', { ...answered, guardians: [{ ...guardian, name: '李桂英', relation: 'other', relationOther: '干妈' }] }, null);
    const [entry] = await loadRoster(docs);
    expect(entry?.priv?.guardians[0]).toMatchObject({ relation: 'other', relationOther: '干妈' });
  });

  it('offers guardians and consent-givers real relations, never 老师 or 自己回家; pick-up keeps them', () => {
    expect(GUARDIAN_RELATIONS).toEqual(expect.arrayContaining(['father', 'mother', 'paternal-grandparent', 'maternal-grandparent', 'maternal-uncle', 'paternal-aunt', 'paternal-uncle', 'maternal-aunt', 'sibling', 'other']));
    expect(GUARDIAN_RELATIONS).not.toContain('teacher');
    expect(GUARDIAN_RELATIONS).not.toContain('self');
    expect(PICKUP_RELATIONS).toEqual(expect.arrayContaining(['teacher', 'self', 'surrogate-parent']));
  });

  it('keeps documents written with the older relation codes valid', () => {
    const base = { centerId: 'qingshan', schemaVersion: 1, createdAt: '2026-09-01T00:00:00.000Z', updatedAt: '2026-09-01T00:00:00.000Z', deviceId: 'k1' };
    const childId = '01JCDEFGHJKMNPQRSTVWXYZ001';
    const priv = { _id: `private:child:${childId}`, type: 'childPrivate', ...base, childId, fullName: '王小明', displayName: '小明', address: '', photo: null, pictureCode: ['sun', 'moon'], guardians: [{ name: '王奶奶', relation: 'grandmother', phone: '', isLegalGuardian: false, worksAway: false }] };
    expect(childPrivateDoc.safeParse(priv).success).toBe(true);
    const consent = { _id: `consent:${childId}:01JCDEFGHJKMNPQRSTVWXYZ002`, type: 'consent', ...base, childId, action: 'grant', scopes: ['attendance'], givenBy: { relation: 'grandfather', isLegalGuardian: false }, method: 'paper', effectiveOn: '2026-09-01', recordedByStaffId: '01JCDEFGHJKMNPQRSTVWXYZ099', note: '' };
    expect(consentDoc.safeParse(consent).success).toBe(true);
    expect(consentDoc.safeParse({ ...consent, givenBy: { relation: 'other', relationOther: '干妈', isLegalGuardian: false } }).success).toBe(true);
  });

  it('the transfer and erasure forms: who consented, whether a legal guardian and how are each asked, never defaulted', () => {
    expect(consentGiverProblems({ relation: '', isLegalGuardian: null, method: '' })).toEqual({ relation: 'relation', legal: 'legal', method: 'method' });
    expect(consentGiverProblems({ relation: 'other', relationOther: ' ', isLegalGuardian: true, method: 'paper' })).toEqual({ relation: 'relationOther' });
    expect(consentGiverProblems({ relation: 'mother', isLegalGuardian: false, method: '' })).toEqual({ method: 'method' });
    expect(consentGiverProblems({ relation: 'maternal-uncle', isLegalGuardian: false, method: 'phone' })).toEqual({});
  });

  it('refuses a consent whose giver, guardianship or way was not chosen, and keeps the words of 其他', async () => {
    const d = { ...emptyConsentDraft(today), scopes: ['attendance' as const] };
    expect(d).toMatchObject({ relation: '', isLegalGuardian: null, method: '' });
    expect(checkConsentDraft({ ...d, scopes: [] })).toEqual({ ok: false, problem: 'scopes' });
    expect(checkConsentDraft(d)).toEqual({ ok: false, problem: 'relation' });
    expect(checkConsentDraft({ ...d, relation: 'other' })).toEqual({ ok: false, problem: 'relationOther' });
    expect(checkConsentDraft({ ...d, relation: 'mother' })).toEqual({ ok: false, problem: 'legal' });
    expect(checkConsentDraft({ ...d, relation: 'mother', isLegalGuardian: false })).toEqual({ ok: false, problem: 'method' });
    const ok = checkConsentDraft({ ...d, relation: 'other', relationOther: ' 干妈 ', isLegalGuardian: false, method: 'phone' });
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    const docs = new MemoryDocStore();
    await saveChild(ports(docs), 'qingshan', { ...emptyChildForm(today), gender: 'female', fullName: '王浩然', birthMonth: '2014-02', group: 'migrant', caregiver: 'parent' }, null);
    const [entry] = await loadRoster(docs);
    const saved = await recordConsent(ports(docs), entry!, '01JCDEFGHJKMNPQRSTVWXYZ099', ok.input);
    expect(saved.givenBy).toEqual({ relation: 'other', relationOther: '干妈', isLegalGuardian: false });
  });
});
