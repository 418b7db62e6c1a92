import { describe, expect, it } from 'vitest';
import { emptyChildForm, recordConsent, saveChild, setArchived, validateChildForm } from './childrenService';
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
    expect(validateChildForm({ ...f, fullName: '名'.repeat(201), birthMonth: '2016-05', enrolledOn: '2026-02-30', situationFrom: '2026-13-45', school: '校'.repeat(201) }, today)).toEqual({ fullName: 'nameTooLong', enrolledOn: 'date', situationFrom: 'date', school: 'textTooLong' });
    expect(validateChildForm({ ...f, fullName: '张小明', birthMonth: '2016-05', guardians: [{ name: '', relation: 'father', phone: '', isLegalGuardian: true, worksAway: true }] }, today).guardians).toBe('guardianName');
  });

  it('creates a child as a profile plus a private record, and keeps situation history', async () => {
    const docs = new MemoryDocStore();
    const form = { ...emptyChildForm(today), fullName: '张小明', displayName: '小明', birthMonth: '2016-05', group: 'local' as const, caregiver: 'parent' as const };
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
    await saveChild(ports(docs), 'qingshan', { ...emptyChildForm(today), fullName: '王浩然', birthMonth: '2014-02' }, null);
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
});
