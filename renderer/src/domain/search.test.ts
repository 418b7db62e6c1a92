import { describe, expect, it } from 'vitest';
import { searchRoster } from './search';
import { indexEntry, namePinyin } from './pinyin';

const entries = [
  indexEntry('a', '张小明', '小明', 3),
  indexEntry('b', '曾思琪', '思琪', 5),
  indexEntry('c', '王浩然', '浩然', 3),
  indexEntry('d', '张欣怡', '欣怡', 7),
];

describe('roster search', () => {
  it('reads names as surnames', () => {
    expect(namePinyin('张小明')).toEqual({ initials: 'zxm', spelled: 'zhangxiaoming', family: 'zhang' });
    expect(namePinyin('单田芳').family).toBe('shan');
    expect(namePinyin('曾思琪').initials).toBe('zsq');
    expect(namePinyin('曾思琪').spelled.startsWith('zeng')).toBe(true);
  });
  it('finds by pinyin initials, full pinyin, characters and grade', () => {
    expect(searchRoster(entries, 'zxm').map((e) => e.childId)).toEqual(['a']);
    expect(searchRoster(entries, 'ZX').map((e) => e.childId)).toEqual(['a', 'd']);
    expect(searchRoster(entries, 'zhang').map((e) => e.childId)).toEqual(['a', 'd']);
    expect(searchRoster(entries, '浩').map((e) => e.childId)).toEqual(['c']);
    expect(searchRoster(entries, '3').map((e) => e.childId)).toEqual(['a', 'c']);
    expect(searchRoster(entries, '三年级').map((e) => e.childId)).toEqual(['a', 'c']);
    expect(searchRoster(entries, '  ')).toHaveLength(4);
    expect(searchRoster(entries, 'qqq')).toHaveLength(0);
  });

  it('finds a child by a guardian phone typed with any spacing, only when the caller allows it', () => {
    const withPhones = [indexEntry('a', '张小明', '小明', 3, ['138 0013 8000', '']), indexEntry('b', '曾思琪', '思琪', 5, ['+86 139-1234-5678']), indexEntry('c', '王浩然', '浩然', 3, [])];
    const staff = { byPhone: true };
    for (const typed of ['13800138000', '138 0013 8000', '138-0013-8000', '(138)00138000', '+86 138 0013 8000', '0013 8000'])
      expect(searchRoster(withPhones, typed, staff).map((e) => e.childId), typed).toEqual(['a']);
    expect(searchRoster(withPhones, '13912345678', staff).map((e) => e.childId)).toEqual(['b']);
    expect(searchRoster(withPhones, '1381', staff)).toHaveLength(0);
    // A short number stays a grade; without the permission a phone number finds nobody.
    expect(searchRoster(withPhones, '3', staff).map((e) => e.childId)).toEqual(['a', 'c']);
    expect(searchRoster(withPhones, '13800138000')).toHaveLength(0);
  });
});
