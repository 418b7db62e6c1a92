/**
 * Turns the report's language-free tables (domain/county/report.ts) into words
 * and rows: for the page, the exports (CSV through domain/csv.ts, XLSX through
 * ui/xlsx.ts — Chinese headers, numbers as numbers, "<5" as text) and the
 * printed report.
 */
import type { Cell, Label, ReportTable } from '@/domain/county/report';
import { isLabelCell } from '@/domain/county/report';
import { periodKind } from '@/domain/county/periods';

export type Translate = (key: string, params?: Record<string, unknown>) => string;

export function labelText(t: Translate, label: Label): string {
  if ('text' in label) return label.text;
  const params = Object.fromEntries(Object.entries(label.p ?? {}).map(([k, v]) => [k, typeof v === 'string' && v.startsWith('services.type.') ? t(v) : v]));
  return t(label.k, params);
}

/** A cell as the export writes it: numbers stay numbers. */
export function cellValue(t: Translate, cell: Cell): string | number {
  if (cell === null) return '—';
  if (isLabelCell(cell)) return t(cell);
  return cell;
}

export function cellText(t: Translate, cell: Cell): string {
  const v = cellValue(t, cell);
  return typeof v === 'number' ? v.toLocaleString('zh-CN') : v;
}

/** Header, rows and the totals row of a table, for CSV and XLSX. */
export function tableRows(t: Translate, table: ReportTable): (string | number)[][] {
  return [
    [labelText(t, table.rowHeader), ...table.columns.map((c) => labelText(t, c))],
    ...table.rows.map((r) => [labelText(t, r.label), ...r.cells.map((c) => cellValue(t, c))]),
    ...(table.totals ? [[t('county.total'), ...table.totals.map((c) => cellValue(t, c))]] : []),
  ];
}

/** A period in words: 2026-10, 2026 秋季学期, 2026. */
export function periodText(t: Translate, period: string): string {
  if (periodKind(period) !== 'term') return period;
  return t(`county.term.${period.slice(5)}`, { year: period.slice(0, 4) });
}

/** The county's name for a title: the one kept on the device, never its id ("yunxi"); "本县" until a name is known. */
export function countyTitle(t: Translate, account: { readonly countyName?: string } | null | undefined): string {
  return account?.countyName?.trim() || t('countyWalk10.countyName.unnamed');
}

/** Why the dashboard could not read the server, in words (no command, no library message). */
export function problemWords(t: Translate, problem: 'unreachable' | 'wrong-password' | 'no-views' | 'server'): string {
  return problem === 'no-views' ? t('countyWalk10.problemNoViews') : t(`county.problem.${problem}`);
}

/** What a coordinator verdict says: always our own words, never the detail (a library message, a role list, a database name). */
export function verdictWords(t: Translate, verdict: string): string {
  return t(`countyWalk10.verdict.${verdict}`);
}
