// @vitest-environment happy-dom
// Search by a guardian's phone with the center key on (issue 11): real PouchDB (indexeddb adapter
// over fake-indexeddb) behind the PouchDocStore. The private record is sealed as it is stored and
// opened as it is read, so the roster — and the staff search — has the phone, and the database does not.
import { describe, expect, it } from 'vitest';
import { openCenterDb } from '../storage/pouch/createPouch';
import { PouchDocStore } from '../storage/pouch/PouchDocStore';
import { MemoryDeviceStore } from '../storage/memory/MemoryDeviceStore';
import { createKeyState } from './centerKey';
import { loadRoster } from './roster';
import { searchRoster } from '@/domain/search';
import type { ChildDoc, ChildPrivateDoc } from '@sync/schema/documents';

const childId = '01JCDEFGHJKMNPQRSTVWXYZ021';
const meta = { centerId: 'qingshan', schemaVersion: 1, createdAt: '2026-09-01T08:00:00+08:00', updatedAt: '2026-09-01T08:00:00+08:00', deviceId: 'k1' } as const;
const child: ChildDoc = {
  _id: `child:${childId}`, type: 'child', ...meta, schemaVersion: 2, birthMonth: '2016-05', gender: 'male', grade: 3, school: '', enrolledOn: '2026-09-01', leftOn: null, archived: false,
  groupHistory: [{ from: '2026-09-01', group: 'left-behind-both-away', caregiver: 'grandparent' }], surrogateParentStaffId: null, avatar: { animal: 'panda', color: '#e57373' },
};
const priv: ChildPrivateDoc = {
  _id: `private:child:${childId}`, type: 'childPrivate', ...meta, childId, fullName: '王小明', displayName: '小明',
  guardians: [{ name: '王奶奶', relation: 'paternal-grandparent', phone: '139 0731 2468', isLegalGuardian: false, worksAway: false }],
  address: '', photo: null, pictureCode: ['sun', 'fish', 'kite'],
};

describe('search by a guardian phone with encryption on', () => {
  it('finds the child from the opened record while the stored record holds no phone number', async () => {
    const db = openCenterDb(`phone-search-${Date.now()}`);
    const docs = new PouchDocStore(db);
    const keys = createKeyState(new MemoryDeviceStore(), docs);
    await keys.create('qingshan', 'k1');
    await docs.put(child);
    await docs.put(priv);
    const raw = JSON.stringify((await db.allDocs({ include_docs: true })).rows.map((r) => r.doc));
    expect(raw).not.toContain('0731');
    expect(raw).not.toContain('王小明');
    const roster = await loadRoster(docs);
    const index = roster.map((e) => e.search);
    expect(searchRoster(index, '13907312468', { byPhone: true }).map((e) => e.childId)).toEqual([childId]);
    expect(searchRoster(index, '139-0731-2468', { byPhone: true }).map((e) => e.childId)).toEqual([childId]);
    expect(searchRoster(index, '13907312468')).toEqual([]);
  });
});
