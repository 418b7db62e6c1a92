// @vitest-environment happy-dom
// Two kiosks of one center, as two real PouchDB databases (indexeddb adapter over
// fake-indexeddb), each with part of a month's mood check-ins, write the month's mood
// tally offline, then replicate both ways: the conflict on the one tally document is
// settled by the usual rule, and the next recount on each kiosk gives the full counts.
import { describe, expect, it } from 'vitest';
import { openCenterDb } from '../storage/pouch/createPouch';
import { PouchDocStore } from '../storage/pouch/PouchDocStore';
import { generateDemoCenter } from '@/domain/demo';
import { moodTally, sameMoodCounts } from '@/domain/county/moodTally';
import { conflictedIds, resolveConflicts } from '@sync/client/conflicts';
import type { MoodTallyDoc } from '@sync/schema/documents';
import { writeMoodTallies } from './countyTallies';

const pinHash = { alg: 'PBKDF2-SHA256', iterations: 10_000, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=' } as const;

describe('two kiosks of one center write the same month’s mood tally', () => {
  it('conflict, settle by the latest, and converge on the full counts at the next recount', async () => {
    const demo = generateDemoCenter({ centerId: 'qingshan', seed: 7, children: 12, from: '2026-11-02', to: '2026-11-20', deviceId: 'k', pinHash });
    const children = [...new Set(demo.moods.map((m) => m.childId))];
    const half = new Set(children.slice(0, children.length / 2));
    const dbA = openCenterDb(`mood-a-${Math.random()}`);
    const dbB = openCenterDb(`mood-b-${Math.random()}`);
    // Offline: each kiosk has the check-ins made on it.
    await dbA.bulkDocs(demo.moods.filter((m) => half.has(m.childId)));
    await dbB.bulkDocs(demo.moods.filter((m) => !half.has(m.childId)));
    const a = new PouchDocStore(dbA);
    const b = new PouchDocStore(dbB);
    const id = 'mtally:qingshan:2026-11';
    expect(await writeMoodTallies(a, 'qingshan', 'kiosk-a', ['2026-11'], new Date('2026-11-20T17:00:00+08:00'))).toBe(1);
    expect(await writeMoodTallies(b, 'qingshan', 'kiosk-b', ['2026-11'], new Date('2026-11-20T17:05:00+08:00'))).toBe(1);
    const full = moodTally(demo.moods, 'qingshan', '2026-11', 'x', '2026-11-20T18:00:00+08:00');
    const total = (t: MoodTallyDoc) => t.byGroup.flatMap((g) => g.faces).reduce((s, n) => s + n, 0);
    expect(total((await a.get('moodTally', id))!) + total((await b.get('moodTally', id))!)).toBe(total(full));

    // Back online: both ways. One document, two branches.
    await dbA.replicate.to(dbB);
    await dbB.replicate.to(dbA);
    expect(await conflictedIds(dbA)).toEqual([id]);
    const settled = await resolveConflicts(dbA, id);
    expect(settled?.rule).toBe('latest-wins');
    expect((settled?.result as MoodTallyDoc).deviceId).toBe('kiosk-b');
    expect(await conflictedIds(dbA)).toEqual([]);

    // The next recount on each kiosk (each now has every check-in) writes the full counts; the two new
    // revisions differ only in who wrote them and when, and settle without anything to review.
    await dbA.replicate.to(dbB);
    await resolveConflicts(dbB, id);
    expect(await writeMoodTallies(a, 'qingshan', 'kiosk-a', ['2026-11'], new Date('2026-11-20T17:20:00+08:00'))).toBe(1);
    expect(await writeMoodTallies(b, 'qingshan', 'kiosk-b', ['2026-11'], new Date('2026-11-20T17:25:00+08:00'))).toBe(1);
    await dbA.replicate.to(dbB);
    await dbB.replicate.to(dbA);
    const again = await resolveConflicts(dbA, id);
    expect(again?.silent).toBe(true);
    for (const kiosk of [a, b]) {
      await dbA.replicate.to(dbB);
      expect(sameMoodCounts((await kiosk.get('moodTally', id))!, full)).toBe(true);
    }
  });
});
