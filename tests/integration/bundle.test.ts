/**
 * A bundle carried to the county office: the CLI imports it into the center's
 * database on a real server over HTTP (the stand-in, provisioned with the real
 * design documents); twice is the same as once; a tampered copy is refused.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PouchDB } from '../../renderer/src/storage/pouch/createPouch';
import MemoryAdapter from 'pouchdb-adapter-memory';
import { demoDocuments, generateDemoCenter } from '../../renderer/src/domain/demo';
import { collectForBundle, sealBundle } from '../../sync/bundle/bundle';
import { provisionCenter } from '../../sync/couchdb/admin';
import { revsOf, startCountyServer, type CountyServer } from './countyServer';

PouchDB.plugin(MemoryAdapter);
const run = promisify(execFile);
const PASS = 'county-passphrase-2026';
let server: CountyServer;
let dir: string;
let file: string;
let count: number;
let ids: string[];

beforeAll(async () => {
  server = await startCountyServer();
  await provisionCenter(server.admin, 'qingshan');
  dir = await mkdtemp(path.join(tmpdir(), 'tongxin-bundle-'));
  const pinHash = { alg: 'PBKDF2-SHA256', iterations: 10_000, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=' } as const;
  const docs = demoDocuments(generateDemoCenter({ centerId: 'qingshan', seed: 9, children: 12, from: '2026-11-02', to: '2026-11-13', deviceId: 'kiosk-a', pinHash }));
  const kiosk = new PouchDB(`kiosk-${Date.now()}`, { adapter: 'memory' });
  await kiosk.bulkDocs(docs);
  const bundled = await collectForBundle(kiosk, docs.map((d) => d._id));
  count = bundled.length;
  ids = bundled.map((d) => d._id);
  file = path.join(dir, 'qingshan.tongxin');
  await writeFile(file, await sealBundle({ centerId: 'qingshan', createdAt: new Date().toISOString(), deviceId: 'kiosk-a', scope: { kind: 'unsent' } }, bundled, PASS));
});
afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'sync/bundle/bundle-cli.ts', ...args], {
    env: { ...process.env, TONGXIN_BUNDLE_PASSPHRASE: PASS, TONGXIN_ADMIN_PASSWORD: server.admin.password },
  }).then(
    (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
  );
// Read by key rather than doc_count, which is not read-your-writes on a cluster.
const bundledRevs = async () => revsOf(server.admin, 'center_qingshan', ids);

describe('bundle import at the county office', () => {
  it('imports a bundle into the center database; the same bundle again writes nothing', async () => {
    expect((await bundledRevs()).size).toBe(0);
    const first = await cli('import', file, '--server', server.base);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toContain(`imported   ${count} into center_qingshan`);
    const written = await bundledRevs();
    expect(written.size).toBe(count);
    const second = await cli('import', file, '--server', server.base);
    expect(second.code).toBe(0);
    expect(second.out).toContain(`already    ${count}`);
    expect(second.out).toContain('imported   0 into center_qingshan');
    expect(await bundledRevs()).toEqual(written);
  }, 120_000);

  it('refuses a tampered or truncated copy in words, and writes nothing', async () => {
    const text = (await import('node:fs/promises')).readFile(file, 'utf8');
    const original = await text;
    const bad = path.join(dir, 'bad.tongxin');
    const at = original.indexOf('"payload":"') + 200;
    await writeFile(bad, original.slice(0, at) + (original[at] === 'A' ? 'B' : 'A') + original.slice(at + 1));
    const before = await bundledRevs();
    const tampered = await cli('import', bad, '--server', server.base);
    expect(tampered.code).toBe(1);
    expect(tampered.err).toMatch(/Refused: tampered.*Nothing was imported/);
    await writeFile(bad, original.slice(0, original.length - 5000));
    const truncated = await cli('import', bad, '--server', server.base);
    expect(truncated.code).toBe(1);
    expect(truncated.err).toMatch(/Refused: truncated/);
    expect(await bundledRevs()).toEqual(before);
  }, 120_000);

  it('refuses a correctly sealed bundle with a malformed document, or absurd key-derivation rounds, and writes nothing', async () => {
    const kiosk = new PouchDB(`kiosk-bad-${Date.now()}`, { adapter: 'memory' });
    const pinHash = { alg: 'PBKDF2-SHA256', iterations: 10_000, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=' } as const;
    const docs = demoDocuments(generateDemoCenter({ centerId: 'qingshan', seed: 11, children: 3, from: '2026-11-16', to: '2026-11-17', deviceId: 'kiosk-b', pinHash }));
    await kiosk.bulkDocs(docs);
    const bundled = await collectForBundle(kiosk, docs.map((d) => d._id));
    const child = bundled.find((d) => d.type === 'child')!;
    const bad = path.join(dir, 'malformed.tongxin');
    await writeFile(bad, await sealBundle({ centerId: 'qingshan', createdAt: new Date().toISOString(), deviceId: 'kiosk-b', scope: { kind: 'unsent' } }, [...bundled.filter((d) => d !== child), { ...child, grade: 'three' }], PASS));
    const badRevs = () => revsOf(server.admin, 'center_qingshan', bundled.map((d) => d._id));
    const before = await badRevs();
    const refused = await cli('import', bad, '--server', server.base);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/Refused: invalid-docs: 1 documents fail the schemas: child:.*grade.*Nothing was imported/);
    const slow = JSON.parse(await (await import('node:fs/promises')).readFile(file, 'utf8')) as { kdf: object };
    await writeFile(bad, JSON.stringify({ ...slow, kdf: { ...slow.kdf, iterations: 10_000_000 } }));
    const rounds = await cli('import', bad, '--server', server.base);
    expect(rounds.code).toBe(1);
    expect(rounds.err).toMatch(/Refused: bad-kdf: 10000000 rounds, allowed 100000–1000000/);
    expect(await badRevs()).toEqual(before);
  }, 120_000);
});
