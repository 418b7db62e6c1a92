// @vitest-environment happy-dom
// The rule that a device which has had a center never offers first-run setup by itself
// (app/centerMarker.ts), the marker's two places, and the center state over real PouchDB
// (indexeddb adapter over fake-indexeddb) with the device settings lost or the center document gone.
import { describe, expect, it } from 'vitest';
import { shallowRef } from 'vue';
import { createCenterMarkers, browserMarkerActions, decideStart, MARKER_KEY, type CenterMarker } from './centerMarker';
import { createCenterState } from './center';
import { createAppRouter } from '../router';
import type { AppServices } from './services';
import { openCenterDb } from '../storage/pouch/createPouch';
import { PouchDocStore } from '../storage/pouch/PouchDocStore';
import { MemoryDeviceStore } from '../storage/memory/MemoryDeviceStore';
import { DEFAULT_CENTER_SETTINGS, type CenterDoc } from '@sync/schema/documents';

const marker: CenterMarker = { centerId: 'qingshan', name: '青山儿童之家', since: '2026-09-01T00:00:00.000Z' };

/** A Storage over a Map (the parts the marker uses). */
function memoryStorage(): Storage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    get length() {
      return map.size;
    },
    clear: () => map.clear(),
    getItem: (k: string) => map.get(k) ?? null,
    key: (i: number) => [...map.keys()][i] ?? null,
    removeItem: (k: string) => void map.delete(k),
    setItem: (k: string, v: string) => void map.set(k, String(v)),
  };
}

describe('decideStart', () => {
  it('opens the center only when the settings name it and its document was read', () => {
    expect(decideStart({ settingsCenterId: 'qingshan', centerDocFound: true, marker, readFailed: false })).toEqual({ kind: 'center' });
    expect(decideStart({ settingsCenterId: 'qingshan', centerDocFound: true, marker: null, readFailed: false })).toEqual({ kind: 'center' });
  });
  it('offers setup only to a device with no marker and settings that name no center', () => {
    expect(decideStart({ settingsCenterId: null, centerDocFound: false, marker: null, readFailed: false })).toEqual({ kind: 'setup' });
  });
  it('never offers setup when the marker says a center existed: the settings lost (made anew)', () => {
    expect(decideStart({ settingsCenterId: null, centerDocFound: false, marker, readFailed: false })).toEqual({ kind: 'lost', centerId: 'qingshan', name: '青山儿童之家', reason: 'settings-missing' });
  });
  it('never offers setup when the settings name a center whose document is gone, with or without a marker', () => {
    expect(decideStart({ settingsCenterId: 'qingshan', centerDocFound: false, marker, readFailed: false })).toEqual({ kind: 'lost', centerId: 'qingshan', name: '青山儿童之家', reason: 'center-missing' });
    // No marker yet (a device from before the marker): the settings are enough; the name is not known.
    expect(decideStart({ settingsCenterId: 'qingshan', centerDocFound: false, marker: null, readFailed: false })).toEqual({ kind: 'lost', centerId: 'qingshan', name: null, reason: 'center-missing' });
  });
  it('a failed read is "unreadable" on a device that had a center, and a failed start (not setup) on one that never had', () => {
    expect(decideStart({ settingsCenterId: undefined, centerDocFound: false, marker, readFailed: true })).toEqual({ kind: 'lost', centerId: 'qingshan', name: '青山儿童之家', reason: 'unreadable' });
    expect(decideStart({ settingsCenterId: undefined, centerDocFound: false, marker: null, readFailed: true })).toEqual({ kind: 'failed' });
  });
  it('the settings win over a marker of another center (a deliberate new center): the marker names the old one only until the next start', () => {
    expect(decideStart({ settingsCenterId: 'hexi', centerDocFound: true, marker, readFailed: false })).toEqual({ kind: 'center' });
    expect(decideStart({ settingsCenterId: 'hexi', centerDocFound: false, marker, readFailed: false })).toMatchObject({ kind: 'lost', centerId: 'hexi', name: null });
  });
});

describe('the marker in its places', () => {
  it('is read from the shell when localStorage lost it, and from localStorage when the shell has none', async () => {
    const shellStore = memoryStorage();
    const local = memoryStorage();
    const markers = createCenterMarkers(browserMarkerActions(shellStore), local);
    await markers.write(marker);
    expect(JSON.parse(shellStore.map.get(MARKER_KEY)!)).toEqual(marker);
    expect(JSON.parse(local.map.get(MARKER_KEY)!)).toEqual(marker);
    local.clear();
    expect(await markers.read()).toEqual(marker);
    await markers.write(marker);
    shellStore.clear();
    expect(await markers.read()).toEqual(marker);
    await markers.forget();
    expect(await markers.read()).toBeNull();
    expect(local.map.size + shellStore.map.size).toBe(0);
  });
  it('a shell that cannot read or write it does not stop the other place', async () => {
    const local = memoryStorage();
    const broken = { readCenterMarker: () => Promise.reject(new Error('no ipc')), writeCenterMarker: () => Promise.reject(new Error('no ipc')) };
    const markers = createCenterMarkers(broken, local);
    await markers.write(marker);
    expect(await markers.read()).toEqual(marker);
  });
  it('something that is not a marker reads as none', async () => {
    const local = memoryStorage();
    local.setItem(MARKER_KEY, '{"centerId":"../etc","name":"x","since":"y"}');
    expect(await createCenterMarkers(browserMarkerActions(null), local).read()).toBeNull();
    local.setItem(MARKER_KEY, 'not json');
    expect(await createCenterMarkers(browserMarkerActions(null), local).read()).toBeNull();
  });
});

const centerDocOf = (centerId: string, name: string): CenterDoc => ({
  _id: `center:${centerId}`, type: 'center', centerId, schemaVersion: 1, createdAt: '2026-09-01T08:00:00+08:00', updatedAt: '2026-09-01T08:00:00+08:00', deviceId: 'k1',
  name, county: '青山县', township: '', village: '', defaultLocale: 'zh-CN', settings: DEFAULT_CENTER_SETTINGS,
});

async function kiosk(label: string) {
  const db = openCenterDb(`center-marker-${label}-${Date.now()}`);
  const docs = new PouchDocStore(db);
  const device = new MemoryDeviceStore();
  const local = memoryStorage();
  const markers = createCenterMarkers(browserMarkerActions(null), local);
  return { db, docs, device, local, markers, center: createCenterState(docs, device, markers) };
}

describe('the center state at a start', () => {
  it('writes the marker when it finds the center; the settings lost afterwards give "lost", not setup', async () => {
    const k = await kiosk('settings');
    await k.docs.put(centerDocOf('qingshan', '青山儿童之家'));
    await k.device.saveSettings({ centerId: 'qingshan' });
    expect((await k.center.reload())?.name).toBe('青山儿童之家');
    expect(await k.markers.read()).toMatchObject({ centerId: 'qingshan', name: '青山儿童之家' });
    expect(k.center.lost.value).toBeNull();

    // The device settings made anew (their store lost): no center named.
    k.device.settings = { ...k.device.settings, deviceId: 'kiosk-new', centerId: null };
    expect(await k.center.reload()).toBeNull();
    expect(k.center.lost.value).toEqual({ kind: 'lost', centerId: 'qingshan', name: '青山儿童之家', reason: 'settings-missing' });
    // Nothing was written over: the settings still name no center, the center document is there.
    expect(k.device.settings.centerId).toBeNull();
    expect(await k.docs.get('center', 'center:qingshan')).not.toBeNull();
  });

  it('the center document gone while the settings name it: "lost"; back again: the center, and "lost" cleared', async () => {
    const k = await kiosk('doc');
    const doc = centerDocOf('qingshan', '青山儿童之家');
    await k.docs.put(doc);
    await k.device.saveSettings({ centerId: 'qingshan' });
    await k.center.reload();
    const stored = await k.db.get('center:qingshan');
    await k.db.remove(stored);
    expect(await k.center.reload()).toBeNull();
    expect(k.center.lost.value).toMatchObject({ reason: 'center-missing', centerId: 'qingshan' });
    expect(k.device.settings.centerId).toBe('qingshan');
    await k.docs.put({ ...doc });
    expect((await k.center.reload())?.centerId).toBe('qingshan');
    expect(k.center.lost.value).toBeNull();
  });

  it('a settings read that fails: "unreadable" with a marker; the start fails (as before) without one', async () => {
    const k = await kiosk('fail');
    k.device.getSettings = () => Promise.reject(new Error('UnknownError: backing store'));
    await expect(k.center.reload()).rejects.toThrow('backing store');
    await k.markers.write(marker);
    expect(await k.center.reload()).toBeNull();
    expect(k.center.lost.value).toMatchObject({ reason: 'unreadable', centerId: 'qingshan' });
  });

  it('a fresh device with nothing: setup, and no marker written', async () => {
    const k = await kiosk('fresh');
    expect(await k.center.reload()).toBeNull();
    expect(k.center.lost.value).toBeNull();
    expect(await k.markers.read()).toBeNull();
  });
});

describe('the router with a lost center', () => {
  function routerWith(lost: boolean, chosen = false) {
    const services = {
      center: {
        current: shallowRef(null),
        lost: shallowRef(lost ? { kind: 'lost', centerId: 'qingshan', name: '青山', reason: 'settings-missing' } : null),
        newCenterChosen: shallowRef(chosen),
      },
      county: { account: shallowRef(null), unlocked: shallowRef(false) },
      session: { staff: shallowRef(null) },
    } as unknown as AppServices;
    return createAppRouter(services);
  }
  it('sends every page, setup included, to the recovery page; setup only for its join or restore card', async () => {
    const router = routerWith(true);
    for (const to of ['/kiosk', '/setup', '/setup?demo=1', '/unlock', '/staff/register', '/county']) {
      await router.push(to);
      expect(router.currentRoute.value.path, to).toBe('/recover');
    }
    await router.push('/setup?recover=restore');
    expect(router.currentRoute.value.fullPath).toBe('/setup?recover=restore');
    await router.push('/setup?recover=join');
    expect(router.currentRoute.value.fullPath).toBe('/setup?recover=join');
  });
  it('a device that never had a center goes to setup, and never to the recovery page', async () => {
    const router = routerWith(false);
    await router.push('/kiosk');
    expect(router.currentRoute.value.path).toBe('/setup');
    await router.push('/recover');
    expect(router.currentRoute.value.path).toBe('/setup');
  });
  it('setup opens once a person confirmed a new center on the recovery page', async () => {
    const router = routerWith(true, true);
    await router.push('/setup');
    expect(router.currentRoute.value.path).toBe('/setup');
  });
});
