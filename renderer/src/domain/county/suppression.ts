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
 * member is hidden as well (complementary suppression), and this repeats until
 * no equation has exactly one hidden member. Zeros are shown: "no child"
 * reveals nobody. Pure; tested in suppression.test.ts.
 *
 * A cell hidden only to protect another is not 1–4, so it is not marked "<5"
 * (that would be untrue: a coordinator who reads "<5" for 7 is misled, and the
 * printed report would say it): it is marked HIDDEN ("×"). Since "×" tells that
 * the cell is 0 or 5 or more, a complementary cell of 5–8 would narrow the small
 * one down (a total of 6 over "<5" and "×" can only be 1 + 5); so the second
 * cell is the smallest visible one of 9 or more where there is one (then the
 * small cell can still be anything from 1 to 4), else the largest visible
 * non-zero one, else a zero, else the equation's total.
 */

export const SUPPRESSED = '<5' as const;
/** A cell hidden so that a "<5" cell cannot be worked out from the totals (see the module comment). */
export const HIDDEN = '×' as const;
export type ShownCount = number | typeof SUPPRESSED | typeof HIDDEN;
/** The smallest complementary cell that leaves a small cell's range 1–4 whole (module comment). */
export const SAFE_COMPLEMENT = 9;

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
  // Each equation: its parts, then its total.
  const equations: { parts: number[]; total: number }[] = [];
  for (let r = 0; r < rows; r++) equations.push({ parts: Array.from({ length: cols }, (_, c) => r * cols + c), total: rowTotalAt + r });
  for (let c = 0; c < cols; c++) equations.push({ parts: Array.from({ length: rows }, (_, r) => r * cols + c), total: colTotalAt + c });
  equations.push({ parts: Array.from({ length: rows }, (_, r) => rowTotalAt + r), total: grandAt });
  equations.push({ parts: Array.from({ length: cols }, (_, c) => colTotalAt + c), total: grandAt });

  const { small, hidden } = suppressMembers(value, equations);
  const shown = (i: number): ShownCount => (small[i] ? SUPPRESSED : hidden[i] ? HIDDEN : value[i]!);
  return {
    cells: Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => shown(r * cols + c))),
    rowTotals: Array.from({ length: rows }, (_, r) => shown(rowTotalAt + r)),
    colTotals: Array.from({ length: cols }, (_, c) => shown(colTotalAt + c)),
    total: shown(grandAt),
  };
}

/** True for a cell not shown as a number ("<5" or "×"). */
export function isHidden(cell: unknown): cell is typeof SUPPRESSED | typeof HIDDEN {
  return cell === SUPPRESSED || cell === HIDDEN;
}

interface Equation {
  readonly parts: readonly number[];
  readonly total: number;
}

/**
 * The complementary suppression of the module comment over any members and equations (`total` =
 * sum of `parts`): small members hidden, then a second member of any equation with exactly one
 * hidden, until none has.
 */
function suppressMembers(value: readonly number[], equations: readonly Equation[]): { small: boolean[]; hidden: boolean[] } {
  const small = value.map(isSmallCount);
  const hidden = [...small];
  for (let changed = true; changed; ) {
    changed = false;
    for (const eq of equations) {
      let n = hidden[eq.total] ? 1 : 0;
      for (const m of eq.parts) if (hidden[m]) n++;
      if (n !== 1) continue;
      const visible = eq.parts.filter((m) => !hidden[m]).sort((a, b) => value[a]! - value[b]!);
      const pick = visible.find((m) => value[m]! >= SAFE_COMPLEMENT) ?? visible.filter((m) => value[m]! > 0).at(-1) ?? visible[0] ?? eq.total;
      if (hidden[pick]) continue;
      hidden[pick] = true;
      changed = true;
    }
  }
  return { small, hidden };
}

/** One count shown alone (no total to recover it from). */
export function suppressCount(n: number): ShownCount {
  return isSmallCount(n) ? SUPPRESSED : n;
}

/**
 * A filtered view of a table of child counts: the rows and columns selected (a township or a
 * center, a group), suppressed consistently with the whole table so that comparing views cannot
 * give a hidden cell back (issue 9: "all centers: 9; 白云 alone: 7; so 青山 = 2"). Each selected
 * cell keeps its mark from the whole table; a total keeps the whole table's when it sums the same
 * cells, and a total over a part of a line is shown only where it follows from numbers the whole
 * table shows (every cell it sums visible there; or the line's total and every cell it leaves out
 * visible there; or, for the grand total, every line total it sums), so no view tells anything the
 * whole table does not. A hidden partial total is "<5" when
 * it is 1–4, else "×".
 */
export function suppressSelection(values: readonly (readonly number[])[], rowSel: readonly boolean[], colSel: readonly boolean[]): SuppressedTable {
  return selectIn(suppressTable(values), values, rowSel, colSel);
}

/** The selected rows and columns of `whole` (the suppressed `values`), as suppressSelection says. */
export function selectIn(whole: SuppressedTable, values: readonly (readonly number[])[], rowSel: readonly boolean[], colSel: readonly boolean[]): SuppressedTable {
  const rows = values.map((_, r) => r).filter((r) => rowSel[r]);
  const cols = (values[0] ?? []).map((_, c) => c).filter((c) => colSel[c]);
  const allRows = rows.length === values.length;
  const allCols = cols.length === (values[0]?.length ?? 0);
  const visible = (cell: ShownCount) => typeof cell === 'number';
  const partial = (sum: number, derivable: boolean): ShownCount => (derivable ? sum : isSmallCount(sum) ? SUPPRESSED : HIDDEN);
  const cellSum = (rs: readonly number[], cs: readonly number[]) => rs.reduce((s, r) => s + cs.reduce((t, c) => t + (values[r]![c] ?? 0), 0), 0);
  const cellsVisible = (rs: readonly number[], cs: readonly number[]) => rs.every((r) => cs.every((c) => visible(whole.cells[r]![c]!)));
  const otherRows = values.map((_, r) => r).filter((r) => !rowSel[r]);
  const otherCols = (values[0] ?? []).map((_, c) => c).filter((c) => !colSel[c]);
  return {
    cells: rows.map((r) => cols.map((c) => whole.cells[r]![c]!)),
    rowTotals: rows.map((r) =>
      allCols ? whole.rowTotals[r]! : partial(cellSum([r], cols), cellsVisible([r], cols) || (visible(whole.rowTotals[r]!) && cellsVisible([r], otherCols))),
    ),
    colTotals: cols.map((c) =>
      allRows ? whole.colTotals[c]! : partial(cellSum(rows, [c]), cellsVisible(rows, [c]) || (visible(whole.colTotals[c]!) && cellsVisible(otherRows, [c]))),
    ),
    total:
      allRows && allCols
        ? whole.total
        : partial(
            cellSum(rows, cols),
            cellsVisible(rows, cols) || (allRows && cols.every((c) => visible(whole.colTotals[c]!))) || (allCols && rows.every((r) => visible(whole.rowTotals[r]!))),
          ),
  };
}

/**
 * A table that sums over centers (service mix by group, screening levels, continuity…), for every
 * scope a coordinator can choose — each center, each township, the county — suppressed together,
 * so that no comparison of two views gives a hidden cell back ("the county's 9 minus 石桥镇's 7").
 * `values[k][r][c]` is center k's count; `townships` lists the centers of each township (a
 * partition). The members are every scope's cells and margins; the equations are each scope's
 * rows and columns (as in suppressTable) and, for every cell and margin, township = its centers
 * and county = its townships = its centers. @returns each scope's table (scope: a center's index,
 * then townships from `centers.length`, then the county) and its values.
 */
export function suppressScoped(values: readonly (readonly (readonly number[])[])[], townships: readonly (readonly number[])[], rows: number, cols: number): (scope: number) => { table: SuppressedTable; values: number[][] } {
  const K = values.length;
  const S = K + townships.length + 1;
  const county = S - 1;
  const R1 = rows + 1;
  const C1 = cols + 1;
  const at = (s: number, r: number, c: number) => (s * R1 + r) * C1 + c;
  const value = new Array<number>(S * R1 * C1).fill(0);
  for (let k = 0; k < K; k++)
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) {
        const v = values[k]![r]![c] ?? 0;
        value[at(k, r, c)]! += v;
        value[at(k, r, cols)]! += v;
        value[at(k, rows, c)]! += v;
        value[at(k, rows, cols)]! += v;
      }
  const sumInto = (target: number, parts: readonly number[]) => {
    for (let r = 0; r < R1; r++) for (let c = 0; c < C1; c++) value[at(target, r, c)] = parts.reduce((t, k) => t + value[at(k, r, c)]!, 0);
  };
  townships.forEach((ks, t) => sumInto(K + t, ks));
  sumInto(county, Array.from({ length: K }, (_, k) => k));

  const equations: Equation[] = [];
  for (let s = 0; s < S; s++) {
    for (let r = 0; r < R1; r++) equations.push({ parts: Array.from({ length: cols }, (_, c) => at(s, r, c)), total: at(s, r, cols) });
    for (let c = 0; c < C1; c++) equations.push({ parts: Array.from({ length: rows }, (_, r) => at(s, r, c)), total: at(s, rows, c) });
  }
  for (let r = 0; r < R1; r++)
    for (let c = 0; c < C1; c++) {
      townships.forEach((ks, t) => equations.push({ parts: ks.map((k) => at(k, r, c)), total: at(K + t, r, c) }));
      equations.push({ parts: townships.map((_, t) => at(K + t, r, c)), total: at(county, r, c) });
      equations.push({ parts: Array.from({ length: K }, (_, k) => at(k, r, c)), total: at(county, r, c) });
    }
  const { small, hidden } = suppressMembers(value, equations);
  const shown = (i: number): ShownCount => (small[i] ? SUPPRESSED : hidden[i] ? HIDDEN : value[i]!);
  return (s) => ({
    table: {
      cells: Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => shown(at(s, r, c)))),
      rowTotals: Array.from({ length: rows }, (_, r) => shown(at(s, r, cols))),
      colTotals: Array.from({ length: cols }, (_, c) => shown(at(s, rows, c))),
      total: shown(at(s, rows, cols)),
    },
    values: Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => value[at(s, r, c)]!)),
  });
}
