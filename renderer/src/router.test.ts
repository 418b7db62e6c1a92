// @vitest-environment happy-dom
// The router's guard and the roster's search index (issue 19: cold start). The kiosk home opens on
// the roster before its pinyin index is built; every other page, where staff search or children
// are ordered by name, opens only once it is. Real roster state over real PouchDB (indexeddb
// adapter over fake-indexeddb); the services the guard does not read are left out.
import { describe, expect, it } from 'vitest';
import { shallowRef } from 'vue';
import { createAppRouter } from './router';
import { createRosterState } from './app/roster';
import type { AppServices } from './app/services';
import { openCenterDb } from './storage/pouch/createPouch';
import { PouchDocStore } from './storage/pouch/PouchDocStore';
import { indexEntry } from '@/domain/pinyin';
import { searchRoster } from '@/domain/search';

const meta = { centerId: 'qingshan', schemaVersion: 1, createdAt: '2026-09-01T08:00:00+08:00', updatedAt: '2026-09-01T08:00:00+08:00', deviceId: 'k1' } as const;

async function setUp() {
  const docs = new PouchDocStore(openCenterDb(`router-index-${Date.now()}`));
  const names = ['张小明', '曾思琪', '王浩然'];
  for (const [i, fullName] of names.entries()) {
    const childId = `01JCDEFGHJKMNPQRSTVWXYZ0${40 + i}`;
    await docs.put({
      _id: `child:${childId}`, type: 'child', ...meta, schemaVersion: 2, birthMonth: '2016-05', gender: 'male', grade: 3, school: '', enrolledOn: '2026-09-01', leftOn: null, archived: false,
      groupHistory: [{ from: '2026-09-01', group: 'migrant', caregiver: 'parent' }], surrogateParentStaffId: null, avatar: { animal: 'panda', color: '#e57373' },
    });
    await docs.put({ _id: `private:child:${childId}`, type: 'childPrivate', ...meta, childId, fullName, displayName: fullName, guardians: [], address: '', photo: null, pictureCode: ['sun', 'fish', 'kite'] });
  }
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const roster = createRosterState(docs, { loadIndex: () => gate.then(() => indexEntry) });
  const services = {
    center: { current: shallowRef({ centerId: 'qingshan', name: '青山' }) },
    county: { account: shallowRef(null), unlocked: shallowRef(false) },
    session: { staff: shallowRef({ staffId: 's1', name: '刘老师', role: 'teacher' }) },
    roster,
  } as unknown as AppServices;
  return { router: createAppRouter(services), roster, release };
}

describe('the router and the roster search index', () => {
  it('opens the kiosk home without waiting for the index, and a staff page that searches only once the index is built', async () => {
    const { router, roster, release } = await setUp();
    await router.push('/kiosk');
    await roster.reload();
    expect(router.currentRoute.value.path).toBe('/kiosk');
    expect(roster.indexed.value).toBe(false);

    // The page's code loaded already, so only the guard can hold the navigation back.
    await import('./features/children/ChildrenList.vue');
    let opened = false;
    const navigation = router.push('/staff/children').then(() => (opened = true));
    await new Promise((r) => setTimeout(r, 500));
    expect(opened).toBe(false);
    expect(router.currentRoute.value.path).toBe('/kiosk');

    release();
    await navigation;
    expect(router.currentRoute.value.path).toBe('/staff/children');
    // What the page's search box then finds: the right child by pinyin initials, not an empty list.
    expect(searchRoster(roster.entries.value.map((e) => e.search), 'zsq').map((s) => s.name)).toEqual(['曾思琪']);
  });
});
