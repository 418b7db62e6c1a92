// @vitest-environment happy-dom
// The roster state (issue 19: the boot starts the first read, the kiosk home asks again): real
// PouchDB (indexeddb adapter over fake-indexeddb) behind the PouchDocStore.
import { describe, expect, it } from 'vitest';
import { openCenterDb } from '../storage/pouch/createPouch';
import { PouchDocStore } from '../storage/pouch/PouchDocStore';
import { createRosterState } from './roster';
import { indexEntry } from '@/domain/pinyin';
import { searchRoster } from '@/domain/search';
import { kioskGrid, kioskGroups } from '../features/kiosk/kioskGrid';
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

  /** The full index's maker, held back until the test lets it go (as a slow first load of the pinyin chunk would). */
  function heldIndex() {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let asked = 0;
    return { release, asked: () => asked, loadIndex: () => { asked++; return gate.then(() => indexEntry); } };
  }
  const NAMES = ['张小明', '曾思琪', '单田芳', '王浩然', '陈思', '张丽', '吕小雨', '沈一诺', '李安', '赵子轩', '何佳', '曹雨萱', '章乐'];
  async function bigCenter(name: string, names: readonly string[] = NAMES) {
    const docs = new PouchDocStore(openCenterDb(`${name}-${Date.now()}`));
    let n = 10;
    for (const fullName of names) for (const d of childDocs(`01JCDEFGHJKMNPQRSTVWXYZ0${n++}`, fullName)) await docs.put(d);
    return docs;
  }
  const homeInitials = (entries: Parameters<typeof kioskGrid>[0]) => kioskGroups(kioskGrid(entries, '2026-10-01', 'check-in', new Set(), null), 'check-in', new Set()).map((g) => g.initial);

  it('shows the kiosk home its family names in pinyin order before the search index is built, the same order as after', async () => {
    const docs = await bigCenter('roster-quick');
    const held = heldIndex();
    const roster = createRosterState(docs, { loadIndex: held.loadIndex });
    await roster.reload();
    expect(roster.loaded.value).toBe(true);
    expect(roster.indexed.value).toBe(false);
    const before = homeInitials(roster.entries.value);
    // chen · cao → cao · chen; lv · li; shan · shen; zeng · zhang · zhang(章) · zhao
    expect(before).toEqual(['曹', '陈', '何', '李', '吕', '单', '沈', '王', '曾', '张', '章', '赵']);
    held.release();
    await roster.whenIndexed();
    expect(roster.indexed.value).toBe(true);
    expect(homeInitials(roster.entries.value)).toEqual(before);
  });

  it('a search asked for before the index is built waits for it and finds the right children', async () => {
    const docs = await bigCenter('roster-search-early');
    const held = heldIndex();
    const roster = createRosterState(docs, { loadIndex: held.loadIndex });
    // As a staff page would: it asks before the roster has even been read.
    let ready = false;
    const waited = roster.whenIndexed().then(() => (ready = true));
    await expect.poll(() => roster.loaded.value).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(ready).toBe(false);
    held.release();
    await waited;
    const search = (q: string) => searchRoster(roster.entries.value.map((e) => e.search), q).map((s) => s.name);
    expect(search('zsq')).toEqual(['曾思琪']);
    expect(search('zhang').sort()).toEqual(['张丽', '张小明', '章乐']);
    expect(search('lxy')).toEqual(['吕小雨']);
    // Later loads index at once: the dictionary is loaded.
    for (const d of childDocs('01JCDEFGHJKMNPQRSTVWXYZ099', '曾小红')) await docs.put(d);
    await expect.poll(() => search('zxh'), { timeout: 5000 }).toEqual(['曾小红']);
    expect(roster.indexed.value).toBe(true);
    expect(held.asked()).toBe(1);
  });

  it('a roster with a family name the surname table does not know waits for the dictionary before it shows', async () => {
    const docs = await bigCenter('roster-rare', ['邗小明', '张丽']);
    const held = heldIndex();
    const roster = createRosterState(docs, { loadIndex: held.loadIndex });
    const loading = roster.reload();
    await new Promise((r) => setTimeout(r, 100));
    expect(roster.loaded.value).toBe(false);
    held.release();
    await loading;
    expect(roster.indexed.value).toBe(true);
    expect(roster.entries.value.map((e) => e.search.family)).toEqual(['han', 'zhang']);
  });
});
