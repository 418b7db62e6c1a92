import { describe, expect, it } from 'vitest';
import MemoryAdapter from 'pouchdb-adapter-memory';
import { PouchDB } from '../../storage/pouch/createPouch';
import { demoDocuments, generateDemoCenter } from '@/domain/demo';
import { BundleError, collectForBundle, sealBundle } from '@sync/bundle/bundle';
import { applyBundle, previewBundle } from './bundleService';

PouchDB.plugin(MemoryAdapter);
const pinHash = { alg: 'PBKDF2-SHA256', iterations: 10_000, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=' } as const;
const PASS = 'county-passphrase-2026';

describe('bundle import at the kiosk', () => {
  it('refuses a correctly sealed bundle with a malformed document in the preview, and the database stays as it was', async () => {
    const docs = demoDocuments(generateDemoCenter({ centerId: 'qingshan', seed: 5, children: 4, from: '2026-11-02', to: '2026-11-03', deviceId: 'kiosk-a', pinHash }));
    const source = new PouchDB(`src-${Math.random()}`, { adapter: 'memory' });
    await source.bulkDocs(docs);
    const bundled = await collectForBundle(source, docs.map((d) => d._id));
    const child = bundled.find((d) => d.type === 'child')!;
    const bad = [...bundled.filter((d) => d !== child), { ...child, grade: 'three' }, { ...child, _id: 'gossip:x', type: 'gossip' }];
    const text = await sealBundle({ centerId: 'qingshan', createdAt: '2026-11-29T10:00:00Z', deviceId: 'kiosk-a', scope: { kind: 'all' } }, bad, PASS, 100_000);
    const target = new PouchDB(`tgt-${Math.random()}`, { adapter: 'memory' });
    const e = await previewBundle(target, text, PASS, 'qingshan').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BundleError);
    expect(e).toMatchObject({ kind: 'invalid-docs', values: { n: '2' } });
    expect((await target.info()).doc_count).toBe(0);
    // The same documents without the malformed ones import.
    const good = await sealBundle({ centerId: 'qingshan', createdAt: '2026-11-29T10:00:00Z', deviceId: 'kiosk-a', scope: { kind: 'all' } }, bundled, PASS, 100_000);
    const res = await applyBundle(target, await previewBundle(target, good, PASS, 'qingshan'), async () => 0);
    expect(res.written).toBe(bundled.length);
  });
});
