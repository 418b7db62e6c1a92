import { describe, expect, it } from 'vitest';
import { serviceMonthTallyDoc } from '@sync/schema/documents';
import { generateDemoCenter } from '@/domain/demo';
import { tallyOf } from '@/domain/tally';
import { sessionsOf } from './report';
import { sameServiceCounts, serviceMonthTalliesOf, serviceMonthTally } from './serviceMonthTally';

const pinHash = { alg: 'PBKDF2-SHA256', iterations: 10_000, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', hash: 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=' } as const;
const demo = generateDemoCenter({ centerId: 'qingshan', seed: 7, children: 14, from: '2026-10-01', to: '2026-11-30', deviceId: 'k', pinHash });
const sessions = demo.activities.map(tallyOf);
const AT = '2026-11-30T18:00:00+08:00';

describe('serviceMonthTally', () => {
  it('counts a month’s sessions, minutes and consenting attendances by type, provider kind and group, and nothing about a child', () => {
    const t = serviceMonthTally(sessions, 'qingshan', '2026-10', 'k', AT);
    expect(t).toMatchObject({ _id: 'stally:qingshan:2026-10', type: 'serviceMonthTally', centerId: 'qingshan', month: '2026-10' });
    expect(serviceMonthTallyDoc.parse(t)).toEqual(t);
    const oct = demo.activities.filter((a) => a.date.startsWith('2026-10'));
    expect(oct.length).toBeGreaterThan(5);
    // Every cell checked against the sessions themselves (counted here, not by the module).
    const cells = new Set(oct.map((a) => `${a.serviceType}|${a.providerKind}`));
    expect(t.cells).toHaveLength(cells.size);
    for (const c of t.cells) {
      const these = oct.filter((a) => a.serviceType === c.serviceType && a.providerKind === c.providerKind);
      expect(c.sessions).toBe(these.length);
      expect(c.minutes).toBe(these.reduce((m, a) => m + a.durationMin, 0));
      for (const g of c.byGroup) expect(g.attendances, `${c.serviceType} ${g.group}`).toBe(these.flatMap((a) => a.participants.filter((p) => p.snapshot.countyOk && p.snapshot.group === g.group)).length);
      expect(c.byGroup.reduce((n, g) => n + g.attendances, 0)).toBe(these.flatMap((a) => a.participants.filter((p) => p.snapshot.countyOk)).length);
    }
    // A child without county-statistics consent takes part but is not counted (the session still is).
    const one = oct[0]!;
    const withOut = { ...one, participants: [...one.participants, { childId: '01JCDEFGHJKMNPQRSTVWXYZ0AA', snapshot: { ...one.participants[0]!.snapshot, countyOk: false } }] };
    const mixed = serviceMonthTally([tallyOf(withOut)], 'qingshan', '2026-10', 'k', AT);
    expect(mixed.cells[0]!.sessions).toBe(1);
    expect(mixed.cells[0]!.byGroup.reduce((n, g) => n + g.attendances, 0)).toBe(one.participants.filter((p) => p.snapshot.countyOk).length);
    const text = JSON.stringify(t);
    for (const a of oct) for (const p of a.participants) expect(text).not.toContain(p.childId);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}\b(?!T)/);
  });

  it('is the same whatever order the sessions come in, and recounting is not incrementing', () => {
    const a = serviceMonthTally(sessions, 'qingshan', '2026-11', 'k', AT);
    const b = serviceMonthTally([...sessions].reverse(), 'qingshan', '2026-11', 'other-kiosk', '2026-12-01T08:00:00+08:00');
    expect(sameServiceCounts(a, b)).toBe(true);
    expect(b.cells).toEqual(a.cells);
    // A session counted twice (a re-sync delivering it again would not: ids are unique) — shown to change the counts.
    expect(sameServiceCounts(a, serviceMonthTally([...sessions, sessions.find((s) => s.date.startsWith('2026-11'))!], 'qingshan', '2026-11', 'k', AT))).toBe(false);
  });

  it('has one tally per month with sessions, and an empty one for a month whose sessions were all withdrawn', () => {
    expect(serviceMonthTalliesOf(sessions, 'qingshan', 'k', AT).map((t) => t.month)).toEqual(['2026-10', '2026-11']);
    expect(serviceMonthTally([], 'qingshan', '2026-11', 'k', AT).cells).toEqual([]);
    expect(() => serviceMonthTally(sessions, 'QingShan', '2026-11', 'k', AT)).toThrow(/not a service tally/);
  });
});

describe('sessionsOf (a month_sessions value)', () => {
  it('reads [sessions, minutes] from the server, and _stats of minutes from a device cache written before DDOC_VERSION 8', () => {
    expect(sessionsOf([3, 150])).toBe(3);
    expect(sessionsOf({ count: 4, sum: 200, min: 30, max: 60 })).toBe(4);
  });
});
