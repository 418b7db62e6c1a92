/**
 * Small-cell suppression for county tables (PIPL; DESIGN.md "County scale").
 *
 * Any count of 1–4 children is shown as "<5". Suppressing a cell is not enough
 * when the table also shows totals: a row total minus the other cells of the
 * row gives the hidden cell back. The model: every row and every column of a
 * table with margins is an equation `total = sum(cells)` (the margins
 * themselves form two more: the column of row totals and the row of column
 * totals, both summing to the grand total). An equation with exactly one
 * hidden member gives that member away, so for each such equation a second
 * member is hidden as well (complementary suppression: the smallest visible
 * non-zero cell, else the smallest visible cell, else the equation's total),
 * and this repeats until no equation has exactly one hidden member. Zeros are
 * shown: "no child" reveals nobody. Pure; tested in suppression.test.ts.
 */

export const SUPPRESSED = '<5' as const;
export type ShownCount = number | typeof SUPPRESSED;

/** A count that must not be shown: 1 to 4 children. */
export function isSmallCount(n: number): boolean {
  return n >= 1 && n <= 4;
}

export interface SuppressedTable {
  readonly cells: readonly (readonly ShownCount[])[];
  readonly rowTotals: readonly ShownCount[];
  readonly colTotals: readonly ShownCount[];
  readonly total: ShownCount;
}

/** Suppresses a table of child counts with its margins (row totals, column totals, grand total). */
export function suppressTable(values: readonly (readonly number[])[]): SuppressedTable {
  const rows = values.length;
  const cols = values[0]?.length ?? 0;
  // Members: cells r*cols+c, then row totals, then column totals, then the grand total.
  const value: number[] = [];
  for (const row of values) for (let c = 0; c < cols; c++) value.push(row[c] ?? 0);
  const rowTotal = values.map((row) => row.reduce((s, v) => s + v, 0));
  const colTotal = Array.from({ length: cols }, (_, c) => values.reduce((s, row) => s + (row[c] ?? 0), 0));
  const rowTotalAt = rows * cols;
  const colTotalAt = rowTotalAt + rows;
  const grandAt = colTotalAt + cols;
  value.push(...rowTotal, ...colTotal, rowTotal.reduce((s, v) => s + v, 0));
  const hidden = value.map(isSmallCount);

  // Each equation: its parts, then its total.
  const equations: { parts: number[]; total: number }[] = [];
  for (let r = 0; r < rows; r++) equations.push({ parts: Array.from({ length: cols }, (_, c) => r * cols + c), total: rowTotalAt + r });
  for (let c = 0; c < cols; c++) equations.push({ parts: Array.from({ length: rows }, (_, r) => r * cols + c), total: colTotalAt + c });
  equations.push({ parts: Array.from({ length: rows }, (_, r) => rowTotalAt + r), total: grandAt });
  equations.push({ parts: Array.from({ length: cols }, (_, c) => colTotalAt + c), total: grandAt });

  for (let changed = true; changed; ) {
    changed = false;
    for (const eq of equations) {
      const members = [...eq.parts, eq.total];
      if (members.filter((m) => hidden[m]).length !== 1) continue;
      const visible = eq.parts.filter((m) => !hidden[m]).sort((a, b) => value[a]! - value[b]!);
      const pick = visible.find((m) => value[m]! > 0) ?? visible[0] ?? eq.total;
      if (hidden[pick]) continue;
      hidden[pick] = true;
      changed = true;
    }
  }
  const shown = (i: number): ShownCount => (hidden[i] ? SUPPRESSED : value[i]!);
  return {
    cells: Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => shown(r * cols + c))),
    rowTotals: Array.from({ length: rows }, (_, r) => shown(rowTotalAt + r)),
    colTotals: Array.from({ length: cols }, (_, c) => shown(colTotalAt + c)),
    total: shown(grandAt),
  };
}

/** One count shown alone (no total to recover it from). */
export function suppressCount(n: number): ShownCount {
  return isSmallCount(n) ? SUPPRESSED : n;
}
