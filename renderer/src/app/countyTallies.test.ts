import { describe, expect, it } from 'vitest';
import { MemoryDocStore } from '../storage/memory/MemoryDocStore';
import { demoDocuments, generateDemoCenter } from '@/domain/demo';
import { writeCenterTallies } from './countyTallies';

const pinHash = { alg: 'PBKDF2-SHA256', iterations: 10_000, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=' } as const;

describe('the kiosk writes its county tallies', () => {
  it('for the last and current month, the term and the year; unchanged ones are not written again', async () => {
    const demo = generateDemoCenter({ centerId: 'qingshan', seed: 5, children: 10, from: '2026-10-01', to: '2026-11-20', deviceId: 'k', pinHash });
    const docs = new MemoryDocStore();
    await docs.bulkCreate(demoDocuments(demo));
    const now = new Date('2026-11-20T18:00:00+08:00');
    expect(await writeCenterTallies(docs, demo.center, 'k', now)).toBe(4);
    const nov = await docs.get('centerTally', 'ctally:qingshan:2026-11');
    expect(nov?.byGroup.reduce((s, g) => s + g.enrolled, 0)).toBeGreaterThan(0);
    expect(nov?.staffActive).toBe(3);
    expect(nov?.volunteersActive).toBe(2);
    expect((await docs.list('centerTally', 'ctally:')).map((d) => d.period).sort()).toEqual(['2026', '2026-10', '2026-11', '2026-autumn']);
    expect(await writeCenterTallies(docs, demo.center, 'k', now)).toBe(0);
  });
});
