import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import zh from '../i18n/zh-CN';
import en from '../i18n/en';
import { isIndeterminate, progressWords, useProgress, type Progress } from './progress';

const tFor = (locale: 'zh-CN' | 'en') => {
  const i18n = createI18n({ legacy: false, locale, messages: { 'zh-CN': zh, en } });
  return (k: string, v?: Record<string, unknown>) => i18n.global.t(k, v ?? {});
};

describe('progress of a long operation (issue 11)', () => {
  it('says how far it got in words, numbers grouped, in both languages', () => {
    const p: Progress = { step: 'write', done: 3200, total: 15703 };
    expect(progressWords(p, tFor('zh-CN'), 'zh-CN')).toBe('已写入 3,200 / 15,703 条记录');
    expect(progressWords(p, tFor('en'), 'en')).toBe('3,200 of 15,703 records written');
    expect(progressWords({ step: 'read', done: 20_000, total: 15_703 }, tFor('zh-CN'), 'zh-CN')).toBe('已读取 15,703 / 15,703 条记录'); // never past the total
    for (const step of ['read', 'seal', 'open', 'check', 'write', 'save', 'rows', 'remove', 'export', 'find', 'store', 'months'] as const) {
      for (const locale of ['zh-CN', 'en'] as const) {
        const words = progressWords({ step, done: 1, total: 2 }, tFor(locale), locale);
        expect(words, `${locale} ${step}`).not.toMatch(/everyday\d\./);
        expect(words).not.toMatch(/undefined|NaN|\{/);
      }
    }
    expect(isIndeterminate({ step: 'seal', done: 0, total: 9 })).toBe(true);
    expect(isIndeterminate({ step: 'write', done: 0, total: 9 })).toBe(false);
  });

  it('runs one operation at a time: a second press while busy starts nothing; the line clears at the end, also after a failure', async () => {
    const { busy, progress, run } = useProgress();
    let release!: () => void;
    let started = 0;
    const first = run(async (report) => {
      started++;
      report({ step: 'write', done: 10, total: 100 });
      await new Promise<void>((r) => (release = r));
      return 'first';
    });
    expect(busy.value).toBe(true);
    expect(progress.value).toEqual({ step: 'write', done: 10, total: 100 });
    const second = await run(async () => {
      started++;
      return 'second';
    });
    expect(second).toBeUndefined();
    release();
    expect(await first).toBe('first');
    expect(started).toBe(1);
    expect(busy.value).toBe(false);
    expect(progress.value).toBeNull();
    await expect(run(async (report) => {
      report({ step: 'read', done: 1, total: 2 });
      throw new Error('disk');
    })).rejects.toThrow('disk');
    expect(busy.value).toBe(false);
    expect(progress.value).toBeNull();
  });
});
