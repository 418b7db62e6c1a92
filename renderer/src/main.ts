/**
 * Composition root: builds the storage adapters, the OS bridge and the
 * app-wide state, hands them to the features, and mounts the app.
 */
import { createApp } from 'vue';
import App from './App.vue';
import './ui/theme.css';
import { createAppI18n } from './i18n';
import { createAppRouter, preloadPage } from './router';
import { SERVICES, type AppServices } from './app/services';
import { createCenterState } from './app/center';
import { createCenterMarkers } from './app/centerMarker';
import { COVERAGE_CREDENTIAL, watchCoverage } from './app/coverageKeys';
import { watchErasureRequests } from './app/erasure';
import { createRosterState } from './app/roster';
import { createSyncState } from './app/sync';
import { createStorageState } from './app/storage';
import { createBackupService } from './app/backups';
import { checkOpenedFile } from './app/openedFile';
import { createStaffSession } from './features/staff/staffSession';
import { openCenterDb } from './storage/pouch/createPouch';
import { PouchDocStore } from './storage/pouch/PouchDocStore';
import { DexieDeviceStore } from './storage/dexie/DexieDeviceStore';
import { resolveBridge } from './bridge';
import { DexieCountyStore } from './storage/dexie/DexieCountyStore';
import { createCountyState } from './features/county/countyState';
import type { InvalidStoredDoc } from './storage/ports';
import { createKeyState } from './app/centerKey';
import { createNewerDocs } from './app/newerDocs';
import { watchInput, whenQuiet } from './app/quiet';

const APP_VERSION = '0.1.0';

async function boot(): Promise<void> {
  performance.mark('tongxin:boot');
  const device = new DexieDeviceStore();
  const invalidDocs: InvalidStoredDoc[] = [];
  const db = openCenterDb();
  const docs = new PouchDocStore(db, (bad) => {
    if (!invalidDocs.some((d) => d.id === bad.id)) invalidDocs.push(bad);
    console.warn('skipped invalid document', bad.id, bad.reason);
  });
  // Documents a newer app wrote (sync/schema/versions.ts): kept unchanged, counted for the staff banner.
  // After an update it reads the whole database in steps while nobody uses the kiosk (app/quiet.ts).
  watchInput();
  const newerDocs = createNewerDocs(db, docs.schemas, typeof localStorage === 'undefined' ? null : localStorage, () => whenQuiet());
  docs.onNewer = (id, version) => newerDocs.note(id, version);
  let newerCheck: ReturnType<typeof setTimeout> | null = null;
  docs.onChange(() => {
    newerCheck ??= setTimeout(() => void newerDocs.refresh().finally(() => (newerCheck = null)), 2000);
  });
  // The first look waits until the kiosk is up (after an update it reads the whole database once, in steps).
  setTimeout(() => void newerDocs.refresh().catch((e: unknown) => console.warn('newer documents: scan failed', e)), 3000);
  const storage = createStorageState();
  docs.onStorageFull = () => storage.reportWriteRefused();
  docs.isOutOfSpace = () => storage.isOutOfSpace();
  // Chromium closes an IndexedDB connection whose write hit a full disk; when space is back,
  // a connection that no longer answers is reopened the only safe way, by reloading the page.
  storage.onRecovered(() => {
    db.info().catch(() => location.reload());
  });
  // Issue 14: the center key is read before anything reads a private record (the center
  // document is not one). The first screen waits only for what it needs, read side by side
  // (issue 19: cold start): device settings, keys, the center, the coordinator account, and
  // the code of the first page.
  const keys = createKeyState(device, docs);
  // A record this kiosk cannot open (a key rotated on another kiosk, or never entered here): the status, and so the banner, says so.
  let statusCheck: ReturnType<typeof setTimeout> | null = null;
  docs.onKeyMissing = () => {
    statusCheck ??= setTimeout(() => void keys.refreshStatus().finally(() => (statusCheck = null)), 1000);
  };
  const bridge = resolveBridge(device, APP_VERSION);
  // A device that has had a center never shows first-run setup by itself (app/centerMarker.ts).
  const center = createCenterState(docs, device, createCenterMarkers(bridge, typeof localStorage === 'undefined' ? null : localStorage));
  const county = createCountyState(new DexieCountyStore(), bridge);
  const roster = createRosterState(docs);
  const keysLoaded = keys.load().finally(() => performance.mark('tongxin:boot-keys'));
  const centerLoaded = center.reload().finally(() => performance.mark('tongxin:boot-center'));
  // The roster (the kiosk home's family names) is read from here on, side by side with the
  // settings, keys and center (issue 19: cold start): a sealed record in it waits for the keys
  // `keys.load()` has just started restoring (PouchDocStore.keysLoaded), not skipped. A device
  // without a center reads three empty ranges. (The first screen asks for the roster again and
  // waits on this same read: app/roster.ts.)
  void roster.reload().catch((e: unknown) => console.warn('roster: not read at boot; the first screen reads it', e));
  const [settings] = await Promise.all([
    device.getSettings().finally(() => performance.mark('tongxin:boot-settings')),
    keysLoaded,
    centerLoaded,
    county.load().finally(() => performance.mark('tongxin:boot-county')),
    preloadPage(location.hash).finally(() => performance.mark('tongxin:boot-page')),
  ]);
  // County escrow (issue 14): the key encrypted to the county recovery key once the county has published one.
  const escrow = () => {
    const centerId = center.current.value?.centerId;
    if (centerId && keys.status.value === 'ok') void keys.ensureEscrow(centerId, settings.deviceId).catch((e: unknown) => console.error('centerKey: escrow not written', e));
  };
  docs.onChange((changed) => {
    if (changed.some((id) => id.startsWith('countyrecovery:') || id.startsWith('centerkey:'))) escrow();
  });
  escrow();
  const services: AppServices = {
    docs,
    centerDb: db,
    device,
    bridge,
    deviceId: settings.deviceId,
    now: () => new Date(),
    center,
    session: createStaffSession(device),
    roster,
    sync: createSyncState(db, docs, device, bridge, docs),
    keys,
    storage,
    backups: createBackupService({ centerDb: db, bridge, center, deviceId: settings.deviceId, now: () => new Date() }),
    county,
    invalidDocs,
    newerDocs,
  };
  const i18n = createAppI18n(settings.locale);
  document.documentElement.lang = settings.locale;
  const router = createAppRouter(services);
  const app = createApp(App);
  app.provide(SERVICES, services);
  app.use(i18n).use(router);
  await router.isReady();
  performance.mark('tongxin:boot-route');
  app.mount('#app');
  if (settings.kioskFullscreen) void services.bridge.setKioskFullscreen(true);
  void storage.refresh();
  // Coverage keys follow the roster (issue 9): enrolment, edits, imports, consents.
  watchCoverage(docs, () => bridge.loadCredential(COVERAGE_CREDENTIAL), () => center.current.value?.centerId ?? null);
  services.backups.start();
  // Issue 13: a child erased at another kiosk of the center is purged here too.
  watchErasureRequests(db, docs, () => void services.roster.reload());
  const opened = () => void checkOpenedFile(bridge, router, center.current.value !== null);
  opened();
  window.addEventListener('focus', opened);
  // Sync starts after the first screen is up: a slow or absent network never delays the kiosk.
  void services.sync.restart();
}

boot().catch((e: unknown) => {
  // Nothing else can render: say so in both languages instead of a blank screen.
  const message = e instanceof Error ? e.message : String(e);
  document.body.innerHTML = '';
  const p = document.createElement('pre');
  p.style.cssText = 'padding:32px;font-size:18px;white-space:pre-wrap';
  p.textContent = `童心无法启动 / Tongxin could not start:\n${message}`;
  document.body.append(p);
});
