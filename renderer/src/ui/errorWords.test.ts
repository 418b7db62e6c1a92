import { describe, expect, it, vi } from 'vitest';
import { createI18n } from 'vue-i18n';
import zh from '../i18n/zh-CN';
import en from '../i18n/en';
import { errorKind, errorWords, WordsError } from './errorWords';
import { ConflictError, StorageFullError } from '../storage/ports';
import { InvalidDocumentError } from '@sync/schema/documents';
import { CenterKeyMissingError, TamperedCiphertextError, WrongRecoveryCodeError } from '@sync/crypto/centerKey';

describe('error words', () => {
  const cases: [unknown, string][] = [
    [new StorageFullError('the device storage is full: nothing was saved'), 'storageFull'],
    [Object.assign(new Error('QuotaExceededError: quota exceeded for origin'), { name: 'QuotaExceededError' }), 'storageFull'],
    [new CenterKeyMissingError('private:child:01JCDEFGHJKMNPQRSTVWXYZ012'), 'keyMissing'],
    [new TamperedCiphertextError('private:child:01JCDEFGHJKMNPQRSTVWXYZ012'), 'tampered'],
    [new WrongRecoveryCodeError('wrong code'), 'wrongCode'],
    [new ConflictError('child:01JCDEFGHJKMNPQRSTVWXYZ012'), 'conflict'],
    [new InvalidDocumentError('child:x', ['grade: Too big: expected number to be <=9']), 'invalid'],
    [new TypeError('Failed to fetch'), 'network'],
    [new Error('pouchdb: missing_stub {"status":412}'), 'other'],
    ['a thrown string', 'other'],
  ];
  it('says each failure in words, in Chinese and in English, never with the library message or a code', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    for (const locale of ['zh-CN', 'en'] as const) {
      const i18n = createI18n({ legacy: false, locale, messages: { 'zh-CN': zh, en } });
      const t = (k: string, v?: Record<string, unknown>) => i18n.global.t(k, v ?? {});
      for (const [e, kind] of cases) {
        expect(errorKind(e), String(e)).toBe(kind);
        const words = errorWords(e, t);
        expect(words).not.toContain('errorWords.');
        expect(words.length).toBeGreaterThan(10);
        const raw = e instanceof Error ? e.message : String(e);
        expect(words).not.toContain(raw);
        expect(words).not.toMatch(/[A-Z][a-z]+Error|status|stub|fetch|private:|01JC/);
        if (locale === 'zh-CN') expect(words).toMatch(/[\u4e00-\u9fff]/);
      }
    }
  });

  it("shows a page's own translated words as they are", () => {
    expect(errorWords(new WordsError('请选择谁来接王小明'), (k) => k)).toBe('请选择谁来接王小明');
  });
});
