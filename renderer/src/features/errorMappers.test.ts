/**
 * Every function that turns a failure into the words a page shows (issue 11: never a raw
 * message or code on screen), given a failure it does not know: an Error with a library's
 * message, a thrown string, undefined, a plain object, and PouchDB's `{status, name, message}`.
 * Each answers with a sentence of the locale's own (zh-CN and en), never the raw text, a code,
 * an i18n key or "undefined".
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createI18n } from 'vue-i18n';
import zh from '../i18n/zh-CN';
import en from '../i18n/en';
import { backupErrorWords, errorWords } from '../ui/errorWords';
import { bundleErrorWords } from './settings/bundleWords';
import { transferErrorWords } from './transfers/transferWords';
import { familyErrorWords, micProblemWords } from './family/familyWords';
import { joinErrorWords, setupErrorWords } from './setup/setupWords';
import { JoinError, type JoinProblem } from './setup/joinCenter';

type Locale = 'zh-CN' | 'en';
function words(locale: Locale) {
  const i18n = createI18n({ legacy: false, locale, messages: { 'zh-CN': zh, en }, missingWarn: false, fallbackWarn: false });
  return { t: (k: string, v?: Record<string, unknown>) => i18n.global.t(k, v ?? {}), te: (k: string) => i18n.global.te(k) };
}

const RAW = 'ECONNRESET socket hang up at PouchDB.bulkDocs';
const UNKNOWN: readonly [string, unknown][] = [
  ['an Error with a library message', new Error(RAW)],
  ['an Error whose message looks like a key', new Error('errors.unknown')],
  ["an Error whose message is one of the page's own keys", new Error('other')],
  ['…another', new Error('write')],
  ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'rows')")],
  ['a string', RAW],
  ['undefined', undefined],
  ['null', null],
  ['a plain object', { foo: 1, bar: [2] }],
  ['PouchDB-like', { status: 409, name: 'conflict', message: 'Document update conflict', error: true }],
  ['PouchDB-like, server error', { status: 500, name: 'unknown_error', message: 'Database encountered an unknown error' }],
];

const MAPPERS: readonly [string, (e: unknown, w: ReturnType<typeof words>) => string][] = [
  ['errorWords (ui)', (e, w) => errorWords(e, w.t)],
  ['backupErrorWords (backup and restore panel)', (e, w) => backupErrorWords(e, w.t, w.te)],
  ['bundleErrorWords (USB bundle)', (e, w) => bundleErrorWords(e, w.t, w.te)],
  ['transferErrorWords (transfers)', (e, w) => transferErrorWords(e, w.t)],
  ['familyErrorWords (亲情连线, staff)', (e, w) => familyErrorWords(e, w.t)],
  ['micProblemWords (亲情连线, kiosk microphone)', (e, w) => micProblemWords(e, w.t)],
  ['setupErrorWords (setup)', (e, w) => setupErrorWords(e, w.t)],
  ['joinErrorWords (joining a center)', (e, w) => joinErrorWords(e, w.t)],
];

const CJK = /[\u4e00-\u9fff]/;
/** A sentence of the locale, with nothing of the failure's own text in it. */
function expectWords(said: string, locale: Locale, raw: unknown, where: string) {
  expect(said, where).toBeTypeOf('string');
  expect(said.trim().length, where).toBeGreaterThan(3);
  expect(said, where).not.toMatch(/undefined|null|\[object|NaN|ECONNRESET|PouchDB|conflict|unknown_error|Cannot read|status|\{\w+\}/i);
  expect(said, where).not.toMatch(/^[\w-]+(\.[\w-]+)+$/); // an i18n key
  expect(said, where).not.toMatch(/[：:]\s*[。.]?$|[：:]\s*[。，,]|（\s*）|\(\s*\)/); // a detail left out of a sentence made for one
  if (typeof raw === 'string') expect(said).not.toContain(raw);
  if (raw instanceof Error && raw.message.length > 8) expect(said).not.toContain(raw.message); // short ones ("write") are ordinary words
  if (locale === 'zh-CN') expect(said, where).toMatch(CJK);
  else {
    expect(said, where).not.toMatch(CJK);
    expect(said, where).toMatch(/[A-Za-z]{3,} [A-Za-z]{2,}/);
  }
}

beforeAll(() => {
  vi.spyOn(console, 'error').mockImplementation(() => {}); // the mappers log the failure itself for whoever reads the logs
});
afterAll(() => vi.restoreAllMocks());

describe('every page-level error mapper has words for a failure it does not know (issue 11)', () => {
  for (const [mapper, map] of MAPPERS)
    for (const locale of ['zh-CN', 'en'] as const)
      it(`${mapper}, ${locale}`, () => {
        const w = words(locale);
        for (const [what, e] of UNKNOWN) expectWords(map(e, w), locale, e, `${mapper} / ${what}`);
      });

  it('joining a center: every problem the join can report has its own words, with no raw detail', () => {
    const problems: JoinProblem[] = ['unreachable', 'wrong-password', 'locked', 'not-this-center', 'server-too-old', 'code', 'no-center', 'no-admin', 'recovery-needed', 'recovery-wrong'];
    for (const locale of ['zh-CN', 'en'] as const) {
      const w = words(locale);
      const said = problems.map((p) => joinErrorWords(new JoinError(p, 'HTTP 502 Bad Gateway from nginx'), w.t));
      for (const [i, s] of said.entries()) {
        expectWords(s, locale, null, `${locale} ${problems[i]}`);
        expect(s).not.toMatch(/502|nginx|Bad Gateway/);
      }
      expect(new Set(said).size).toBe(problems.length);
    }
  });

  it('a problem passed on by name still gets its own words in the backup panel; a message that only looks like one does not', () => {
    const w = words('zh-CN');
    expect(backupErrorWords(new Error('no-center'), w.t, w.te)).toBe(zh.backups.errors['no-center']);
    expect(backupErrorWords(new Error('no-center.x'), w.t, w.te)).toBe(errorWords(new Error('x'), w.t));
  });
});
