import { describe, expect, it } from 'vitest';
import { moodTallyDoc } from '@sync/schema/documents';
import { generateDemoCenter } from '@/domain/demo';
import { moodTalliesOf, moodTally, sameMoodCounts, type CountedMood } from './moodTally';

const snap = (group: CountedMood['snapshot']['group'], countyOk = true): CountedMood['snapshot'] => ({ group, ageBand: '9-11', gender: 'female', countyOk });
const mood = (date: string, face: number | null, group: CountedMood['snapshot']['group'] = 'migrant', countyOk = true): CountedMood => ({ date, face, snapshot: snap(group, countyOk) });
const AT = '2026-10-31T18:00:00+08:00';

describe('a mood tally', () => {
  it('counts the month’s check-ins by group and face, with consent and a face only', () => {
    const moods = [
      mood('2026-10-05', 5), mood('2026-10-06', 5), mood('2026-10-06', 1), mood('2026-10-07', 3, 'left-behind-both-away'),
      mood('2026-10-08', null), // question skipped
      mood('2026-10-08', 4, 'migrant', false), // no county-statistics consent at the time
      mood('2026-09-30', 2), mood('2026-11-01', 2), // other months
    ];
    const t = moodTally(moods, 'qingshan', '2026-10', 'k', AT);
    expect(t).toMatchObject({ _id: 'mtally:qingshan:2026-10', type: 'moodTally', centerId: 'qingshan', month: '2026-10' });
    // Groups in their fixed order (CHILD_GROUPS), so two kiosks write the same document.
    expect(t.byGroup).toEqual([{ group: 'left-behind-both-away', faces: [0, 0, 1, 0, 0] }, { group: 'migrant', faces: [1, 0, 0, 0, 2] }]);
    expect(moodTallyDoc.safeParse(t).success).toBe(true);
    expect(JSON.stringify(t)).not.toMatch(/childId|2026-10-0\d/);
  });

  it('is the same whatever order the check-ins come in, so two kiosks and a re-sync agree', () => {
    const demo = generateDemoCenter({
      centerId: 'qingshan', seed: 9, children: 20, from: '2026-10-01', to: '2026-11-15', deviceId: 'k',
      pinHash: { alg: 'PBKDF2-SHA256', iterations: 10_000, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=' },
    });
    const a = moodTalliesOf(demo.moods, 'qingshan', 'kiosk-a', AT);
    const b = moodTalliesOf([...demo.moods].reverse(), 'qingshan', 'kiosk-b', '2026-11-15T09:00:00+08:00');
    expect(a.map((t) => t.month)).toEqual(['2026-10', '2026-11']);
    expect(a.every((t, i) => sameMoodCounts(t, b[i]!))).toBe(true);
    // Every counted check-in is in exactly one cell.
    const counted = demo.moods.filter((m) => m.face !== null && m.snapshot.countyOk).length;
    expect(a.flatMap((t) => t.byGroup.flatMap((g) => g.faces)).reduce((s, n) => s + n, 0)).toBe(counted);
    // One check-in undone: the recount differs by exactly that one.
    const undone = demo.moods.find((m) => m.face !== null && m.snapshot.countyOk && m.date.startsWith('2026-10'))!;
    const again = moodTally(demo.moods.filter((m) => m !== undone), 'qingshan', '2026-10', 'kiosk-a', AT);
    expect(sameMoodCounts(again, a[0]!)).toBe(false);
    const cell = (t: typeof again) => t.byGroup.find((g) => g.group === undone.snapshot.group)?.faces[undone.face! - 1] ?? 0;
    expect(cell(a[0]!) - cell(again)).toBe(1);
  });

  it('refuses a malformed month', () => {
    expect(() => moodTally([], 'qingshan', '2026-13', 'k', AT)).toThrow(/not a mood tally/);
  });
});
