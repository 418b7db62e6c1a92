import { describe, expect, it } from 'vitest';
import { generateDemoCenter } from '@/domain/demo';
import { consentOn } from '@/domain/consent';
import { generateCoverageCode } from '@/domain/county/coverage';
import { MemoryDocStore } from '../storage/memory/MemoryDocStore';
import { writeCoverageKeys } from './coverageKeys';

const pinHash = { alg: 'PBKDF2-SHA256', iterations: 10_000, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=' } as const;
const NOW = new Date('2026-10-31T10:00:00+08:00');

describe('coverage keys on the kiosk', () => {
  it('writes one key per enrolled child with county-statistics consent, keeps them, and removes a leaver’s', async () => {
    const demo = generateDemoCenter({ centerId: 'qingshan', seed: 5, children: 12, from: '2026-10-01', to: '2026-10-31', deviceId: 'k', pinHash });
    const docs = new MemoryDocStore();
    expect((await docs.bulkCreate([demo.center, ...demo.staff, ...demo.children, ...demo.privates, ...demo.consents])).failed).toEqual([]);
    const code = generateCoverageCode();
    const expected = demo.children.filter((c) => {
      const id = c._id.slice('child:'.length);
      return !c.archived && c.leftOn === null && consentOn(demo.consents.filter((x) => x.childId === id), '2026-10-31')['county-stats'];
    });
    expect(expected.length).toBeGreaterThan(1);
    expect(expected.length).toBeLessThan(demo.children.length + 1);
    const first = await writeCoverageKeys(docs, 'qingshan', code, NOW);
    expect(first).toEqual({ written: expected.length, removed: 0, kept: 0 });
    const keys = await docs.list('coverage', 'cover:qingshan:');
    expect(keys).toHaveLength(expected.length);
    expect(JSON.stringify(keys)).not.toMatch(new RegExp([...demo.privates.map((p) => p.fullName), ...demo.children.map((c) => c._id.slice(6))].join('|')));
    // Nothing changed: nothing written again.
    expect(await writeCoverageKeys(docs, 'qingshan', code, NOW)).toEqual({ written: 0, removed: 0, kept: expected.length });
    // A child leaves: their key goes.
    await docs.update('child', expected[0]!._id, (c) => ({ ...c!, leftOn: '2026-10-30' }));
    expect(await writeCoverageKeys(docs, 'qingshan', code, NOW)).toMatchObject({ written: 0, removed: 1 });
    await expect(writeCoverageKeys(docs, 'qingshan', 'not a code', NOW)).rejects.toThrow(RangeError);
  });
});
