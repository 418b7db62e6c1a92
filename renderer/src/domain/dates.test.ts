import { describe, expect, it } from 'vitest';
import { homeDate } from './dates';

describe('the kiosk home date line', () => {
  it('reads as Intl writes it, in both languages, on every day of a year', () => {
    const options = { month: 'long', day: 'numeric', weekday: 'long' } as const;
    for (const locale of ['zh-CN', 'en']) {
      const intl = new Intl.DateTimeFormat(locale, options);
      const intlYear = new Intl.DateTimeFormat(locale, { ...options, year: 'numeric' });
      for (let i = 0; i < 366; i++) {
        const d = new Date(2028, 0, 1 + i, 15, 30);
        expect(homeDate(d, locale), `${locale} ${d.toDateString()}`).toBe(intl.format(d));
        expect(homeDate(d, locale, true), `${locale} ${d.toDateString()}`).toBe(intlYear.format(d));
      }
    }
  });
});
