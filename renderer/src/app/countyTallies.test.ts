import { describe, expect, it } from 'vitest';
import { MemoryDocStore } from '../storage/memory/MemoryDocStore';
import { demoDocuments, generateDemoCenter } from '@/domain/demo';
import { moodTallyMonths, writeCenterTallies, writeMoodTallies } from './countyTallies';
import { sameMoodCounts } from '@/domain/county/moodTally';

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

describe('the kiosk writes its mood tallies', () => {
  it('recounted from the month’s check-ins: unchanged ones not written again, an undone check-in recounted, two kiosks alike', async () => {
    const demo = generateDemoCenter({ centerId: 'qingshan', seed: 5, children: 10, from: '2026-10-01', to: '2026-11-20', deviceId: 'k', pinHash });
    const kioskA = new MemoryDocStore();
    const kioskB = new MemoryDocStore();
    await kioskA.bulkCreate(demoDocuments(demo));
    await kioskB.bulkCreate(demoDocuments(demo));
    const now = new Date('2026-11-20T18:00:00+08:00');
    expect(moodTallyMonths(now, false)).toEqual(['2026-11']);
    expect(moodTallyMonths(now, true)).toEqual(['2026-09', '2026-10', '2026-11']);
    expect(moodTallyMonths(new Date('2026-09-03T12:00:00+08:00'), true)).toEqual(['2026-08', '2026-09']);
    // September has no check-ins in this center: no tally for it.
    expect(await writeMoodTallies(kioskA, 'qingshan', 'a', moodTallyMonths(now, true), now)).toBe(2);
    expect(await writeMoodTallies(kioskA, 'qingshan', 'a', moodTallyMonths(now, true), new Date('2026-11-20T18:10:00+08:00'))).toBe(0);
    const nov = (await kioskA.get('moodTally', 'mtally:qingshan:2026-11'))!;
    const counted = demo.moods.filter((m) => m.date.startsWith('2026-11') && m.face !== null && m.snapshot.countyOk);
    expect(nov.byGroup.flatMap((g) => g.faces).reduce((s, n) => s + n, 0)).toBe(counted.length);
    // A check-in undone: the month is counted again, one fewer.
    await kioskA.remove('mood', counted[0]!._id);
    expect(await writeMoodTallies(kioskA, 'qingshan', 'a', ['2026-11'], now)).toBe(1);
    const after = (await kioskA.get('moodTally', 'mtally:qingshan:2026-11'))!;
    expect(after.byGroup.flatMap((g) => g.faces).reduce((s, n) => s + n, 0)).toBe(counted.length - 1);
    // Another kiosk of the center with the same check-ins writes the same counts (so a conflict between the two is bookkeeping only).
    await kioskB.remove('mood', counted[0]!._id);
    await writeMoodTallies(kioskB, 'qingshan', 'b', ['2026-11'], new Date('2026-11-20T19:00:00+08:00'));
    expect(sameMoodCounts((await kioskB.get('moodTally', 'mtally:qingshan:2026-11'))!, after)).toBe(true);
    // A month without check-ins gets no tally.
    expect(await writeMoodTallies(kioskA, 'qingshan', 'a', ['2026-08'], now)).toBe(0);
    expect(await kioskA.get('moodTally', 'mtally:qingshan:2026-08')).toBeNull();
  });
});
