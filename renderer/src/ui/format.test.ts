// Dates as the app's language writes them, whatever the system's language (walk12).
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatClock, formatDateTime, formatDateValue } from './format';

const RENDERER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('dates in the chosen language, not the system’s', () => {
  it('writes an input’s date, month and time in Chinese for zh-CN and in English for en', () => {
    expect(formatDateValue('2026-11-30', 'date', 'zh-CN')).toBe('2026年11月30日周一');
    expect(formatDateValue('2026-11', 'month', 'zh-CN')).toBe('2026年11月');
    expect(formatDateValue('16:30', 'time', 'zh-CN')).toBe('16:30');
    expect(formatDateValue('2026-11-30', 'date', 'en')).toBe('Mon, November 30, 2026');
    expect(formatDateValue('2026-11', 'month', 'en')).toBe('November 2026');
    // 24-hour in English too: the center's day, not 04:30 PM.
    expect(formatDateValue('16:30', 'time', 'en')).toBe('16:30');
  });

  it('shows nothing for an empty or impossible value rather than another day', () => {
    for (const [v, k] of [['', 'date'], [null, 'date'], ['2026-02-30', 'date'], ['2026-13', 'month'], ['25:00', 'time'], ['11/30/2026', 'date']] as const) expect(formatDateValue(v, k, 'zh-CN'), String(v)).toBe('');
  });

  it('writes a moment with its date and time', () => {
    const at = new Date(2026, 10, 30, 16, 5);
    expect(formatDateTime(at, 'zh-CN')).toBe('2026/11/30 16:05');
    expect(formatDateTime(at, 'en')).toBe('Nov 30, 2026, 16:05');
    expect(formatDateTime('not a date', 'zh-CN')).toBe('');
    expect(formatClock(new Date(2026, 10, 30, 16, 5), 'zh-CN')).toBe('16:05');
    expect(formatClock(new Date(2026, 10, 30, 9, 5), 'en')).toBe('09:05');
    expect(formatClock(new Date(Number.NaN), 'en')).toBe('');
  });
});

describe('no page writes a date by itself', () => {
  const files = (readdirSync(RENDERER, { recursive: true }) as string[])
    .filter((f) => /\.(ts|vue)$/.test(f) && !/\.test\.ts$/.test(f))
    .map((f) => ({ file: f, lines: readFileSync(path.join(RENDERER, f), 'utf8').split('\n') }));
  const code = (line: string) => !/^\s*(\*|\/\/|\/\*)/.test(line);

  it('every date and time is formatted through ui/format.ts or vue-i18n (the app’s language), never the system’s', () => {
    const found: string[] = [];
    for (const { file, lines } of files) {
      if (file === path.join('ui', 'format.ts')) continue;
      lines.forEach((line, i) => {
        if (code(line) && /toLocale(Date|Time)String\(|Intl\.DateTimeFormat\(|new Date\([^)]*\)\.toLocaleString\(|\.toLocaleString\(\s*\)/.test(line)) found.push(`${file}:${i + 1}`);
      });
    }
    expect(found).toEqual([]);
  });

  it('every date, month and time input is a DateField (a native one is written in the system’s language)', () => {
    const found: string[] = [];
    for (const { file, lines } of files) {
      if (!file.endsWith('.vue') || file === path.join('ui', 'DateField.vue')) continue;
      lines.forEach((line, i) => {
        if (/<input\b[^>]*type="(date|time|month|datetime-local|week)"/.test(line)) found.push(`${file}:${i + 1}`);
      });
    }
    expect(found).toEqual([]);
  });
});
