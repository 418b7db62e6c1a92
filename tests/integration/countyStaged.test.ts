/**
 * A cold dashboard reads the open section's rows first (countyState.open with `first`):
 * starts the bundled trial server on a free loopback port, provisions a county of two
 * centers, stores their county documents in the county database (as the server-side copy
 * leaves them) and puts a gate (gateServer.ts) between the coordinator and the server, to
 * hold one view's answer back. The section the coordinator has open is shown while the rows
 * of the other sections are still on their way; the device keeps the period's results only
 * once complete, and they are the same as one read of every query.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { massageSelector, matchesSelector } from 'pouchdb-selector-core';
import { couch } from '../../sync/couchdb/admin';
import { COUNTY_SELECTOR, COUNTY_VIEWS } from '../../sync/couchdb/ddocs';
import { parseCountyFile, provision } from '../../sync/couchdb/provision';
import { withCountyCopies } from '../../sync/schema/county';
import { demoDocuments, generateDemoCenter } from '../../renderer/src/domain/demo';
import { centerTally } from '../../renderer/src/domain/county/centerTally';
import { moodTalliesOf } from '../../renderer/src/domain/county/moodTally';
import { buildReport, COUNTY_FIELDS, NO_FILTERS, SECTION_FIELDS, type CountyData } from '../../renderer/src/domain/county/report';
import { fetchCountyData } from '../../renderer/src/features/county/countyClient';
import type { CountyState } from '../../renderer/src/features/county/countyState';
import type { MemoryCountyStore } from '../../renderer/src/storage/memory/MemoryCountyStore';
import { signInCoordinator, startCountyServer, until, type CountyServer } from './countyServer';
import { startGate, type Gate } from './gateServer';

const pinHash = { alg: 'PBKDF2-SHA256', iterations: 10_000, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=' } as const;
const TO = '2026-11-30';
const PERIOD = '2026-11';
const NOW = new Date(`${TO}T20:00:00+08:00`);

let server: CountyServer;
let password = '';

beforeAll(async () => {
  server = await startCountyServer();
  const report = await provision(server.admin, parseCountyFile(JSON.stringify({
    county: { id: 'yunxi', name: '云溪县' }, server: server.base,
    centers: [{ id: 'qingshan', name: '青山' }, { id: 'baiyun', name: '白云' }], coordinators: [{ name: 'coord-li' }],
  })));
  expect(report.errors).toEqual([]);
  password = report.credentials.find((c) => c.user === 'coord-li')!.password;
  const rule = massageSelector(COUNTY_SELECTOR);
  for (const [i, [id, township]] of ([['qingshan', '石桥镇'], ['baiyun', '云岭乡']] as const).entries()) {
    const demo = generateDemoCenter({ centerId: id, seed: 31 + i, children: 24, from: '2026-09-01', to: TO, deviceId: `k-${id}`, pinHash, name: `${id}站` });
    const center = { ...demo.center, township };
    const records = { center, children: demo.children, consents: demo.consents, staff: demo.staff, followups: [], days: demo.days, attendance: demo.attendance, activities: demo.activities };
    const docs = [
      ...withCountyCopies(demoDocuments({ ...demo, center })),
      centerTally(records, PERIOD, TO, `k-${id}`, `${TO}T18:00:00+08:00`),
      ...moodTalliesOf(demo.moods, id, `k-${id}`, `${TO}T18:00:00+08:00`),
    ].filter((d) => matchesSelector(d, rule));
    const res = await couch(server.admin, 'POST', 'county_yunxi/_bulk_docs', { docs });
    expect((res.json as unknown as { error?: string }[]).filter((r) => r.error)).toEqual([]);
  }
  for (const view of COUNTY_VIEWS) await couch(server.admin, 'GET', `county_yunxi/_design/county/_view/${view}?limit=1`);
}, 300_000);
afterAll(async () => server?.stop());

/** A coordinator device (memory store: the values Dexie keeps) signed in through a fresh gate. */
async function device(): Promise<{ state: CountyState; store: MemoryCountyStore; gate: Gate }> {
  const gate = await startGate(server.base);
  const { state, store, answer } = await signInCoordinator(gate.base, 'coord-li', password, { now: NOW });
  expect(answer.verdict).toBe('ok');
  return { state, store, gate };
}

const rowsOf = (d: CountyData) => Object.fromEntries(COUNTY_FIELDS.map((f) => [f, d[f]]));
const sectionOf = (d: CountyData, id: string) => buildReport(d, NO_FILTERS, TO).find((s) => s.id === id);

describe('a cold dashboard: the open section first, the rest after', () => {
  it('shows the open section while the other rows are on their way, and keeps the complete results on the device after', async () => {
    const { state, store, gate } = await device();
    try {
      const all = await fetchCountyData({ url: server.base, username: 'coord-li', password }, 'yunxi', PERIOD, NOW);
      expect(all.moods.length).toBeGreaterThan(0);
      expect(all.tallies.length).toBeGreaterThan(0);
      // The mood rows (wellbeing only) wait at the gate: the reach section must not wait for them.
      gate.hold = /_view\/month_moods$/;
      const opened = state.open(PERIOD, SECTION_FIELDS.reach);
      await until(() => state.data.value?.period === PERIOD, 15_000);
      expect(state.pending.value).toContain('moods');
      expect(state.pending.value).not.toContain('tallies');
      expect(sectionOf(state.data.value!, 'reach')).toEqual(sectionOf(all, 'reach'));
      // Nothing incomplete is kept on the device.
      expect(store.cache.size).toBe(0);
      gate.release();
      await opened;
      expect(state.pending.value).toEqual([]);
      expect(rowsOf(state.data.value!)).toEqual(rowsOf(all));
      const cached = (await store.getCached<CountyData>(`yunxi|${PERIOD}`))!;
      expect(rowsOf(cached)).toEqual(rowsOf(all));
      expect(cached.fetchedAt).toBe(NOW.toISOString());
      expect(buildReport(cached, NO_FILTERS, TO)).toEqual(buildReport(all, NO_FILTERS, TO));
    } finally {
      gate.release();
      await gate.close();
    }
  }, 60_000);

  it('a period already on the device is shown whole from it at once, and read whole again (no partial results over it)', async () => {
    const { state, store, gate } = await device();
    try {
      await state.open(PERIOD, SECTION_FIELDS.reach);
      const before = state.data.value!;
      gate.hold = /_view\/month_moods$/;
      const seen: (readonly string[])[] = [];
      const reopened = state.open(PERIOD, SECTION_FIELDS.reach);
      await until(() => gate.requests.some((r) => r.endsWith('/month_moods')), 15_000);
      seen.push(state.pending.value);
      expect(state.fromCache.value).toBe(true);
      expect(rowsOf(state.data.value!)).toEqual(rowsOf(before));
      gate.release();
      await reopened;
      expect(seen).toEqual([[]]);
      expect(state.fromCache.value).toBe(false);
      expect(rowsOf((await store.getCached<CountyData>(`yunxi|${PERIOD}`))!)).toEqual(rowsOf(before));
    } finally {
      gate.release();
      await gate.close();
    }
  }, 60_000);

  it('when the other rows cannot be read: the open section stays, the problem is said, nothing incomplete is kept', async () => {
    const { state, store, gate } = await device();
    try {
      gate.hold = /_view\/month_moods$/;
      const opened = state.open(PERIOD, SECTION_FIELDS.reach);
      await until(() => state.data.value?.period === PERIOD, 15_000);
      // The link dies while the mood rows are on their way.
      await gate.close();
      await opened;
      expect(state.problem.value).toBe('unreachable');
      expect(state.data.value?.tallies.length).toBeGreaterThan(0);
      expect(state.pending.value).toContain('moods');
      expect(store.cache.size).toBe(0);
    } finally {
      await gate.close().catch(() => undefined);
    }
  }, 60_000);
});
