import { describe, expect, it } from 'vitest';
import { rawTextFindings } from './rawText';

describe('raw error or code text on screen', () => {
  it('finds library errors, stack lines, code words and i18n keys; lets words and typed addresses through', () => {
    const kinds = (text: string, lang = 'zh-CN', allow: (string | RegExp)[] = []) => rawTextFindings(text, lang, allow).map((f) => f.kind);
    expect(kinds('连不上服务器：Failed to fetch')).toEqual(['network error']);
    expect(kinds('TypeError: x is not a function\n    at foo (app.js:1:2)')).toEqual(expect.arrayContaining(['error text', 'error name', 'stack line']));
    expect(kinds('保存失败：[object Object]')).toEqual(['object']);
    expect(kinds('年龄 NaN 岁，undefined 年级，Invalid Date')).toEqual(['undefined', 'NaN', 'invalid date']);
    expect(kinds('服务器说：Unauthorized')).toEqual(['English status word']);
    expect(kinds('The server said: Unauthorized', 'en')).toEqual([]);
    expect(kinds('设置 settings.sync.notAKey')).toEqual(['i18n key']);
    expect(kinds('bundle.nothing')).toEqual(['i18n key']); // an existing key shown as itself
    expect(kinds('服务器地址 http://couchdb.county.gov.cn:5984 已保存')).toEqual([]);
    expect(kinds('已写入 3,200 / 15,703 条记录 · 保存到 tongxin-qingshan-20261130.tongxin')).toEqual([]);
    expect(kinds('Error: custom', 'zh-CN', ['Error: custom'])).toEqual([]);
  });
});
