// The audit log in words, in both languages (issue 11): no raw action code or id reaches the screen.
import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import zhCN from '../../i18n/zh-CN';
import en from '../../i18n/en';
import { auditText } from './auditText';

const STAFF = 'staff:01M8R0000000000000000000AB';
const CHILD = '01M8R0000000000000000000CD';
const names = { staff: (id: string) => (id === STAFF ? '陈老师' : null), child: (id: string) => (id === CHILD ? '王小明' : null) };
const ENTRIES = [
  { action: 'unlock', detail: 'admin' },
  { action: 'lock', detail: 'inactivity' },
  { action: 'pin-refused', detail: 'failure 3' },
  { action: 'staff-add', detail: `${STAFF} teacher` },
  { action: 'pin-reset', detail: STAFF },
  { action: 'view-child', detail: CHILD },
  { action: 'view-screening-result', detail: `screening:01M8R0000000000000000000EF child:${CHILD}` },
  { action: 'kiosk-code-failed', detail: CHILD },
  { action: 'service-edit', detail: 'activity:01M8R0000000000000000000GH' },
  { action: 'bundle-export', detail: '15703 unacknowledged' },
  { action: 'some-future-action', detail: 'x:y' },
  { action: 'erase-child', detail: `${CHILD} guardian-request 42` },
  { action: 'retention', detail: '310 2024-09-01' },
  { action: 'register-checkout-all', detail: '2026-11-30 28' },
];

describe('the audit log in words', () => {
  for (const locale of ['zh-CN', 'en'] as const) {
    it(`reads as sentences in ${locale}, with names and without codes`, () => {
      const i18n = createI18n({ legacy: false, locale, messages: { 'zh-CN': zhCN, en } });
      const t = (k: string, v?: Record<string, unknown>) => i18n.global.t(k, v ?? {});
      const texts = ENTRIES.map((e) => auditText(e, t, names));
      for (const [i, text] of texts.entries()) {
        expect(text, ENTRIES[i]!.action).not.toMatch(/[a-z]+-[a-z]+|staff:|child:|activity:|01M8R|everyday\.audit|\bunlock\b|\badmin\b|failure/);
        expect(text.length).toBeGreaterThan(2);
      }
      expect(texts[3]).toContain('陈老师');
      expect(texts[5]).toContain('王小明');
      if (locale === 'zh-CN') {
        expect(texts[0]).toBe('用 PIN 解锁（管理员）');
        expect(texts[2]).toBe('PIN 输错了（连续第 3 次）');
        expect(texts[9]).toContain('15703');
        expect(texts[11]).toBe('彻底删除了一个孩子的全部资料（42 条），并登记了服务器清除请求');
        expect(texts[12]).toBe('从本机移除了 310 条 2024-09-01 以前的旧记录');
        expect(texts[13]).toBe('在今日点名里一起签退了 28 个孩子（2026-11-30）');
      } else {
        expect(texts[2]).toBe('Wrong PIN (3 in a row)');
        expect(texts[13]).toBe('Checked out 28 children together in the register (2026-11-30)');
      }
    });
  }
});
