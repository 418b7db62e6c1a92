// Finding yourself on a big roster (issue 11): the family-name step of the kiosk grid.
import { describe, expect, it } from 'vitest';
import type { RosterEntry } from '../../app/roster';
import { familyInitial, kioskGroups } from './kioskGrid';

function entry(childId: string, fullName: string, grade: number): RosterEntry {
  return { childId, child: { grade } as RosterEntry['child'], priv: { fullName, displayName: fullName } as RosterEntry['priv'], consents: [], search: {} as RosterEntry['search'] };
}

describe('the family-name step of the kiosk', () => {
  it('groups children by the first character of the full name, in pinyin order, even when the tile shows a given name only', () => {
    const roster = [entry('a', '张小明', 3), entry('b', '王浩', 2), entry('c', '陈思', 1), entry('d', '张丽', 1)];
    const groups = kioskGroups(roster, 'check-in', new Set());
    expect(groups.map((g) => g.initial)).toEqual(['陈', '王', '张']);
    expect(groups[2]!.entries.map((e) => e.childId)).toEqual(['d', 'a']);
    expect(familyInitial({ ...entry('x', '', 1), priv: null })).toBe('?');
  });

  it('puts the children expected now (not yet here, for check-in) first in their group', () => {
    const roster = [entry('a', '李一', 1), entry('b', '李二', 2), entry('c', '李三', 3)];
    const groups = kioskGroups(roster, 'check-in', new Set(['a', 'b']));
    expect(groups[0]!.entries.map((e) => e.childId)).toEqual(['c', 'a', 'b']);
  });

  it('splits a family name too common for one screen by grade, then into parts, so no group is bigger than a screen', () => {
    const roster = [
      ...Array.from({ length: 25 }, (_, i) => entry(`w1-${i}`, `王${i}`, 1)),
      ...Array.from({ length: 5 }, (_, i) => entry(`w2-${i}`, `王二${i}`, 2)),
      entry('z', '赵一', 1),
    ];
    const groups = kioskGroups(roster, 'check-in', new Set(), 18);
    expect(groups.map((g) => [g.initial, g.grade, g.part, g.entries.length])).toEqual([
      ['王', 1, 1, 18],
      ['王', 1, 2, 7],
      ['王', 2, null, 5],
      ['赵', null, null, 1],
    ]);
    expect(new Set(groups.flatMap((g) => g.entries.map((e) => e.childId))).size).toBe(roster.length);
  });
});
