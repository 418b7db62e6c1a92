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
import type { CountyData } from '@/domain/county/report';
import type { CoordinatorSettings, CountyStore } from '../../storage/ports';
import type { RegisterEntry } from '@/domain/county/coverage';
import { parseCoverageCode } from '@/domain/county/coverage';
import { CountyQueryError, fetchCountyData, fetchCoverage, testCoordinator, type CoverageData, type VerdictResult } from './countyClient';

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
  /** Shows the period from the cache at once, then asks the server; keeps the cache when offline. */
  open(period: string): Promise<void>;
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

export function createCountyState(store: CountyStore, bridge: TongxinBridge, now: () => Date = () => new Date()): CountyState {
  const account = shallowRef<CoordinatorSettings | null>(null);
  const unlocked = ref(false);
  const data = shallowRef<CountyData | null>(null);
  const problem = ref<CountyQueryError['problem'] | null>(null);
  const fromCache = ref(false);
  const justConnected = ref<{ secure: boolean } | null>(null);
  const coverageCode = ref<string | null>(null);
  const register = shallowRef<readonly RegisterEntry[]>([]);
  const coverage = shallowRef<CoverageData | null>(null);
  const registerKey = (countyId: string) => `register|${countyId}`;
  const coverageKey = (countyId: string) => `coverage|${countyId}`;
  let lastActivity = now().getTime();
  const cacheKey = (countyId: string, period: string) => `${countyId}|${period}`;

  const state: CountyState = {
    account, unlocked, data, problem, fromCache, justConnected,
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
    async open(period) {
      const a = account.value;
      if (!a) return;
      // Both from the device at once: the queries go out one device read sooner.
      const [cached, password] = await Promise.all([store.getCached<CountyData>(cacheKey(a.countyId, period)), bridge.loadCredential(COORDINATOR_CREDENTIAL)]);
      if (cached) {
        data.value = cached;
        fromCache.value = true;
      }
      if (!password) {
        problem.value = 'wrong-password';
        return;
      }
      try {
        const fresh = await fetchCountyData({ url: a.url, username: a.username, password }, a.countyId, period, now());
        // Drawn first, then kept on the device: the cache write is not on the way to the screen.
        data.value = fresh;
        fromCache.value = false;
        problem.value = null;
        await store.setCached(cacheKey(a.countyId, period), fresh);
      } catch (e) {
        if (!(e instanceof CountyQueryError)) throw e;
        problem.value = e.problem;
        if (!cached) data.value = null;
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
      unlocked.value = false;
    },
  };
  return state;
}
