import { describe, expect, it } from 'vitest';
import zhCN from './zh-CN';
import en from './en';

function keys(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) => (typeof v === 'object' && v !== null ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

describe('translations', () => {
  it('have the same keys in Chinese and English', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort());
  });
  it('have no empty strings', () => {
    for (const [k, v] of Object.entries(Object.fromEntries(keys(zhCN).map((k) => [k, k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], zhCN)]))))
      expect(v, k).not.toBe('');
  });
});
