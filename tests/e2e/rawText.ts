/**
 * Raw error or code text on screen (issue 11): what a person must never read — a library's or the
 * browser's error, a stack line, "[object Object]", "undefined", "NaN", "Invalid Date", English
 * HTTP words on a Chinese page, or an i18n key vue-i18n printed because the string is missing.
 * The harness (harness.ts) runs this on the page's visible text after every navigation and at the
 * end of every test, and fails the test with what it found. Pure, so it is unit-tested too.
 */
import zh from '../../renderer/src/i18n/zh-CN';

const ALWAYS: readonly [string, RegExp][] = [
  ['error text', /\b(?:[A-Z][a-zA-Z]*)?Error:/],
  ['error name', /\b(?:TypeError|ReferenceError|RangeError|SyntaxError|DOMException|QuotaExceededError|AbortError)\b/],
  ['network error', /Failed to fetch|NetworkError|net::ERR_|ECONNREFUSED/],
  ['object', /\[object [A-Za-z]+\]/],
  ['undefined', /\bundefined\b/],
  ['NaN', /\bNaN\b/],
  ['invalid date', /Invalid Date/],
  ['stack line', /^\s*at .+:\d+:\d+\)?\s*$|\.(?:js|ts|vue|mjs):\d+:\d+/m],
  ['status code', /\b(?:status|HTTP) ?[45]\d\d\b/i],
];
/** English HTTP and CouchDB words that mean a raw reply reached a Chinese screen. */
const IN_CHINESE: readonly [string, RegExp][] = [['English status word', /\b(?:Unauthorized|not_found|forbidden|Forbidden|conflict|Not Found|Bad Request|Internal Server Error|unauthorized|bad_request|file_exists|missing_stub)\b/]];

function keyPaths(o: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (typeof o === 'object' && o !== null) for (const [k, v] of Object.entries(o)) keyPaths(v, prefix ? `${prefix}.${k}` : k, out);
  else if (prefix.includes('.')) out.add(prefix);
  return out;
}
/** Every message key of the app: one of them on screen is a string vue-i18n did not find or translate. */
const KEYS = keyPaths(zh);
/** A dotted path of three or more lower-camel segments ("settings.sync.foo"): a missing key's shape. */
const KEY_SHAPE = /(?<![\w./:@-])[a-z][a-zA-Z0-9]*(?:\.[a-zA-Z][a-zA-Z0-9-]*){2,}(?![\w/:@-])/g;
/** Host names (a server address someone typed) look like key paths: their last part is a top-level domain. */
const HOST = /\.(?:cn|com|net|org|gov|edu|local|lan|localhost|test|example|internal)$/;

export interface RawTextFinding {
  readonly kind: string;
  readonly excerpt: string;
}

/**
 * What in `text` (a page's visible text) is raw error or code text.
 * @param lang the page's `<html lang>`: English HTTP words are flagged on a Chinese page only.
 * @param allow strings or patterns that are legitimate on this page (e.g. an address the user typed).
 */
export function rawTextFindings(text: string, lang: string, allow: readonly (string | RegExp)[] = []): RawTextFinding[] {
  let visible = text;
  for (const a of allow) visible = typeof a === 'string' ? visible.split(a).join(' ') : visible.replace(new RegExp(a.source, a.flags.includes('g') ? a.flags : `${a.flags}g`), ' ');
  const found: RawTextFinding[] = [];
  const excerpt = (i: number, n: number) => visible.slice(Math.max(0, i - 30), i + n + 30).replace(/\s+/g, ' ').trim();
  const rules = lang.toLowerCase().startsWith('zh') ? [...ALWAYS, ...IN_CHINESE] : ALWAYS;
  for (const [kind, re] of rules) {
    const m = re.exec(visible);
    if (m) found.push({ kind, excerpt: excerpt(m.index, m[0].length) });
  }
  for (const m of visible.matchAll(KEY_SHAPE)) {
    if (HOST.test(m[0])) continue;
    found.push({ kind: 'i18n key', excerpt: excerpt(m.index, m[0].length) });
  }
  for (const token of visible.split(/[\s：:，,（）()“”"'；;、|]+/)) {
    if (KEYS.has(token)) found.push({ kind: 'i18n key', excerpt: token });
  }
  return found;
}
