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
    expect(namePinyin('张小明')).toEqual({ initials: 'zxm', spelled: 'zhangxiaoming' });
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
});
