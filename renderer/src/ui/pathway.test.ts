// The same-day pathway is data (i18n pathway.steps), reviewed against ../shared/INSTRUMENTS.md
// ("Same-day pathway"): every step and number there is here, in both languages.
import { describe, expect, it } from 'vitest';
import zhCN from '../i18n/zh-CN';
import en from '../i18n/en';

// From INSTRUMENTS.md: 120 or 110 if danger is immediate; national psychological help line 12356; youth line 12355.
const NUMBERS = ['120', '110', '12356', '12355'];

describe('the same-day pathway', () => {
  it.each([
    ['zh-CN', zhCN.pathway.steps, ['一个人', '私密', '社工或管理员', '监护人', '记录', '24–72 小时', '强制报告']],
    ['en', en.pathway.steps, ['alone', 'private', 'counsellor or administrator', 'guardian', 'Record', '24–72 hours', 'mandatory reporting']],
  ])('%s names every step and number of INSTRUMENTS.md, for a volunteer to follow', (_locale, steps, words) => {
    const text = steps.join('\n');
    for (const n of NUMBERS) expect(text).toContain(n);
    for (const w of words) expect(text).toContain(w);
    expect(steps).toHaveLength(zhCN.pathway.steps.length);
  });
});
