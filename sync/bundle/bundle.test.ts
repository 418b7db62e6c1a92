import { describe, expect, it } from 'vitest';
import { PouchDB } from '../../renderer/src/storage/pouch/createPouch';
import MemoryAdapter from 'pouchdb-adapter-memory';
import { demoDocuments, generateDemoCenter } from '../../renderer/src/domain/demo';
import { BundleError, collectForBundle, importBundle, KDF_MAX_ITERATIONS, openBundle, planImport, PROGRESS_CHUNK, readBundleHeader, sealBundle, type BundleDoc, type RecordProgress } from './bundle';

PouchDB.plugin(MemoryAdapter);
const open = (name: string) => new PouchDB(`${name}-${Math.random()}`, { adapter: 'memory' });
const pinHash = { alg: 'PBKDF2-SHA256', iterations: 10_000, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=' } as const;
const docs = demoDocuments(generateDemoCenter({ centerId: 'qingshan', seed: 3, children: 8, from: '2026-11-02', to: '2026-11-06', deviceId: 'kiosk-a', pinHash }));
const header = { centerId: 'qingshan', createdAt: '2026-11-29T10:00:00Z', deviceId: 'kiosk-a', scope: { kind: 'all' as const } };
const PASS = 'county-passphrase-2026';
const FAST = 100_000; // the lowest accepted work factor, to keep the suite quick

async function sourceBundle(): Promise<{ db: PouchDB.Database; bundled: BundleDoc[]; text: string }> {
  const db = open('source');
  await db.bulkDocs(docs);
  const bundled = await collectForBundle(db, docs.map((d) => d._id));
  return { db, bundled, text: await sealBundle(header, bundled, PASS, FAST) };
}

describe('bundles', () => {
  it('round-trip: sealed with the county passphrase, opened with it, revision histories included', async () => {
    const { bundled, text } = await sourceBundle();
    expect(bundled).toHaveLength(docs.length);
    expect(text).not.toContain('qingshan-'); // no readable content beyond the header
    expect(text).not.toMatch(/fullName|guardians/);
    const opened = await openBundle(text, PASS);
    expect(opened.header).toMatchObject({ centerId: 'qingshan', docCount: docs.length });
    expect(opened.docs.map((d) => d._id).sort()).toEqual(docs.map((d) => d._id).sort());
    expect(opened.docs[0]!._revisions).toBeDefined();
  });

  it('refuses a wrong passphrase, a changed byte, a changed header, a truncated copy and a file that is not a bundle — each with its reason', async () => {
    const { text } = await sourceBundle();
    const kind = async (t: string, p = PASS) => openBundle(t, p).then(() => 'opened', (e: unknown) => (e instanceof BundleError ? e.kind : `other: ${String(e)}`));
    expect(await kind(text, 'not-the-passphrase')).toBe('wrong-passphrase');
    const file = JSON.parse(text) as { payload: string; header: { docCount: number; createdAt: string } };
    const flipped = file.payload.slice(0, 100) + (file.payload[100] === 'A' ? 'B' : 'A') + file.payload.slice(101);
    expect(await kind(JSON.stringify({ ...file, payload: flipped }))).toBe('tampered');
    expect(await kind(JSON.stringify({ ...file, header: { ...file.header, createdAt: '2020-01-01T00:00:00Z' } }))).toBe('tampered');
    expect(await kind(text.slice(0, Math.floor(text.length * 0.7)))).toBe('truncated');
    expect(await kind('名字,年级\n小明,3')).toBe('not-a-bundle');
    expect(() => readBundleHeader(JSON.stringify({ ...file, version: 99 }))).toThrow(/newer-version/);
    await expect(sealBundle(header, [], 'short')).rejects.toMatchObject({ kind: 'weak-passphrase' });
  });

  it('refuses documents of another center inside a bundle', async () => {
    const { bundled } = await sourceBundle();
    const text = await sealBundle(header, [...bundled.slice(0, 3), { ...bundled[3]!, centerId: 'shiqiao' }], PASS, FAST);
    await expect(openBundle(text, PASS)).rejects.toMatchObject({ kind: 'other-center' });
  });

  it('imports with a preview, and importing the same bundle twice changes nothing', async () => {
    const { text } = await sourceBundle();
    const target = open('target');
    const { docs: incoming } = await openBundle(text, PASS);
    const plan = await planImport(target, incoming);
    expect(plan.incoming).toHaveLength(docs.length);
    expect(plan.newRecords).toBe(docs.length);
    expect(plan.byType.child).toBe(8);
    await importBundle(target, incoming);
    const seq = (await target.info()).update_seq;
    const again = await planImport(target, incoming);
    expect(again.incoming).toHaveLength(0);
    expect(again.alreadyHere).toBe(docs.length);
    expect((await importBundle(target, incoming)).written).toEqual([]);
    expect((await target.info()).update_seq).toBe(seq);
  });

  it('merges like replication: an edit made after an earlier bundle updates the record; two edits meet as a conflict', async () => {
    const { db, text } = await sourceBundle();
    const target = open('target');
    await importBundle(target, (await openBundle(text, PASS)).docs);
    const child = docs.find((d) => d.type === 'child')!;
    // The source edits the child, and so does the target (on its own): the next bundle brings the source's edit.
    const src = await db.get(child._id);
    await db.put({ ...src, school: '新学校', updatedAt: '2026-11-30T00:00:00Z' });
    const tgt = await target.get(child._id);
    await target.put({ ...tgt, school: '另一个学校', updatedAt: '2026-11-29T00:00:00Z' });
    const second = await sealBundle(header, await collectForBundle(db, [child._id]), PASS, FAST);
    const plan = await planImport(target, (await openBundle(second, PASS)).docs);
    expect(plan.incoming).toHaveLength(1);
    expect(plan.newRecords).toBe(0);
    await importBundle(target, (await openBundle(second, PASS)).docs);
    const merged = (await target.get(child._id, { conflicts: true })) as unknown as { _conflicts?: string[] };
    expect(merged._conflicts).toHaveLength(1);
  });

  const kindOf = async (t: string, p = PASS) => openBundle(t, p).then(() => 'opened', (e: unknown) => (e instanceof BundleError ? e.kind : `other: ${String(e)}`));

  it('refuses a whole bundle when any document fails the sync schemas, and writes nothing', async () => {
    const { bundled } = await sourceBundle();
    const child = bundled.find((d) => d.type === 'child')!;
    const priv = bundled.find((d) => d.type === 'childPrivate')!;
    const cases: BundleDoc[] = [
      { ...child, grade: 'three' },
      { ...child, _id: 'gossip:1', type: 'gossip', text: '…' },
      { ...child, birthMonth: '2016-13' },
      // A deletion that still carries a name.
      { _id: priv._id, _rev: priv._rev, _deleted: true, type: 'childPrivate', centerId: 'qingshan', fullName: '张小明' },
    ];
    for (const bad of cases) {
      const text = await sealBundle(header, [...bundled.filter((d) => d._id !== bad._id), bad], PASS, FAST);
      const e = await openBundle(text, PASS).catch((x: unknown) => x);
      expect(e, bad._id).toBeInstanceOf(BundleError);
      expect((e as BundleError).kind).toBe('invalid-docs');
      expect((e as BundleError).values).toMatchObject({ n: '1', example: expect.stringContaining(bad._id) });
    }
    // A plain deletion (id, revision, type, center) is a document like any other.
    const tombstone = { _id: priv._id, _rev: priv._rev, _deleted: true, type: 'childPrivate', centerId: 'qingshan' };
    expect(await kindOf(await sealBundle(header, [...bundled.filter((d) => d._id !== priv._id), tombstone], PASS, FAST))).toBe('opened');
  });

  it('bounds the key-derivation parameters before deriving, with the reason', async () => {
    const { text } = await sourceBundle();
    const file = JSON.parse(text) as { kdf: { iterations: number; salt: string }; check: string; cipher: { iv: string } };
    const withKdf = (kdf: object) => JSON.stringify({ ...file, kdf: { ...file.kdf, ...kdf } });
    // readBundleHeader derives nothing: these are refused before any PBKDF2 round runs.
    for (const iterations of [10_000_000, KDF_MAX_ITERATIONS + 1, 99_999, 1.5e5 + 0.5, -1]) {
      expect(() => readBundleHeader(withKdf({ iterations })), String(iterations)).toThrow(expect.objectContaining({ kind: 'bad-kdf' }));
    }
    const e = (() => {
      try {
        readBundleHeader(withKdf({ iterations: 10_000_000 }));
      } catch (x) {
        return x as BundleError;
      }
    })();
    expect(e?.message).toContain('10000000 rounds, allowed 100000–1000000');
    expect(e?.values).toEqual({ part: 'rounds', value: '10000000', min: '100000', max: '1000000' });
    expect(() => readBundleHeader(withKdf({ salt: 'c2FsdA==' }))).toThrow(expect.objectContaining({ kind: 'bad-kdf', values: { part: 'salt' } }));
    expect(() => readBundleHeader(JSON.stringify({ ...file, cipher: { ...file.cipher, iv: 'AAAA' } }))).toThrow(expect.objectContaining({ kind: 'bad-kdf', values: { part: 'iv' } }));
    expect(() => readBundleHeader(JSON.stringify({ ...file, check: 'xyz' }))).toThrow(expect.objectContaining({ kind: 'bad-kdf', values: { part: 'check' } }));
  });

  it('says "changed" for a changed salt, round count or check value — not "wrong passphrase"', async () => {
    const { text } = await sourceBundle();
    const file = JSON.parse(text) as { kdf: { iterations: number; salt: string }; check: string };
    const otherSalt = btoa('another-salt-16b');
    const flippedCheck = (file.check[0] === 'a' ? 'b' : 'a') + file.check.slice(1);
    for (const changed of [{ ...file, kdf: { ...file.kdf, salt: otherSalt } }, { ...file, kdf: { ...file.kdf, iterations: file.kdf.iterations + 1 } }, { ...file, check: flippedCheck }]) {
      expect(await kindOf(JSON.stringify(changed))).toBe('tampered');
      expect(await kindOf(JSON.stringify(changed), 'not-the-passphrase')).toBe('tampered');
    }
    const { digest: _d, ...noDigest } = file as typeof file & { digest: string };
    expect(await kindOf(JSON.stringify(noDigest))).toBe('tampered');
    // The untouched file still tells a wrong passphrase apart.
    expect(await kindOf(text, 'not-the-passphrase')).toBe('wrong-passphrase');
  });

  it('still opens version 1 files, written before the parameter digest', async () => {
    const { text } = await sourceBundle();
    const { digest: _d, ...v1 } = { ...(JSON.parse(text) as { digest: string }), version: 1 };
    expect(await kindOf(JSON.stringify(v1))).toBe('opened');
    expect(await kindOf(JSON.stringify(v1), 'not-the-passphrase')).toBe('wrong-passphrase');
  });

  it('reports progress as it reads, seals, opens, checks and writes, in chunks, ending at the total (issue 11)', async () => {
    // Enough records for several chunks: copies of the demo's attendance under new ids.
    const att = docs.filter((d) => d.type === 'attendance');
    const many = Array.from({ length: PROGRESS_CHUNK * 2 + 37 }, (_, i) => ({ ...att[i % att.length]!, _id: `att:2026-10-${String((i % 28) + 1).padStart(2, '0')}:X${String(i).padStart(25, '0')}` }));
    const db = open('progress-source');
    await db.bulkDocs([...docs, ...many]);
    const ids = [...docs, ...many].map((d) => d._id);
    const seen: RecordProgress[] = [];
    const report = (p: RecordProgress) => seen.push(p);
    const bundled = await collectForBundle(db, ids, report);
    const reads = seen.filter((p) => p.step === 'read');
    expect(reads.length).toBeGreaterThanOrEqual(4); // the start and one per chunk
    expect(reads.at(-1)).toEqual({ step: 'read', done: ids.length, total: ids.length });
    expect(reads.map((p) => p.done)).toEqual([...reads.map((p) => p.done)].sort((a, b) => a - b));
    const text = await sealBundle(header, bundled, PASS, FAST, report);
    expect(seen.some((p) => p.step === 'seal' && p.total === ids.length)).toBe(true);

    seen.length = 0;
    const opened = await openBundle(text, PASS, report);
    expect(seen[0]).toMatchObject({ step: 'open', total: ids.length });
    const checks = seen.filter((p) => p.step === 'check');
    expect(checks.length).toBe(Math.ceil(ids.length / PROGRESS_CHUNK));
    expect(checks.at(-1)).toEqual({ step: 'check', done: ids.length, total: ids.length });

    seen.length = 0;
    const target = open('progress-target');
    const { written } = await importBundle(target, opened.docs, report);
    expect(written).toHaveLength(ids.length);
    expect(seen.map((p) => p.done)).toEqual([0, PROGRESS_CHUNK, PROGRESS_CHUNK * 2, ...(ids.length > PROGRESS_CHUNK * 3 ? [PROGRESS_CHUNK * 3] : []), ids.length].filter((n, i, a) => a.indexOf(n) === i));
    expect(seen.every((p) => p.step === 'write' && p.total === ids.length)).toBe(true);
  });

  it('checked in chunks, a bundle still counts every failing document, not only the first chunk\'s', async () => {
    const { bundled } = await sourceBundle();
    const padded = [...bundled, ...Array.from({ length: PROGRESS_CHUNK + 5 }, (_, i) => ({ ...bundled[0]!, _id: `child:BAD${String(i).padStart(23, '0')}`, grade: 99 }))];
    const text = await sealBundle(header, padded, PASS, FAST);
    const e = await openBundle(text, PASS).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BundleError);
    expect((e as BundleError).values.n).toBe(String(PROGRESS_CHUNK + 5));
  });
});
