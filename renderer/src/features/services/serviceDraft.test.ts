import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceForm } from './serviceService';
import { anyDraftOf, draftFor, dropDraft, formChanged, leaveForm } from './serviceDraft';

const blank = (): ServiceForm => ({
  date: '2026-11-30', startTime: '16:00', durationMin: 60, serviceType: 'educational-support', providerKind: 'volunteer-group',
  providerName: '', facilitatorStaffIds: ['S1'], childIds: [], notes: '', photos: [],
});

afterEach(dropDraft);

describe('a service form left half way', () => {
  it('is kept for the staff member who typed it, and only for the same session', () => {
    const typed = { ...blank(), serviceType: 'community-space' as const, notes: '剪纸活动', childIds: ['C1', 'C2'] };
    leaveForm('staff:A', null, typed, blank(), 1000);
    expect(draftFor('staff:A', null)?.form).toEqual(typed);
    expect(draftFor('staff:B', null)).toBeNull();
    expect(draftFor('staff:A', 'ACTIVITY1')).toBeNull();
    expect(anyDraftOf('staff:A')?.form.notes).toBe('剪纸活动');
    expect(anyDraftOf('staff:B')).toBeNull();
  });

  it('is a copy: changing the form after leaving does not change the draft, nor the draft read back', () => {
    const typed = { ...blank(), childIds: ['C1'] };
    leaveForm('staff:A', null, typed, blank(), 1000);
    typed.childIds.push('C9');
    const read = draftFor('staff:A', null)!;
    read.form.childIds.push('C8');
    expect(draftFor('staff:A', null)?.form.childIds).toEqual(['C1']);
  });

  it('keeps nothing when nothing was entered, and a form left as it opened drops the old draft', () => {
    leaveForm('staff:A', null, blank(), blank(), 1000);
    expect(draftFor('staff:A', null)).toBeNull();
    leaveForm('staff:A', null, { ...blank(), notes: 'x' }, blank(), 1000);
    leaveForm('staff:A', null, blank(), blank(), 2000);
    expect(draftFor('staff:A', null)).toBeNull();
  });

  it('is forgotten once saved', () => {
    leaveForm('staff:A', null, { ...blank(), notes: 'x' }, blank(), 1000);
    dropDraft();
    expect(draftFor('staff:A', null)).toBeNull();
  });
});

describe('formChanged', () => {
  it('sees every field a person enters, and not the order children were chosen in', () => {
    expect(formChanged(blank(), blank())).toBe(false);
    expect(formChanged({ ...blank(), childIds: ['A', 'B'] }, { ...blank(), childIds: ['B', 'A'] })).toBe(false);
    for (const change of [{ date: '2026-11-29' }, { startTime: '15:00' }, { durationMin: 90 }, { serviceType: 'community-space' }, { providerKind: 'school' }, { providerName: '团委' }, { notes: 'x' }, { facilitatorStaffIds: [] }, { childIds: ['A'] }, { photos: ['data:'] }] as Partial<ServiceForm>[])
      expect(formChanged({ ...blank(), ...change }, blank()), JSON.stringify(change)).toBe(true);
  });
});
