import { describe, expect, it } from 'vitest';
import { HIDDEN, SUPPRESSED, isHidden, suppressCount, suppressScoped, suppressSelection, suppressTable, type ShownCount } from './suppression';

/** Every equation of a table with margins: [members shown] — none may have exactly one hidden member. */
function equations(values: number[][], s: ReturnType<typeof suppressTable>) {
  const rows = values.length;
  const cols = values[0]!.length;
  const eq: (string | number)[][] = [];
  for (let r = 0; r < rows; r++) eq.push([...s.cells[r]!, s.rowTotals[r]!]);
  for (let c = 0; c < cols; c++) eq.push([...s.cells.map((row) => row[c]!), s.colTotals[c]!]);
  eq.push([...s.rowTotals, s.total], [...s.colTotals, s.total]);
  return eq;
}

describe('small-cell suppression', () => {
  it('shows 1–4 as "<5", and 0 and 5+ as they are', () => {
    expect([0, 1, 4, 5, 12].map(suppressCount)).toEqual([0, SUPPRESSED, SUPPRESSED, 5, 12]);
  });

  it('hides a second cell where a total would give the first away', () => {
    // Row 0: 3 is small; with the row total 25 shown, 25 - 10 - 12 = 3. The smallest other cell (10) is hidden too.
    const s = suppressTable([
      [3, 10, 12],
      [20, 30, 40],
    ]);
    // The second cell is not 1–4, so it is marked "×", not "<5" (which would be untrue).
    expect(s.cells[0]).toEqual([SUPPRESSED, HIDDEN, 12]);
    expect(s.rowTotals[0]).toBe(25);
    // Columns 0 and 1 now each have one hidden cell: a cell in row 1 goes too, so no column gives it away.
    expect(s.cells[1]).toEqual([HIDDEN, HIDDEN, 40]);
  });

  it('never leaves an equation with exactly one hidden member, on many random tables', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let n = 0; n < 500; n++) {
      const rows = 1 + Math.floor(rand() * 6);
      const cols = 1 + Math.floor(rand() * 6);
      const values = Array.from({ length: rows }, () => Array.from({ length: cols }, () => (rand() < 0.3 ? Math.floor(rand() * 5) : Math.floor(rand() * 40))));
      const s = suppressTable(values);
      for (const eq of equations(values, s)) expect(eq.filter(isHidden).length).not.toBe(1);
      values.forEach((row, r) =>
        row.forEach((v, c) => {
          const shown = s.cells[r]![c]!;
          // "<5" exactly for 1–4; "×" never for 1–4; a number is the number.
          if (v >= 1 && v <= 4) expect(shown).toBe(SUPPRESSED);
          else if (shown !== HIDDEN) expect(shown).toBe(v);
        }),
      );
    }
  });

  it('a hidden cell cannot be recovered: two tables that differ only in hidden cells look the same', () => {
    const a = suppressTable([
      [2, 9, 30],
      [8, 6, 25],
    ]);
    const b = suppressTable([
      [1, 10, 30],
      [9, 5, 25],
    ]);
    expect(a).toEqual(b);
  });

  it('hides as second cell one of 9 or more where there is one, so "×" cannot narrow the small cell down', () => {
    // With the old choice (the smallest other cell, 5), the row total 6 over "<5" and "×" could only be 1 + 5.
    const s = suppressTable([[1, 5, 9]]);
    expect(s.cells[0]).toEqual([SUPPRESSED, 5, HIDDEN]);
    // Every small value from 1 to 4 stays possible: the attacker's sum 1..4 + 9.. is consistent with the total.
    expect(s.rowTotals[0]).toBe(15);
  });
});

describe('a filtered view suppressed with the whole table (issue 9: comparing views)', () => {
  // Two centers (rows) × two groups (columns): 白云 7 and 青山 2 in column 0.
  const values = [
    [7, 20],
    [2, 30],
  ];

  it('keeps each cell\'s mark from the whole table: the 7 hidden to protect the 2 stays hidden when 白云 alone is shown', () => {
    const whole = suppressTable(values);
    expect(whole.cells.map((r) => r[0])).toEqual([HIDDEN, SUPPRESSED]);
    expect(whole.colTotals[0]).toBe(9);
    const baiyun = suppressSelection(values, [true, false], [true, true]);
    expect(baiyun.cells[0]![0]).toBe(HIDDEN);
    // Its column total is the 7 itself: hidden, or 9 - 7 would give 青山's 2 back.
    expect(baiyun.colTotals[0]).toBe(HIDDEN);
    // The row total is the whole table's (same cells) and so is its mark.
    expect(baiyun.rowTotals[0]).toBe(whole.rowTotals[0]);
  });

  it('shows a partial total only where it follows from what the whole table shows', () => {
    const v = [
      [7, 20, 10],
      [2, 30, 12],
      [15, 25, 11],
    ];
    const whole = suppressTable(v);
    const two = suppressSelection(v, [true, false, true], [true, true, true]);
    for (let c = 0; c < 3; c++) {
      const cellsVisible = [0, 2].every((r) => typeof whole.cells[r]![c] === 'number');
      // Or: the column's total and the cell left out are shown in the whole table (total minus the other).
      const byDifference = typeof whole.colTotals[c] === 'number' && typeof whole.cells[1]![c] === 'number';
      if (cellsVisible || byDifference) expect(two.colTotals[c]).toBe(v[0]![c]! + v[2]![c]!);
      else expect(isHidden(two.colTotals[c])).toBe(true);
    }
  });

  it('every number any view shows follows from the whole table: random tables, every selection of rows and columns', () => {
    let seed = 11;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let n = 0; n < 200; n++) {
      const rows = 1 + Math.floor(rand() * 4);
      const cols = 1 + Math.floor(rand() * 4);
      const v = Array.from({ length: rows }, () => Array.from({ length: cols }, () => (rand() < 0.35 ? Math.floor(rand() * 5) : Math.floor(rand() * 30))));
      const whole = suppressTable(v);
      const known = (r: number, c: number) => typeof whole.cells[r]![c] === 'number';
      for (let rm = 1; rm < 2 ** rows; rm++)
        for (let cm = 1; cm < 2 ** cols; cm++) {
          const rs = Array.from({ length: rows }, (_, r) => ((rm >> r) & 1) === 1);
          const cs = Array.from({ length: cols }, (_, c) => ((cm >> c) & 1) === 1);
          const view = suppressSelection(v, rs, cs);
          const R = rs.flatMap((x, r) => (x ? [r] : []));
          const C = cs.flatMap((x, c) => (x ? [c] : []));
          R.forEach((r, i) => {
            C.forEach((c, j) => expect(view.cells[i]![j]).toBe(whole.cells[r]![c]));
            // A shown row total is the whole table's, or sums cells the whole table shows.
            if (typeof view.rowTotals[i] === 'number' && C.length < cols) expect(C.every((c) => known(r, c)) || (typeof whole.rowTotals[r] === 'number' && v[0]!.every((_, c) => cs[c] || known(r, c)))).toBe(true);
          });
          C.forEach((c, j) => {
            if (typeof view.colTotals[j] === 'number' && R.length < rows) expect(R.every((r) => known(r, c)) || (typeof whole.colTotals[c] === 'number' && v.every((_, r) => rs[r] || known(r, c)))).toBe(true);
          });
        }
    }
  });
});

describe('a table summing over centers, suppressed over every scope together (issue 9: county, township, center views)', () => {
  it('the county 9 = 白云 7 + 青山 2: neither 白云 alone nor its township gives the 7 (and so the 2) back', () => {
    // One cell (1 × 1): centers 白云 (township 云岭乡) and 青山 (township 石桥镇).
    const view = suppressScoped([[[7]], [[2]]], [[0], [1]], 1, 1);
    expect(view(0).table.cells[0]![0]).toBe(HIDDEN); // 白云
    expect(view(1).table.cells[0]![0]).toBe(SUPPRESSED); // 青山
    expect(isHidden(view(2).table.cells[0]![0])).toBe(true); // 云岭乡 = 白云
    expect(view(4).table.cells[0]![0]).toBe(9); // the county
  });

  it('no equation of any scope, or between scopes, has exactly one hidden member: random counties', () => {
    let seed = 5;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let n = 0; n < 150; n++) {
      const K = 2 + Math.floor(rand() * 4);
      const rows = 1 + Math.floor(rand() * 3);
      const cols = 1 + Math.floor(rand() * 3);
      const v = Array.from({ length: K }, () => Array.from({ length: rows }, () => Array.from({ length: cols }, () => (rand() < 0.4 ? Math.floor(rand() * 5) : Math.floor(rand() * 25)))));
      // Townships: the first center alone, the rest together.
      const townships = [[0], Array.from({ length: K - 1 }, (_, k) => k + 1)];
      const view = suppressScoped(v, townships, rows, cols);
      const scopes = Array.from({ length: K + townships.length + 1 }, (_, s) => view(s));
      // Every member of a scope: cells, row totals, column totals, total (as [r][c] with rows/cols as the margins).
      const member = (s: number, r: number, c: number) => {
        const t = scopes[s]!.table;
        if (r < rows && c < cols) return t.cells[r]![c]!;
        if (r < rows) return t.rowTotals[r]!;
        if (c < cols) return t.colTotals[c]!;
        return t.total;
      };
      const truth = (s: number, r: number, c: number) => {
        const ks = s < K ? [s] : s < K + townships.length ? townships[s - K]! : Array.from({ length: K }, (_, k) => k);
        let t = 0;
        for (const k of ks) for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) if ((r === rows || r === i) && (c === cols || c === j)) t += v[k]![i]![j]!;
        return t;
      };
      const hiddenCount = (ms: ShownCount[]) => ms.filter(isHidden).length;
      for (let s = 0; s < scopes.length; s++)
        for (let r = 0; r <= rows; r++)
          for (let c = 0; c <= cols; c++) {
            const shown = member(s, r, c);
            const t = truth(s, r, c);
            if (t >= 1 && t <= 4) expect(shown).toBe(SUPPRESSED);
            else if (shown !== HIDDEN) expect(shown).toBe(t);
            if (c === cols) expect(hiddenCount([...Array.from({ length: cols }, (_, j) => member(s, r, j)), shown])).not.toBe(1);
            if (r === rows) expect(hiddenCount([...Array.from({ length: rows }, (_, i) => member(s, i, c)), shown])).not.toBe(1);
            if (s === scopes.length - 1) {
              expect(hiddenCount([...Array.from({ length: K }, (_, k) => member(k, r, c)), shown])).not.toBe(1);
              expect(hiddenCount([...townships.map((_, t) => member(K + t, r, c)), shown])).not.toBe(1);
            }
            if (s >= K && s < K + townships.length) expect(hiddenCount([...townships[s - K]!.map((k) => member(k, r, c)), shown])).not.toBe(1);
          }
    }
  });
});
