/**
 * Coverage across providers (issue 9): which register children no center reaches, and
 * which children more than one center enrols — without a name, birth date or ID number
 * leaving a kiosk or the coordinator's device.
 *
 * The model. Each child is represented by a coverage key: HMAC-SHA256 (WebCrypto) of the
 * normalised name and birth month under the county coverage code, cut to 128 bits. The
 * code is a random 120-bit secret, created once per county on the coordinator's device,
 * printed, and typed on each kiosk (设置 → 同步) and on each coordinator device; no server
 * ever receives it. Kiosks send the keys of their enrolled children (with center and
 * group) to the county copy; the coordinator's device computes the register's keys and
 * keeps only keys, township, village and group. Matching keys are the same child.
 *
 * What it protects against: a plain hash of a name and a birth month can be reversed by
 * anyone who hashes every likely name and month (a few million guesses); without the code
 * the county server, its administrators or a copy of its data cannot compute any key, so
 * they cannot test guesses. What it does not: anyone holding the code (a coordinator, a
 * center admin, a kiosk's device store) can test a guessed name and month against the keys;
 * the code must be kept like a password, and replaced (all keys recomputed) if it leaks.
 * Two children with the same name and birth month look like one child.
 *
 * The kiosk records a birth month, not a full birth date or an ID number, so the key is
 * (name, birth month): the register's birth date is cut to its month, and where the
 * register gives only a resident ID number, the birth month is read from it (digits 7–12).
 */
import type { Cell, Label, ReportTable } from './report';
import { suppressCount, suppressTable } from './suppression';

/** Crockford base-32: no I, L, O, U (read as 1, 1, 0 and refused). */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 24 random characters (120 bits) and one check character, shown as five groups of five. */
const CODE_DATA_CHARS = 24;
const DOMAIN = 'tongxin-coverage-v1';

function checkChar(data: string): string {
  let sum = 0;
  // Each character weighs an odd power of 3 (invertible mod 32), so any one mistyped character changes the check.
  for (let i = 0; i < data.length; i++) sum = (sum * 3 + ALPHABET.indexOf(data[i]!)) % 32;
  return ALPHABET[sum]!;
}

/** A new county coverage code, `XXXXX-XXXXX-XXXXX-XXXXX-XXXXX`. */
export function generateCoverageCode(random: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n))): string {
  const bytes = random(CODE_DATA_CHARS);
  let data = '';
  for (let i = 0; i < CODE_DATA_CHARS; i++) data += ALPHABET[bytes[i]! % 32];
  return formatCode(data + checkChar(data));
}

const formatCode = (c: string) => c.match(/.{1,5}/g)!.join('-');

/**
 * The code as typed (any case, spaces or dashes, O for 0, I or L for 1), in its canonical form.
 * @returns null when it is not a coverage code (wrong length, a character outside the alphabet, or a typo the check character catches).
 */
export function parseCoverageCode(typed: string): string | null {
  const s = typed.toUpperCase().replace(/[\s\-_]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (s.length !== CODE_DATA_CHARS + 1 || [...s].some((c) => !ALPHABET.includes(c))) return null;
  const data = s.slice(0, CODE_DATA_CHARS);
  return s.at(-1) === checkChar(data) ? formatCode(s) : null;
}

/**
 * A name as the register and the kiosk may write it differently: Unicode NFKC (full-width
 * letters), no spaces of any kind, no middle dots (阿卜杜·热合曼 / 阿卜杜热合曼), lower case.
 */
export function normaliseName(name: string): string {
  return name.normalize('NFKC').replace(/[\s·•・．.\u00b7\u2027\u30fb]/g, '').toLowerCase();
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/**
 * The birth month in an 18-character resident ID number (GB 11643), checked by its last character.
 * @returns yyyy-mm, or null when the number is not a valid ID number.
 */
export function birthMonthFromIdNumber(id: string): string | null {
  const s = id.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(s)) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(s[i]) * ID_WEIGHTS[i]!;
  if (ID_CHECK[sum % 11] !== s[17]) return null;
  const year = Number(s.slice(6, 10));
  const month = Number(s.slice(10, 12));
  if (year < 1900 || month < 1 || month > 12) return null;
  return `${s.slice(6, 10)}-${s.slice(10, 12)}`;
}

/** Imported HMAC keys by canonical code (a device holds one code; a register import hashes thousands of rows). */
const keyCache = new Map<string, Promise<CryptoKey>>();

async function hmacKey(code: string): Promise<CryptoKey> {
  const canonical = parseCoverageCode(code);
  if (!canonical) throw new RangeError('not a coverage code');
  let key = keyCache.get(canonical);
  if (!key) {
    key = crypto.subtle.importKey('raw', new TextEncoder().encode(`${DOMAIN}|${canonical}`), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    keyCache.set(canonical, key);
  }
  return key;
}

function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * The coverage key of a child: 22 base64url characters (128 bits of HMAC-SHA256).
 * @throws RangeError when the code is not a coverage code, the name is empty once normalised, or the month is not yyyy-mm.
 */
export async function coverageKey(code: string, name: string, birthMonth: string): Promise<string> {
  const n = normaliseName(name);
  if (!n) throw new RangeError('no name');
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(birthMonth)) throw new RangeError('not a birth month');
  const mac = await crypto.subtle.sign('HMAC', await hmacKey(code), new TextEncoder().encode(`${n}\u0000${birthMonth}`));
  return base64url(new Uint8Array(mac).slice(0, 16));
}

/** A register child as the coordinator's device keeps it: never a name, birth date or ID number. */
export interface RegisterEntry {
  readonly key: string;
  readonly township: string;
  readonly village: string;
  readonly group: string;
}

/** One row of the `coverage` view at group_level 3: [key, center id, group]. */
export type CoverageRow = { readonly key: readonly [string, string, string]; readonly value: number };

export interface CenterPlace {
  readonly centerId: string;
  readonly township: string;
  readonly village: string;
}

export interface CoveragePlace {
  readonly township: string;
  readonly village: string;
  /** Register children listed in this village. */
  readonly register: number;
  /** Of those, enrolled at no center, by group. */
  readonly notEnrolled: Readonly<Record<string, number>>;
  readonly notEnrolledTotal: number;
  /** Children enrolled at two or more centers, one of which is in this village (a child is counted in each such village, once). */
  readonly multiCenter: number;
}

export interface CoverageSummary {
  readonly places: readonly CoveragePlace[];
  readonly registerTotal: number;
  readonly notEnrolledTotal: number;
  /** Distinct children enrolled at two or more centers in the county. */
  readonly multiCenterTotal: number;
  /** Distinct keys enrolled anywhere. */
  readonly enrolledTotal: number;
}

/**
 * Per township and village: register children enrolled at no center (by group) and children
 * enrolled at two or more centers, from the register's keys and the coverage view's rows.
 */
export function coverageSummary(register: readonly RegisterEntry[], rows: readonly CoverageRow[], centers: readonly CenterPlace[]): CoverageSummary {
  const centersOfKey = new Map<string, Set<string>>();
  for (const r of rows) {
    if (r.value <= 0) continue;
    const [key, centerId] = r.key;
    (centersOfKey.get(key) ?? centersOfKey.set(key, new Set()).get(key)!).add(centerId);
  }
  const placeOfCenter = new Map(centers.map((c) => [c.centerId, c]));
  const places = new Map<string, { township: string; village: string; register: number; notEnrolled: Record<string, number>; notEnrolledTotal: number; multi: Set<string> }>();
  const place = (township: string, village: string) => {
    const id = `${township}\u0000${village}`;
    let p = places.get(id);
    if (!p) places.set(id, (p = { township, village, register: 0, notEnrolled: {}, notEnrolledTotal: 0, multi: new Set() }));
    return p;
  };
  let notEnrolledTotal = 0;
  const seen = new Set<string>();
  for (const e of register) {
    // A child listed twice in the register (two villages' lists) counts once, where first listed.
    if (seen.has(e.key)) continue;
    seen.add(e.key);
    const p = place(e.township, e.village);
    p.register++;
    if (!centersOfKey.has(e.key)) {
      p.notEnrolled[e.group] = (p.notEnrolled[e.group] ?? 0) + 1;
      p.notEnrolledTotal++;
      notEnrolledTotal++;
    }
  }
  let multiCenterTotal = 0;
  for (const [key, at] of centersOfKey) {
    if (at.size < 2) continue;
    multiCenterTotal++;
    for (const c of at) {
      const where = placeOfCenter.get(c);
      place(where?.township ?? '', where?.village ?? '').multi.add(key);
    }
  }
  const list = [...places.values()]
    .map((p) => ({ township: p.township, village: p.village, register: p.register, notEnrolled: p.notEnrolled, notEnrolledTotal: p.notEnrolledTotal, multiCenter: p.multi.size }))
    .sort((a, b) => a.township.localeCompare(b.township, 'zh-CN') || a.village.localeCompare(b.village, 'zh-CN'));
  return { places: list, registerTotal: seen.size, notEnrolledTotal, multiCenterTotal, enrolledTotal: centersOfKey.size };
}

/** The county totals of the coverage table as its totals row shows them (suppressed): register, enrolled at no center, at two or more. */
export function coverageTotals(table: ReportTable): { register: Cell; none: Cell; multi: Cell } {
  const t = table.totals!;
  return { register: t[0]!, none: t[t.length - 2]!, multi: t[t.length - 1]! };
}

/** Groups as the register may give them: the kiosk's groups and 'left-behind' (which parent not said). */
export const REGISTER_GROUPS = ['left-behind-father-away', 'left-behind-mother-away', 'left-behind-both-away', 'left-behind', 'migrant', 'local', 'other'] as const;

/**
 * The coverage table: one row per township · village; register children, those enrolled at
 * no center by group (with complementary suppression across the group columns and their
 * totals), and children enrolled at two or more centers. Small counts read "<5".
 */
export function coverageTable(s: CoverageSummary): ReportTable {
  const groups = REGISTER_GROUPS.filter((g) => s.places.some((p) => (p.notEnrolled[g] ?? 0) > 0));
  const shownGroups = groups.length > 0 ? groups : (['other'] as const);
  const notEnrolled = suppressTable(s.places.map((p) => shownGroups.map((g) => p.notEnrolled[g] ?? 0)));
  const register = suppressTable(s.places.map((p) => [p.register]));
  const multi = suppressTable(s.places.map((p) => [p.multiCenter]));
  const label = (p: CoveragePlace): Label => ({ text: `${p.township || '—'} · ${p.village || '—'}` });
  return {
    id: 'coverage',
    title: { k: 'countyCoverage.table.title' },
    rowHeader: { k: 'countyCoverage.table.place' },
    columns: [{ k: 'countyCoverage.table.register' }, ...shownGroups.map((g) => ({ k: `countyCoverage.group.${g}` })), { k: 'countyCoverage.table.notEnrolled' }, { k: 'countyCoverage.table.multi' }],
    rows: s.places.map((p, i) => ({ label: label(p), cells: [register.cells[i]![0]!, ...notEnrolled.cells[i]!, notEnrolled.rowTotals[i]!, multi.cells[i]![0]!] })),
    // A child at two centers in two villages is in both rows: the county total counts each child once.
    totals: [register.total, ...notEnrolled.colTotals, notEnrolled.total, suppressCount(s.multiCenterTotal)],
    note: { k: 'countyCoverage.table.note' },
    chart: 'stacked',
    chartColumns: shownGroups.map((_, i) => i + 1),
  };
}
