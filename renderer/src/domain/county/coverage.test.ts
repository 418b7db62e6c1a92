import { describe, expect, it } from 'vitest';
import { birthMonthFromIdNumber, coverageKey, coverageSummary, coverageTable, coverageTotals, generateCoverageCode, normaliseName, parseCoverageCode, type CoverageRow } from './coverage';

const CODE = generateCoverageCode(() => new Uint8Array(24).map((_, i) => i * 7));

describe('county coverage code', () => {
  it('round-trips, tolerates case, spaces and look-alike letters, and catches a typo', () => {
    const code = generateCoverageCode();
    expect(code).toMatch(/^([0-9A-HJKMNP-TV-Z]{5}-){4}[0-9A-HJKMNP-TV-Z]{5}$/);
    expect(parseCoverageCode(code.toLowerCase().replace(/-/g, ' '))).toBe(code);
    expect(parseCoverageCode(code.replace(/0/g, 'O').replace(/1/g, 'l'))).toBe(code);
    // Every single mistyped character, at every position, is caught.
    for (let i = 0; i < code.length; i++) {
      if (code[i] === '-') continue;
      for (const c of '0123456789ABCDEFGHJKMNPQRSTVWXYZ') if (c !== code[i]) expect(parseCoverageCode(code.slice(0, i) + c + code.slice(i + 1)), `${i} ${c}`).toBeNull();
    }
    expect(parseCoverageCode('hello')).toBeNull();
    expect(parseCoverageCode(code.slice(0, -1))).toBeNull();
  });
});

describe('coverage keys', () => {
  it('are the same for one child written two ways, different under another code or for another child', async () => {
    const a = await coverageKey(CODE, '王 小明', '2015-03');
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await coverageKey(CODE, '王小明', '2015-03')).toBe(a);
    expect(await coverageKey(CODE.toLowerCase(), 'ＷＡＮＧ', '2015-03')).toBe(await coverageKey(CODE, 'wang', '2015-03'));
    expect(await coverageKey(CODE, '阿卜杜·热合曼', '2014-11')).toBe(await coverageKey(CODE, '阿卜杜热合曼', '2014-11'));
    expect(await coverageKey(CODE, '王小明', '2015-04')).not.toBe(a);
    expect(await coverageKey(CODE, '王晓明', '2015-03')).not.toBe(a);
    expect(await coverageKey(generateCoverageCode(), '王小明', '2015-03')).not.toBe(a);
    // Not a plain hash of the name and month: without the code it cannot be recomputed.
    const plain = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode('王小明\u00002015-03')));
    expect(btoa(String.fromCharCode(...plain.slice(0, 16))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')).not.toBe(a);
    await expect(coverageKey('nope', '王小明', '2015-03')).rejects.toThrow(RangeError);
    await expect(coverageKey(CODE, '  ', '2015-03')).rejects.toThrow(RangeError);
    expect(normaliseName(' 李\u3000 娜 ')).toBe('李娜');
  });

  it('reads the birth month from a resident ID number and refuses one whose check digit fails', () => {
    expect(birthMonthFromIdNumber('11010519491231002X')).toBe('1949-12');
    expect(birthMonthFromIdNumber('110105194912310021')).toBeNull();
    expect(birthMonthFromIdNumber('12345')).toBeNull();
  });
});

describe('coverage summary', () => {
  const row = (key: string, center: string, group = 'migrant'): CoverageRow => ({ key: [key, center, group], value: 1 });
  const centers = [
    { centerId: 'qingshan', township: '青山镇', village: '青山村' },
    { centerId: 'shiqiao', township: '石桥镇', village: '石桥村' },
  ];
  it('finds the same child at two centers, and counts register children enrolled nowhere by group', () => {
    const register = [
      { key: 'k1', township: '青山镇', village: '青山村', group: 'left-behind-both-away' },
      { key: 'k2', township: '青山镇', village: '青山村', group: 'left-behind-both-away' },
      { key: 'k3', township: '青山镇', village: '青山村', group: 'migrant' },
      { key: 'k3', township: '石桥镇', village: '石桥村', group: 'migrant' },
      { key: 'k4', township: '石桥镇', village: '石桥村', group: 'left-behind' },
    ];
    const rows = [row('k1', 'qingshan'), row('k1', 'shiqiao'), row('k4', 'shiqiao'), row('x9', 'shiqiao'), row('x9', 'qingshan')];
    const s = coverageSummary(register, rows, centers);
    expect(s).toMatchObject({ registerTotal: 4, notEnrolledTotal: 2, multiCenterTotal: 2, enrolledTotal: 3 });
    const qs = s.places.find((p) => p.village === '青山村')!;
    expect(qs).toMatchObject({ register: 3, notEnrolledTotal: 2, notEnrolled: { 'left-behind-both-away': 1, migrant: 1 }, multiCenter: 2 });
    expect(s.places.find((p) => p.village === '石桥村')).toMatchObject({ register: 1, notEnrolledTotal: 0, multiCenter: 2 });
    // Every count here is under 5: the table shows none of them.
    const table = coverageTable(s);
    expect(JSON.stringify(table.rows)).not.toMatch(/[1-4][,\]]/);
    expect(table.rows[0]!.cells).toContain('<5');
    // The summary line above the table reads the suppressed totals, not the counts (4, 2, 2) in clear.
    expect(coverageTotals(table)).toEqual({ register: '<5', none: '<5', multi: '<5' });
  });
});
