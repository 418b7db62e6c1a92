/**
 * Coverage across providers end to end on the bundled trial server (started on a free
 * loopback port): two centers' kiosks compute coverage keys under the county coverage code
 * (app/coverageKeys.ts, on a memory DocStore holding each center's generated records) and
 * write them to their center databases; the server's county copy carries them to the county
 * database; the coordinator reads the coverage view over HTTP, imports a GBK register file
 * and finds the child enrolled at both centers and the register children enrolled nowhere.
 * Then the county database and everything the coordinator's store holds are searched for
 * names, birth months and ID numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { couch } from '../../sync/couchdb/admin';
import { parseCountyFile, provision } from '../../sync/couchdb/provision';
import { generateDemoCenter, type DemoCenter } from '../../renderer/src/domain/demo';
import { coverageKey, coverageSummary, generateCoverageCode, type CoverageRow } from '../../renderer/src/domain/county/coverage';
import { centersOf } from '../../renderer/src/domain/county/report';
import { writeCoverageKeys } from '../../renderer/src/app/coverageKeys';
import { MemoryDocStore } from '../../renderer/src/storage/memory/MemoryDocStore';
import { fetchCoverage } from '../../renderer/src/features/county/countyClient';
import { previewRegister, registerEntries } from '../../renderer/src/features/county/registerImport';
import { readImportFile } from '../../renderer/src/features/children/rosterImport';
import { encodeGbk } from '../gbk';
import { signInCoordinator, startCountyServer, until, type CountyServer } from './countyServer';

const pinHash = { alg: 'PBKDF2-SHA256', iterations: 10_000, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=' } as const;
const NOW = new Date('2026-10-31T10:00:00+08:00');
const CODE = generateCoverageCode();

let server: CountyServer;
let coordinator: { url: string; username: string; password: string };
const stores = new Map<string, MemoryDocStore>();
const demos = new Map<string, DemoCenter>();
let same: { name: string; birthMonth: string };
let onlyA: { name: string; birthMonth: string };

async function storeOf(demo: DemoCenter): Promise<MemoryDocStore> {
  const store = new MemoryDocStore();
  const r = await store.bulkCreate([demo.center, ...demo.staff, ...demo.children, ...demo.privates, ...demo.consents]);
  expect(r.failed).toEqual([]);
  return store;
}

/** The children of a center that get a key (enrolled now, county-statistics consent), by name and birth month. */
async function keyed(store: MemoryDocStore, demo: DemoCenter) {
  const keys = new Set((await store.list('coverage', 'cover:')).map((d) => d.key));
  const out: { childId: string; name: string; birthMonth: string }[] = [];
  for (const c of demo.children) {
    const childId = c._id.slice('child:'.length);
    const p = demo.privates.find((x) => x.childId === childId)!;
    if (keys.has(await coverageKey(CODE, p.fullName, c.birthMonth))) out.push({ childId, name: p.fullName, birthMonth: c.birthMonth });
  }
  return out;
}

beforeAll(async () => {
  server = await startCountyServer();
  const file = parseCountyFile(JSON.stringify({ county: { id: 'yunxi', name: '云溪县' }, server: server.base, centers: [{ id: 'qingshan', name: '青山' }, { id: 'baiyun', name: '白云' }], coordinators: [{ name: 'coord-li' }] }));
  const report = await provision(server.admin, file);
  expect(report.errors).toEqual([]);
  const pw = (user: string) => report.credentials.find((c) => c.user === user)!.password;
  coordinator = { url: server.base, username: 'coord-li', password: pw('coord-li') };
  for (const [i, [id, township, village]] of ([['qingshan', '石桥镇', '青山村'], ['baiyun', '云岭乡', '白云村']] as const).entries()) {
    const demo = generateDemoCenter({ centerId: id, seed: 31 + i, children: 12, from: '2026-10-01', to: '2026-10-31', deviceId: `k-${id}`, pinHash });
    const d = { ...demo, center: { ...demo.center, township, village } };
    demos.set(id, d);
    const store = await storeOf(d);
    stores.set(id, store);
    await writeCoverageKeys(store, id, CODE, NOW);
  }
  // The same child enrolled at both centers: baiyun's first keyed child is renamed to qingshan's first.
  const a = await keyed(stores.get('qingshan')!, demos.get('qingshan')!);
  const b = await keyed(stores.get('baiyun')!, demos.get('baiyun')!);
  expect(a.length).toBeGreaterThan(2);
  expect(b.length).toBeGreaterThan(1);
  same = a[0]!;
  onlyA = a[1]!;
  const storeB = stores.get('baiyun')!;
  await storeB.update('childPrivate', `private:child:${b[0]!.childId}`, (cur) => ({ ...cur!, fullName: same.name }));
  await storeB.update('child', `child:${b[0]!.childId}`, (cur) => ({ ...cur!, birthMonth: same.birthMonth }));
  const rewrite = await writeCoverageKeys(storeB, 'baiyun', CODE, NOW);
  expect(rewrite).toMatchObject({ written: 1, removed: 1 });

  // Each kiosk's sync: its coverage documents into its center database.
  let expected = 0;
  for (const [id, store] of stores) {
    const docs = await store.list('coverage', 'cover:');
    expected += docs.length;
    const kiosk = { base: server.base, username: `sync-${id}`, password: pw(`sync-${id}`) };
    const res = await couch(kiosk, 'POST', `center_${id}/_bulk_docs`, { docs: [demos.get(id)!.center, ...docs.map(({ _rev, ...d }) => d)] });
    expect((res.json as unknown as { error?: string }[]).filter((r) => r.error)).toEqual([]);
  }
  await until(async () => {
    const v = await couch(server.admin, 'GET', 'county_yunxi/_design/county/_view/coverage?reduce=true');
    return ((v.json.rows as { value: number }[] | undefined)?.[0]?.value ?? 0) === expected;
  }, 120_000);
}, 240_000);
afterAll(async () => server?.stop());

const registerCsv = () =>
  [
    '姓名,出生日期,身份证号,乡镇,村,类别',
    `${same.name},${same.birthMonth}-15,,石桥镇,青山村,留守`,
    `${onlyA.name.split('').join(' ')},${onlyA.birthMonth.replace('-', '年')}月,,石桥镇,青山村,流动`,
    '赵一鸣,2016-02-03,,石桥镇,青山村,流动儿童',
    '钱二丫,,11010519491231002X,石桥镇,青山村,父母都外出',
    '孙三宝,2015/7/9,,石桥镇,青山村,父亲外出',
    '李四妹,2017-01-20,,云岭乡,白云村,母亲外出',
    '周五福,2014-12-01,,云岭乡,白云村,其他',
    '吴六顺,2014-13-01,,云岭乡,白云村,其他',
    '郑七星,2015-05-05,,云岭乡,白云村,流动',
  ].join('\r\n');

describe('coverage across providers', () => {
  it('finds the child enrolled at two centers and counts the register children enrolled at no center', async () => {
    const read = await readImportFile('名册.csv', encodeGbk(registerCsv()));
    if (read.kind !== 'table') throw new Error('ambiguous');
    expect(read.encoding).toBe('gb18030');
    const preview = await previewRegister(read.table, CODE);
    expect(preview.fileProblem).toBeNull();
    const bad = preview.rows.filter((r) => r.problems.length);
    expect(bad.map((r) => [r.line, r.problems.map((p) => p.key)])).toEqual([[9, ['badBirth']]]);
    const entries = registerEntries(preview);
    expect(entries).toHaveLength(8);

    const coverage = await fetchCoverage(coordinator, 'yunxi');
    const places = centersOf(coverage).map((c) => ({ centerId: c.id, township: c.township, village: c.village }));
    const s = coverageSummary(entries, coverage.rows as unknown as CoverageRow[], places);
    // Counted here from the register file itself: 8 valid rows, 2 of them enrolled (one at both centers).
    expect(s).toMatchObject({ registerTotal: 8, notEnrolledTotal: 6, multiCenterTotal: 1 });
    expect(s.places.find((p) => p.village === '青山村')).toMatchObject({ register: 5, notEnrolledTotal: 3, notEnrolled: { migrant: 1, 'left-behind-both-away': 1, 'left-behind-father-away': 1 }, multiCenter: 1 });
    expect(s.places.find((p) => p.village === '白云村')).toMatchObject({ register: 3, notEnrolledTotal: 3, notEnrolled: { 'left-behind-mother-away': 1, other: 1, migrant: 1 }, multiCenter: 1 });
  });

  it('puts no name, birth month or ID number in the county database or in what the coordinator device stores', async () => {
    const { state, store, answer } = await signInCoordinator(coordinator.url, coordinator.username, coordinator.password, { now: NOW });
    expect(answer.verdict).toBe('ok');
    await state.setCoverageCode(CODE);
    const read = await readImportFile('名册.csv', encodeGbk(registerCsv()));
    if (read.kind !== 'table') throw new Error('ambiguous');
    await state.saveRegister(registerEntries(await previewRegister(read.table, CODE)), true);
    await state.openCoverage();
    expect(state.coverage.value?.rows.length).toBeGreaterThan(0);

    const names = [...[...demos.values()].flatMap((d) => d.privates.map((p) => p.fullName)), '赵一鸣', '钱二丫', '孙三宝', '李四妹', '周五福', '郑七星'];
    const months = [...[...demos.values()].flatMap((d) => d.children.map((c) => c.birthMonth)), '2016-02', '2015-07', '2017-01', '2014-12', '2015-05'];
    const secrets = new RegExp([...names, ...months.map((m) => `"${m}`), '11010519491231002X', '19491231', CODE, CODE.replace(/-/g, '')].join('|'));
    // Everything the coordinator's device store holds (the same values Dexie keeps): keys, villages, groups, view rows.
    const deviceData = JSON.stringify({ coordinator: store.coordinator, cache: [...store.cache] });
    expect(deviceData).toContain('青山村');
    expect(deviceData).not.toMatch(secrets);
    // The county database: every document, every revision body it serves.
    const all = await couch(server.admin, 'GET', 'county_yunxi/_all_docs?include_docs=true');
    const countyData = JSON.stringify(all.json);
    expect(countyData).toContain('"type":"coverage"');
    expect(countyData).not.toMatch(secrets);
    // The coverage documents carry a key, a center and a group, nothing that links them to the child's other documents.
    for (const r of all.json.rows as { id: string; doc: Record<string, unknown> }[])
      if (r.id.startsWith('cover:')) expect(Object.keys(r.doc).sort()).toEqual(['_id', '_rev', 'centerId', 'group', 'key', 'schemaVersion', 'type', 'updatedAt']);
  });

  it('names the county from the centers’ documents, and keeps a register child once when the same file is added twice', async () => {
    const { state, store, answer: res } = await signInCoordinator(coordinator.url, coordinator.username, coordinator.password, { now: NOW, secure: false });
    expect(res).toMatchObject({ verdict: 'ok', countyId: 'yunxi', secure: false });
    // The name the centers entered (the demo centers' county), never the id.
    expect(res.countyName).toBe(demos.get('qingshan')!.center.county);
    expect(state.account.value?.countyName).toBe(demos.get('qingshan')!.center.county);
    expect(state.justConnected.value).toEqual({ secure: false });
    // A name set on the device stays across a new sign-in; an empty one goes back to the centers'.
    await state.setCountyName('云溪县（试点）');
    await state.connect(coordinator.url, coordinator.username, coordinator.password);
    expect(store.coordinator?.countyName).toBe('云溪县（试点）');
    await state.setCountyName('  ');
    expect(state.account.value?.countyName).toBe(demos.get('qingshan')!.center.county);

    await state.setCoverageCode(CODE);
    const read = await readImportFile('名册.csv', encodeGbk(registerCsv()));
    if (read.kind !== 'table') throw new Error('ambiguous');
    const entries = registerEntries(await previewRegister(read.table, CODE));
    expect(await state.saveRegister(entries, false)).toEqual({ added: entries.length, already: 0 });
    expect(await state.saveRegister(entries, false)).toEqual({ added: 0, already: entries.length });
    expect(state.register.value).toHaveLength(entries.length);
    expect(new Set(state.register.value.map((e) => e.key)).size).toBe(entries.length);
  });

  it('refuses a malformed register file in words and keeps the register as it was', async () => {
    const noName = await readImportFile('名册.csv', new TextEncoder().encode('编号,出生日期,村\r\n1,2015-01-01,青山村\r\n'));
    if (noName.kind !== 'table') throw new Error('ambiguous');
    expect((await previewRegister(noName.table, CODE)).fileProblem).toEqual({ key: 'noNameColumn' });
    const noVillage = await readImportFile('名册.csv', new TextEncoder().encode('姓名,出生日期\r\n王一,2015-01-01\r\n'));
    if (noVillage.kind !== 'table') throw new Error('ambiguous');
    expect((await previewRegister(noVillage.table, CODE)).fileProblem).toEqual({ key: 'noVillageColumn' });
    await expect(readImportFile('名册.xlsx', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]))).rejects.toMatchObject({ key: 'notXlsx' });
  });
});
