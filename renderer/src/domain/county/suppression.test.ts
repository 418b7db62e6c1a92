import { describe, expect, it } from 'vitest';
import { SUPPRESSED, suppressCount, suppressTable } from './suppression';

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
    expect(s.cells[0]).toEqual([SUPPRESSED, SUPPRESSED, 12]);
    expect(s.rowTotals[0]).toBe(25);
    // Columns 0 and 1 now each have one hidden cell: a cell in row 1 goes too, so no column gives it away.
    expect(s.cells[1]!.filter((c) => c === SUPPRESSED)).toHaveLength(2);
    expect(s.cells[1]).toEqual([SUPPRESSED, SUPPRESSED, 40]);
  });

  it('never leaves an equation with exactly one hidden member, on many random tables', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let n = 0; n < 500; n++) {
      const rows = 1 + Math.floor(rand() * 6);
      const cols = 1 + Math.floor(rand() * 6);
      const values = Array.from({ length: rows }, () => Array.from({ length: cols }, () => (rand() < 0.3 ? Math.floor(rand() * 5) : Math.floor(rand() * 40))));
      const s = suppressTable(values);
      for (const eq of equations(values, s)) expect(eq.filter((c) => c === SUPPRESSED).length).not.toBe(1);
      values.forEach((row, r) =>
        row.forEach((v, c) => {
          const shown = s.cells[r]![c]!;
          if (v >= 1 && v <= 4) expect(shown).toBe(SUPPRESSED);
          else if (shown !== SUPPRESSED) expect(shown).toBe(v);
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
      [3, 8, 30],
      [7, 7, 25],
    ]);
    expect(a).toEqual(b);
  });
});
