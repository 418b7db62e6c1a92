import { createI18n } from 'vue-i18n';
import zhCN from './zh-CN';
import en from './en';
import type { Locale } from '@sync/schema/vocab';

export type MessageSchema = typeof zhCN;

export const messages = { 'zh-CN': zhCN, en } satisfies Record<Locale, MessageSchema>;

export function createAppI18n(locale: Locale = 'zh-CN') {
  return createI18n<[MessageSchema], Locale, false>({
    legacy: false,
    locale,
    fallbackLocale: 'zh-CN',
    messages,
    datetimeFormats: {
      'zh-CN': { short: { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false } },
      en: { short: { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false } },
    },
    missingWarn: false,
    fallbackWarn: false,
  });
}

export type AppI18n = ReturnType<typeof createAppI18n>;
