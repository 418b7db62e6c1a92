import { describe, expect, it } from 'vitest';
import { MemoryDocStore } from '../storage/memory/MemoryDocStore';
import { demoDocuments, generateDemoCenter } from '@/domain/demo';
import { moodTallyMonths, writeCenterTallies, writeMoodTallies, writeServiceTallies } from './countyTallies';
import { sameServiceCounts } from '@/domain/county/serviceMonthTally';
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

describe('the kiosk writes its service tallies', () => {
  it('recounted from the month’s sessions: unchanged ones not written again, an edited or withdrawn session recounted, two kiosks alike', async () => {
    const demo = generateDemoCenter({ centerId: 'qingshan', seed: 5, children: 10, from: '2026-10-01', to: '2026-11-20', deviceId: 'k', pinHash });
    // The kiosks start from the sessions alone (no tallies yet), as after an update from a version that wrote none.
    const working = demoDocuments(demo).filter((d) => d.type !== 'serviceMonthTally');
    const kioskA = new MemoryDocStore();
    const kioskB = new MemoryDocStore();
    await kioskA.bulkCreate(working);
    await kioskB.bulkCreate(working);
    const now = new Date('2026-11-20T18:00:00+08:00');
    const sum = (t: { cells: readonly { sessions: number; minutes: number; byGroup: readonly { attendances: number }[] }[] }) => [
      t.cells.reduce((n, c) => n + c.sessions, 0),
      t.cells.reduce((n, c) => n + c.minutes, 0),
      t.cells.reduce((n, c) => n + c.byGroup.reduce((m, g) => m + g.attendances, 0), 0),
    ];
    const truth = (sessions: typeof demo.activities) => [
      sessions.length,
      sessions.reduce((n, a) => n + a.durationMin, 0),
      sessions.reduce((n, a) => n + a.participants.filter((p) => p.snapshot.countyOk).length, 0),
    ];
    // September has no sessions in this center: no tally for it.
    expect(await writeServiceTallies(kioskA, 'qingshan', 'a', ['2026-09', '2026-10', '2026-11'], now)).toBe(2);
    expect(await kioskA.get('serviceMonthTally', 'stally:qingshan:2026-09')).toBeNull();
    // Recounted again with nothing changed: nothing written (never incremented).
    expect(await writeServiceTallies(kioskA, 'qingshan', 'a', ['2026-10', '2026-11', '2026-11'], new Date('2026-11-20T18:10:00+08:00'))).toBe(0);
    const nov = demo.activities.filter((a) => a.date.startsWith('2026-11'));
    expect(nov.length).toBeGreaterThan(2);
    expect(sum((await kioskA.get('serviceMonthTally', 'stally:qingshan:2026-11'))!)).toEqual(truth(nov));
    expect(sum((await kioskA.get('serviceMonthTally', 'stally:qingshan:2026-10'))!)).toEqual(truth(demo.activities.filter((a) => a.date.startsWith('2026-10'))));
    // One session withdrawn and another made longer: the month is counted again from what is there.
    const [gone, longer] = [nov[0]!, nov[1]!];
    for (const k of [kioskA, kioskB]) {
      await k.remove('activity', gone._id);
      await k.update('activity', longer._id, (cur) => cur && { ...cur, durationMin: cur.durationMin + 30 });
    }
    expect(await writeServiceTallies(kioskA, 'qingshan', 'a', ['2026-11'], now)).toBe(1);
    const after = (await kioskA.get('serviceMonthTally', 'stally:qingshan:2026-11'))!;
    const edited = nov.filter((a) => a !== gone).map((a) => (a === longer ? { ...a, durationMin: a.durationMin + 30 } : a));
    expect(sum(after)).toEqual(truth(edited));
    // Another kiosk of the center with the same sessions writes the same counts (a conflict between the two is bookkeeping only).
    await writeServiceTallies(kioskB, 'qingshan', 'b', ['2026-11'], new Date('2026-11-20T19:00:00+08:00'));
    const fromB = (await kioskB.get('serviceMonthTally', 'stally:qingshan:2026-11'))!;
    expect(sameServiceCounts(fromB, after)).toBe(true);
    expect(fromB.deviceId).toBe('b');
  });
});
