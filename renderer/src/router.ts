import { createMemoryHistory, createRouter, createWebHashHistory, type Router, type RouteRecordRaw } from 'vue-router';
import type { AppServices } from './app/services';
import { can, type Permission } from '@/domain/roles';

declare module 'vue-router' {
  interface RouteMeta {
    /** Needs an unlocked staff session. */
    staff?: boolean;
    /** Needs this permission of the unlocked staff member's role. */
    permission?: Permission;
    /** Coordinator mode (issue 9): needs the coordinator's unlocked session. */
    coordinator?: boolean;
    /** The query holds the page's own view settings (filters), not a record: the page stays when only the query changes (app/pageKey.ts). */
    queryIsView?: boolean;
  }
}

/**
 * Hash history: the same bundle works from app://, from a loopback server and
 * from the test server with no rewrite rules. Guards: no center → setup;
 * a center this device had and cannot read now → the recovery page (setup only
 * when a person chose a new center there, or for its join and restore cards);
 * a center → never setup again; staff pages → unlock first.
 */
const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/kiosk' },
  { path: '/setup', component: () => import('./features/setup/SetupPage.vue') },
  // A device that had a center and cannot find or read it now (app/centerMarker.ts): never setup by itself.
  { path: '/recover', component: () => import('./features/setup/CenterRecovery.vue') },
  { path: '/kiosk', component: () => import('./features/kiosk/KioskHome.vue') },
  { path: '/kiosk/:mode(checkin|checkout|talk|message)', component: () => import('./features/kiosk/KioskCheckin.vue') },
  // Issue 15: opened only with a child who just confirmed their picture code (app/kioskChild.ts); the microphone is allowed on this route only (electron/main/security.ts).
  { path: '/kiosk/family', component: () => import('./features/family/FamilyKiosk.vue') },
  { path: '/unlock', component: () => import('./features/staff/StaffUnlock.vue') },
  { path: '/staff', component: () => import('./features/staff/StaffHome.vue'), meta: { staff: true } },
  { path: '/staff/register', component: () => import('./features/attendance/AttendanceRegister.vue'), meta: { staff: true } },
  // Issue 14: a center from before encryption; the administrator's blocking task (see the guard below).
  { path: '/staff/encryption-upgrade', component: () => import('./features/settings/EncryptionUpgrade.vue'), meta: { staff: true, permission: 'settings.manage' } },
  { path: '/staff/settings', component: () => import('./features/settings/SettingsPage.vue'), meta: { staff: true, permission: 'settings.manage' } },
  { path: '/staff/services', component: () => import('./features/services/ServicesPage.vue'), meta: { staff: true, permission: 'services.record' } },
  { path: '/staff/services/new', component: () => import('./features/services/ServiceForm.vue'), meta: { staff: true, permission: 'services.record' } },
  { path: '/staff/services/:activityId([0-9A-HJKMNP-TV-Z]{26})', component: () => import('./features/services/ServiceForm.vue'), meta: { staff: true, permission: 'services.record' } },
  { path: '/staff/screenings', component: () => import('./features/screenings/ScreeningsPage.vue'), meta: { staff: true, permission: 'screenings.run' } },
  { path: '/staff/screenings/run/:childId/:instrumentId', component: () => import('./features/screenings/ScreeningRun.vue'), meta: { staff: true, permission: 'screenings.run' } },
  { path: '/staff/followups', component: () => import('./features/followups/FollowupsPage.vue'), meta: { staff: true, permission: 'followups.view' } },
  { path: '/staff/followups/:id([0-9A-HJKMNP-TV-Z]{26})', component: () => import('./features/followups/FollowupDetail.vue'), meta: { staff: true, permission: 'followups.view' } },
  // Every role: the adult in the room must see who waits, and the same-day pathway.
  { path: '/staff/waiting', component: () => import('./features/followups/WaitingPage.vue'), meta: { staff: true } },
  { path: '/staff/screenings/result/:id([0-9A-HJKMNP-TV-Z]{26})', component: () => import('./features/screenings/ScreeningResult.vue'), meta: { staff: true, permission: 'screenings.run' } },
  { path: '/staff/family', component: () => import('./features/family/FamilyContactPage.vue'), meta: { staff: true, permission: 'family.contact' } },
  { path: '/staff/transfers', component: () => import('./features/transfers/TransfersPage.vue'), meta: { staff: true, permission: 'children.edit' } },
  { path: '/staff/children', component: () => import('./features/children/ChildrenList.vue'), meta: { staff: true } },
  { path: '/staff/children/import', component: () => import('./features/children/ChildrenImport.vue'), meta: { staff: true, permission: 'children.edit' } },
  { path: '/staff/children/cards', component: () => import('./features/children/ChildrenCodeCards.vue'), meta: { staff: true, permission: 'children.viewPrivate' } },
  { path: '/staff/children/new', component: () => import('./features/children/ChildEdit.vue'), meta: { staff: true, permission: 'children.edit' } },
  { path: '/staff/children/:id([0-9A-HJKMNP-TV-Z]{26})/file', component: () => import('./features/children/ChildFile.vue'), meta: { staff: true, permission: 'children.view' } },
  { path: '/staff/children/:id([0-9A-HJKMNP-TV-Z]{26})', component: () => import('./features/children/ChildEdit.vue'), meta: { staff: true } },
  { path: '/county', component: () => import('./features/county/CountyDashboard.vue'), meta: { coordinator: true, queryIsView: true } },
  { path: '/county/report', component: () => import('./features/county/CountyReport.vue'), meta: { coordinator: true } },
  { path: '/county/settings', component: () => import('./features/county/CountySettings.vue'), meta: { coordinator: true } },
  { path: '/county/unlock', component: () => import('./features/county/CountyUnlock.vue') },
  { path: '/staff/:section', component: () => import('./features/staff/StaffSection.vue'), meta: { staff: true } },
  { path: '/:pathMatch(.*)*', redirect: '/kiosk' },
];

/**
 * Starts loading the code of the page `hash` opens on (issue 19: cold start): the page's
 * chunk then arrives while the boot reads the device and the database, not after.
 * The guards may still send the app elsewhere (setup, unlock); then the chunk is simply cached.
 */
export function preloadPage(hash: string): Promise<unknown> {
  const resolver = createRouter({ history: createMemoryHistory(), routes });
  let path = hash.replace(/^#/, '') || '/';
  for (let hops = 0; hops < 3; hops++) {
    const record = resolver.resolve(path).matched.at(-1);
    if (!record) return Promise.resolve();
    if (typeof record.redirect === 'string') {
      path = record.redirect;
      continue;
    }
    const load = record.components?.default;
    return typeof load === 'function' ? Promise.resolve((load as () => Promise<unknown>)()).catch(() => {}) : Promise.resolve();
  }
  return Promise.resolve();
}

export function createAppRouter(services: AppServices): Router {
  const router = createRouter({
    history: createWebHashHistory(),
    routes,
  });
  // Whether the center still needs its encryption upgrade: a scan of the records, so a "no" is trusted for a minute.
  let upgradeChecked: { at: number; due: boolean } | null = null;
  async function upgradeDue(): Promise<boolean> {
    const keys = services.keys;
    if (!keys || keys.status.value !== 'not-enabled') return false;
    if (!upgradeChecked || (!upgradeChecked.due && Date.now() - upgradeChecked.at > 60_000)) upgradeChecked = { at: Date.now(), due: await keys.migrationDue() };
    return upgradeChecked.due;
  }
  /** Pages an administrator may open while the upgrade waits: the task itself, a waiting child's pathway, and Settings (to set up backups first). */
  const OPEN_DURING_UPGRADE = ['/staff/encryption-upgrade', '/staff/waiting', '/staff/settings'];
  router.beforeEach(async (to) => {
    const hasCenter = services.center.current.value !== null;
    // The center this device had is not found (app/centerMarker.ts): the recovery page, whatever was asked for.
    // Its "join" and "restore" open the setup page's cards for that (query `recover`); a new center only after the page's confirmation.
    const lost = !hasCenter && services.center.lost?.value != null;
    if (lost && !services.center.newCenterChosen?.value) {
      if (to.path === '/recover') return true;
      if (to.path === '/setup' && (to.query.recover === 'join' || to.query.recover === 'restore')) return true;
      return '/recover';
    }
    if (to.path === '/recover') return hasCenter ? '/kiosk' : '/setup';
    // Coordinator mode: a device without a center whose coordinator signed in; it never shows a center's pages.
    const coordinator = !hasCenter && services.county.account.value !== null;
    const countyPath = to.path === '/county' || to.path.startsWith('/county/');
    if (coordinator) {
      if (!countyPath) return '/county';
      if (to.meta.coordinator && !services.county.unlocked.value) return { path: '/county/unlock', query: { next: to.fullPath } };
      return true;
    }
    if (countyPath) return hasCenter ? '/kiosk' : '/setup';
    if (!hasCenter && to.path !== '/setup') return { path: '/setup', query: to.query };
    if (hasCenter && to.path === '/setup') return '/kiosk';
    // Issue 19: the kiosk home is drawn before the roster's search index (pinyin) is built; every
    // other page may search or order by name, so it opens once the index is there (at a cold
    // start a fraction of a second; after that at once). A dictionary that cannot load leaves search by characters.
    if (hasCenter && to.path !== '/kiosk') await services.roster.whenIndexed().catch(() => undefined);
    const staff = services.session.staff.value;
    if (to.meta.staff && !staff) return { path: '/unlock', query: { next: to.fullPath } };
    if (to.meta.permission && staff && !can(staff.role, to.meta.permission)) return '/staff';
    // Issue 14: the kiosk works as before until an administrator is here; then the upgrade comes first.
    if (to.meta.staff && staff && can(staff.role, 'settings.manage') && !OPEN_DURING_UPGRADE.includes(to.path) && (await upgradeDue())) return '/staff/encryption-upgrade';
    return true;
  });
  return router;
}
