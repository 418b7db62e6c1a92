// @vitest-environment happy-dom
// The roster state (issue 19: the boot starts the first read, the kiosk home asks again): real
// PouchDB (indexeddb adapter over fake-indexeddb) behind the PouchDocStore.
import { describe, expect, it } from 'vitest';
import { openCenterDb } from '../storage/pouch/createPouch';
import { PouchDocStore } from '../storage/pouch/PouchDocStore';
import { createRosterState } from './roster';
import type { ChildDoc, ChildPrivateDoc } from '@sync/schema/documents';

const meta = { centerId: 'qingshan', schemaVersion: 1, createdAt: '2026-09-01T08:00:00+08:00', updatedAt: '2026-09-01T08:00:00+08:00', deviceId: 'k1' } as const;
function childDocs(childId: string, fullName: string): [ChildDoc, ChildPrivateDoc] {
  return [
    {
      _id: `child:${childId}`, type: 'child', ...meta, schemaVersion: 2, birthMonth: '2016-05', gender: 'male', grade: 3, school: '', enrolledOn: '2026-09-01', leftOn: null, archived: false,
      groupHistory: [{ from: '2026-09-01', group: 'migrant', caregiver: 'parent' }], surrogateParentStaffId: null, avatar: { animal: 'panda', color: '#e57373' },
    },
    { _id: `private:child:${childId}`, type: 'childPrivate', ...meta, childId, fullName, displayName: fullName, guardians: [], address: '', photo: null, pictureCode: ['sun', 'fish', 'kite'] },
  ];
}
const A = '01JCDEFGHJKMNPQRSTVWXYZ031';
const B = '01JCDEFGHJKMNPQRSTVWXYZ032';

describe('the roster state', () => {
  it('serves the boot and the first screen with one read, and whoever awaits it finds the roster loaded', async () => {
    const docs = new PouchDocStore(openCenterDb(`roster-first-${Date.now()}`));
    for (const d of childDocs(A, '王小明')) await docs.put(d);
    const roster = createRosterState(docs);
    let reads = 0;
    const allDocs = docs.db.allDocs.bind(docs.db);
    docs.db.allDocs = ((...args: Parameters<typeof allDocs>) => {
      reads++;
      return allDocs(...args);
    }) as typeof allDocs;
    const boot = roster.reload();
    const screen = roster.reload();
    await screen;
    expect(roster.loaded.value).toBe(true);
    expect(roster.entries.value.map((e) => e.priv?.fullName)).toEqual(['王小明']);
    await boot;
    // One roster read is three ranges (children, private records, consents).
    expect(reads).toBe(3);
  });

  it('a child added while the first read is under way is on the roster afterwards', async () => {
    const docs = new PouchDocStore(openCenterDb(`roster-change-${Date.now()}`));
    for (const d of childDocs(A, '王小明')) await docs.put(d);
    const roster = createRosterState(docs);
    const first = roster.reload();
    for (const d of childDocs(B, '李小红')) await docs.put(d);
    await first;
    await expect.poll(() => roster.entries.value.map((e) => e.childId).sort(), { timeout: 5000 }).toEqual([A, B]);
  });
});
