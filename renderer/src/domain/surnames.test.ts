// The surname table that orders the kiosk home before the pinyin dictionary is loaded (issue 19):
// it must read every family name exactly as the dictionary does, or the home would change order.
import { describe, expect, it } from 'vitest';
import { familyReading, knownSurnames } from './surnames';
import { namePinyin } from './pinyin';
import { DEMO_SURNAMES } from './demo';

const GIVEN = ['小明', '思琪', '浩然', '欣怡', '长江', '乐', '子涵', '一'];

describe('familyReading', () => {
  it('reads every surname of its table as namePinyin reads it at the head of a name', () => {
    const surnames = knownSurnames();
    expect(surnames.length).toBeGreaterThan(400);
    const wrong = surnames.flatMap((s) => GIVEN.map((g) => s + g)).filter((name) => familyReading(name) !== namePinyin(name).family);
    expect(wrong).toEqual([]);
  });

  it('reads a family name as a family name, not as the character alone (曾 zēng, 单 shàn, 区 ōu, 仇 qiú, 解 xiè)', () => {
    expect(['曾思琪', '单田芳', '区小梅', '仇家豪', '解晓东', '朴星', '盖文'].map(familyReading)).toEqual(['zeng', 'shan', 'ou', 'qiu', 'xie', 'piao', 'ge']);
    expect(familyReading('吕小雨')).toBe('lv');
  });

  it('knows every family name of the bench and demo centers', () => {
    expect([...DEMO_SURNAMES].filter((s) => familyReading(`${s}小明`) === null)).toEqual([]);
  });

  it('answers null where only the dictionary can tell: an unknown surname, a compound surname read otherwise, a name not in Chinese', () => {
    expect(familyReading('邗小明')).toBeNull();
    expect(familyReading('万俟小明')).toBeNull();
    expect(namePinyin('万俟小明').family).toBe('mo');
    expect(familyReading('Anna')).toBeNull();
    expect(familyReading('')).toBeNull();
  });

  it('reads a name with spaces around it as the name', () => {
    expect(familyReading(' 张小明 ')).toBe('zhang');
  });
});
