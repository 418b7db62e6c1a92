/**
 * Coordinator mode as app state. A coordinator device holds an account (server,
 * user, the county from the account's role) and the last dashboard results —
 * view rows, counts only — and nothing of any center. The password is kept the
 * way the kiosk keeps its sync account: the OS keychain through the bridge
 * (Electron safeStorage), or this browser profile where there is none (the page
 * says which). Like staff mode, the dashboard locks after inactivity; unlocking
 * takes the coordinator's password, checked against a PBKDF2 hash on the device
 * so it works offline.
 */
import { ref, shallowRef, type Ref, type ShallowRef } from 'vue';
import type { TongxinBridge } from '../../../../electron/contract';
import { hashSecret, verifySecret } from '@/domain/pin';
import { shouldLock } from '@/domain/lock';
import { COUNTY_FIELDS, type CountyData, type CountyField } from '@/domain/county/report';
import type { CoordinatorSettings, CountyStore } from '../../storage/ports';
import type { RegisterEntry } from '@/domain/county/coverage';
import { parseCoverageCode } from '@/domain/county/coverage';
import { CountyQueryError, fetchCountyRows, fetchCoverage, testCoordinator, type CountyRows, type CoverageData, type VerdictResult } from './countyClient';

/** Minutes without a touch before the dashboard locks (a county office PC, not a shared kiosk). */
export const COORDINATOR_LOCK_MINUTES = 10;
export const COORDINATOR_CREDENTIAL = 'county-coordinator';
/** The county coverage code on a coordinator device (the kiosk keeps it under the same name, app/coverageKeys.ts). */
export const COVERAGE_CODE_CREDENTIAL = 'county-coverage-code';

export interface CountyState {
  readonly account: ShallowRef<CoordinatorSettings | null>;
  readonly unlocked: Ref<boolean>;
  /** The results on screen, from the server or the device cache. */
  readonly data: ShallowRef<CountyData | null>;
  /** Why the last refresh failed (the cached results are shown), or null. */
  readonly problem: Ref<CountyQueryError['problem'] | null>;
  readonly fromCache: Ref<boolean>;
  /** Loads the saved account (at start). */
  load(): Promise<void>;
  /** Tests the account; saves it and unlocks when the verdict is ok. */
  connect(url: string, username: string, password: string): Promise<VerdictResult & { secure: boolean }>;
  unlock(password: string): Promise<boolean>;
  lock(): void;
  touch(): void;
  /** Locks if the timeout passed; returns true when it locked. */
  checkInactivity(): boolean;
  /**
   * Rows of `data` not read yet (empty until they are): on a cold period the fields `first`
   * names are read and shown first, the rest after; a section reading a pending field is
   * not drawn until it is in. Empty whenever `data` is complete (the cache only ever holds
   * complete results).
   */
  readonly pending: Ref<readonly CountyField[]>;
  /**
   * Shows the period from the cache at once, then asks the server; keeps the cache when offline.
   * With nothing cached for the period, the rows `first` names (the open section's, SECTION_FIELDS)
   * are read first and shown as soon as they are in, then the rest; the results are kept on the
   * device once complete. Resolves when everything is read and kept (or failed).
   */
  open(period: string, first?: readonly CountyField[]): Promise<void>;
  /** Signs this device out of coordinator mode: account, password and cache gone. */
  forget(): Promise<void>;
  /** The county coverage code kept on this device (canonical form), or null. */
  readonly coverageCode: Ref<string | null>;
  /** Keeps `code` (already checked) as the county coverage code; a different code drops the register (its keys no longer match). */
  setCoverageCode(code: string): Promise<void>;
  /** The register children's keys, townships, villages and groups (never names). */
  readonly register: ShallowRef<readonly RegisterEntry[]>;
  /**
   * Adds `entries` to the register kept on the device; `replace` empties it first. A child (same
   * key) is kept once: one already there takes the new row's township, village and group.
   * Returns how many were new and how many were already there.
   */
  saveRegister(entries: readonly RegisterEntry[], replace: boolean): Promise<{ added: number; already: number }>;
  /** Names the county on this device (titles); an empty name goes back to the one read at sign-in. */
  setCountyName(name: string): Promise<void>;
  /** Set by a successful connect until dismissed: where the password was kept (said on the dashboard after first-run sign-in). */
  readonly justConnected: Ref<{ secure: boolean } | null>;
  readonly coverage: ShallowRef<CoverageData | null>;
  /** Shows the cached coverage rows at once, then reads them from the server. */
  openCoverage(): Promise<void>;
}

/** Every field of CountyData empty: what a field not read yet holds (`pending` names it). */
const NOTHING_READ: Pick<CountyData, CountyField> = { centers: [], sessions: [], services: [], moods: [], screenings: [], tallies: [], freshness: [] };

export function createCountyState(store: CountyStore, bridge: TongxinBridge, now: () => Date = () => new Date()): CountyState {
  const account = shallowRef<CoordinatorSettings | null>(null);
  const unlocked = ref(false);
  const data = shallowRef<CountyData | null>(null);
  const problem = ref<CountyQueryError['problem'] | null>(null);
  const fromCache = ref(false);
  const pending = ref<readonly CountyField[]>([]);
  /** Counts calls of open(): only the latest shows what it read (an earlier one may answer later). */
  let opening = 0;
  const justConnected = ref<{ secure: boolean } | null>(null);
  const coverageCode = ref<string | null>(null);
  const register = shallowRef<readonly RegisterEntry[]>([]);
  const coverage = shallowRef<CoverageData | null>(null);
  const registerKey = (countyId: string) => `register|${countyId}`;
  const coverageKey = (countyId: string) => `coverage|${countyId}`;
  let lastActivity = now().getTime();
  const cacheKey = (countyId: string, period: string) => `${countyId}|${period}`;

  const state: CountyState = {
    account, unlocked, data, problem, fromCache, pending, justConnected,
    coverageCode, register, coverage,
    async load() {
      account.value = await store.getCoordinator();
      coverageCode.value = parseCoverageCode((await bridge.loadCredential(COVERAGE_CODE_CREDENTIAL).catch(() => null)) ?? '');
      register.value = account.value ? ((await store.getCached<RegisterEntry[]>(registerKey(account.value.countyId))) ?? []) : [];
    },
    async setCoverageCode(code) {
      const canonical = parseCoverageCode(code);
      if (!canonical) throw new RangeError('not a coverage code');
      if (coverageCode.value !== canonical && account.value) {
        await store.setCached(registerKey(account.value.countyId), []);
        register.value = [];
      }
      await bridge.storeCredential(COVERAGE_CODE_CREDENTIAL, canonical);
      coverageCode.value = canonical;
    },
    async saveRegister(entries, replace) {
      const a = account.value;
      if (!a) return { added: 0, already: 0 };
      const byKey = new Map((replace ? [] : register.value).map((e) => [e.key, e]));
      const before = byKey.size;
      let already = 0;
      for (const e of entries) {
        if (byKey.has(e.key)) already++;
        byKey.set(e.key, e);
      }
      const next = [...byKey.values()];
      await store.setCached(registerKey(a.countyId), next);
      register.value = next;
      return { added: next.length - before, already };
    },
    async setCountyName(name) {
      const a = account.value;
      if (!a) return;
      const next: CoordinatorSettings = { ...a, countyName: name.trim() || a.serverCountyName || undefined };
      await store.saveCoordinator(next);
      account.value = next;
    },
    async openCoverage() {
      const a = account.value;
      if (!a) return;
      const cached = await store.getCached<CoverageData>(coverageKey(a.countyId));
      if (cached) coverage.value = cached;
      const password = await bridge.loadCredential(COORDINATOR_CREDENTIAL);
      if (!password) {
        problem.value = 'wrong-password';
        return;
      }
      try {
        const fresh = await fetchCoverage({ url: a.url, username: a.username, password }, a.countyId, now());
        await store.setCached(coverageKey(a.countyId), fresh);
        coverage.value = fresh;
        problem.value = null;
      } catch (e) {
        if (!(e instanceof CountyQueryError)) throw e;
        problem.value = e.problem;
      }
    },
    async connect(url, username, password) {
      const verdict = await testCoordinator({ url, username, password });
      if (verdict.verdict !== 'ok' || !verdict.countyId) return { ...verdict, secure: false };
      const { secure } = await bridge.storeCredential(COORDINATOR_CREDENTIAL, password);
      const serverCountyName = verdict.countyName ?? undefined;
      // A name the coordinator set for this county stays; otherwise the centers' name for it.
      const prior = account.value?.countyId === verdict.countyId ? account.value : null;
      const countyName = prior?.countyName && prior.countyName !== prior.serverCountyName ? prior.countyName : (serverCountyName ?? prior?.countyName);
      const settings: CoordinatorSettings = {
        url: url.trim().replace(/\/+$/, ''), username: username.trim(), countyId: verdict.countyId, unlockHash: await hashSecret(password),
        ...(countyName ? { countyName } : {}), ...(serverCountyName ? { serverCountyName } : {}),
      };
      if (account.value && account.value.countyId !== settings.countyId) await store.clearCache();
      await store.saveCoordinator(settings);
      account.value = settings;
      register.value = (await store.getCached<RegisterEntry[]>(registerKey(settings.countyId))) ?? [];
      unlocked.value = true;
      justConnected.value = { secure };
      lastActivity = now().getTime();
      return { ...verdict, secure };
    },
    async unlock(password) {
      if (!account.value || !(await verifySecret(password, account.value.unlockHash))) return false;
      unlocked.value = true;
      lastActivity = now().getTime();
      return true;
    },
    lock() {
      unlocked.value = false;
    },
    touch() {
      lastActivity = now().getTime();
    },
    checkInactivity() {
      if (!unlocked.value || !shouldLock(lastActivity, now().getTime(), COORDINATOR_LOCK_MINUTES)) return false;
      unlocked.value = false;
      return true;
    },
    async open(period, first) {
      const a = account.value;
      if (!a) return;
      const call = ++opening;
      const latest = () => call === opening;
      // Marks for the benchmark's breakdown of a draw (bench/suites/county.ts): opened, asked, first rows in, all in, kept.
      performance.mark('tongxin:county-open');
      // Both from the device at once: the queries go out one device read sooner.
      const [cached, password] = await Promise.all([store.getCached<CountyData>(cacheKey(a.countyId, period)), bridge.loadCredential(COORDINATOR_CREDENTIAL)]);
      if (cached && latest()) {
        data.value = cached;
        pending.value = [];
        fromCache.value = true;
      }
      if (!password) {
        if (latest()) problem.value = 'wrong-password';
        return;
      }
      const coordinator = { url: a.url, username: a.username, password };
      // Cold (nothing cached to show): the open section's rows first, so it is drawn without waiting for
      // the rows of sections not open (on the trial server every query's rows cost the one server thread).
      const head = !cached && first ? COUNTY_FIELDS.filter((f) => first.includes(f)) : [];
      const staged = head.length > 0 && head.length < COUNTY_FIELDS.length;
      const fetchedAt = now().toISOString();
      let shownHead = false;
      try {
        performance.mark('tongxin:county-asked');
        let rows: CountyRows = {};
        if (staged) {
          rows = await fetchCountyRows(coordinator, a.countyId, period, head);
          performance.mark('tongxin:county-first');
          if (latest()) {
            data.value = { ...NOTHING_READ, countyId: a.countyId, period, fetchedAt, ...rows };
            pending.value = COUNTY_FIELDS.filter((f) => !head.includes(f));
            fromCache.value = false;
            problem.value = null;
            shownHead = true;
          }
        }
        rows = { ...rows, ...(await fetchCountyRows(coordinator, a.countyId, period, COUNTY_FIELDS.filter((f) => !(staged && head.includes(f))))) };
        const fresh: CountyData = { ...NOTHING_READ, ...rows, countyId: a.countyId, period, fetchedAt };
        performance.mark('tongxin:county-answered');
        // Drawn first, then kept on the device: the cache write is not on the way to the screen.
        if (latest()) {
          data.value = fresh;
          pending.value = [];
          fromCache.value = false;
          problem.value = null;
        }
        await store.setCached(cacheKey(a.countyId, period), fresh);
        performance.mark('tongxin:county-kept');
      } catch (e) {
        if (!(e instanceof CountyQueryError)) throw e;
        if (!latest()) return;
        problem.value = e.problem;
        // What the first rows drew stays on screen (its numbers are right); nothing incomplete is kept on the device.
        if (!cached && !shownHead) {
          data.value = null;
          pending.value = [];
        }
      }
    },
    async forget() {
      await bridge.storeCredential(COORDINATOR_CREDENTIAL, null);
      await bridge.storeCredential(COVERAGE_CODE_CREDENTIAL, null);
      coverageCode.value = null;
      register.value = [];
      coverage.value = null;
      await store.saveCoordinator(null);
      await store.clearCache();
      account.value = null;
      data.value = null;
      pending.value = [];
      unlocked.value = false;
    },
  };
  return state;
}
