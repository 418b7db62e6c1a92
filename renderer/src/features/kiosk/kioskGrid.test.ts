// Finding yourself on a big roster (issue 11): the family-name step of the kiosk grid.
import { describe, expect, it } from 'vitest';
import type { RosterEntry } from '../../app/roster';
import { indexEntry } from '@/domain/pinyin';
import { familyInitial, kioskGroups } from './kioskGrid';

function entry(childId: string, fullName: string, grade: number): RosterEntry {
  return { childId, child: { grade } as RosterEntry['child'], priv: { fullName, displayName: fullName } as RosterEntry['priv'], consents: [], search: indexEntry(childId, fullName, fullName, grade) };
}

describe('the family-name step of the kiosk', () => {
  it('groups children by the first character of the full name, in pinyin order, even when the tile shows a given name only', () => {
    const roster = [entry('a', '张小明', 3), entry('b', '王浩', 2), entry('c', '陈思', 1), entry('d', '张丽', 1)];
    const groups = kioskGroups(roster, 'check-in', new Set());
    expect(groups.map((g) => g.initial)).toEqual(['陈', '王', '张']);
    expect(groups[2]!.entries.map((e) => e.childId)).toEqual(['d', 'a']);
    expect(familyInitial({ ...entry('x', '', 1), priv: null })).toBe('?');
  });

  it('orders family names by their reading as a family name (曾 zēng, 单 shàn), the same syllable by character, the unknown last', () => {
    const roster = [entry('z1', '张伟', 1), entry('c1', '曾小红', 1), entry('s1', '单明', 1), entry('c2', '陈思', 1), entry('z2', '章乐', 1), entry('q', '', 1), entry('s2', '沙一', 1)];
    const groups = kioskGroups([...roster.slice(0, 5), { ...roster[5]!, priv: null }, roster[6]!], 'check-in', new Set(), 18);
    // chen · sha · shan · zeng · zhang (张 U+5F20 before 章 U+7AE0) · ?
    expect(groups.map((g) => g.initial)).toEqual(['陈', '沙', '单', '曾', '张', '章', '?']);
  });

  it('orders the children of one family name by grade, then by pinyin', () => {
    const roster = [entry('b', '李白', 2), entry('d', '李丹', 1), entry('a', '李安', 2)];
    expect(kioskGroups(roster, 'check-in', new Set())[0]!.entries.map((e) => e.childId)).toEqual(['d', 'a', 'b']);
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
