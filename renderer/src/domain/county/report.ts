/**
 * The county dashboard's tables, built from view rows only (never documents)
 * and the coordinator's filters. Pure: the Vue pages draw these tables and
 * their charts, exports write them, the printed report lays them out, and the
 * integration test checks their numbers against counts it makes itself.
 *
 * Labels are references into the i18n files (or literal text such as a center's
 * name), so this module stays language-free. Counts of children pass through
 * small-cell suppression (suppression.ts) before anyone sees them.
 */
import { CHILD_GROUPS, PROVIDER_KINDS, SERVICE_TYPES, type ChildGroup } from '@sync/schema/vocab';
import { LEVELS } from '@sync/schema/documents';
import { HIDDEN, SUPPRESSED, isHidden, selectIn, suppressScoped, suppressSelection, suppressTable, type ShownCount, type SuppressedTable } from './suppression';
import { periodMonths, previousMonth } from './periods';
import { ATTENDANCE_BANDS, CONTACT_BANDS, VISIT_BANDS } from './centerTally';
import { localDate } from '../dates';

export interface ViewRow<V = number> {
  readonly key: readonly (string | number)[];
  readonly value: V;
}
export interface Stats {
  readonly sum: number;
  readonly count: number;
  readonly min: number;
  readonly max: number;
}

/** A `month_sessions` value: [sessions, minutes], or `_stats` of minutes in a device cache written before DDOC_VERSION 8. */
export type SessionsValue = readonly [number, number] | Stats;
/** The sessions (场次) a `month_sessions` row counts. */
export const sessionsOf = (v: SessionsValue): number => (Array.isArray(v) ? (v as readonly [number, number])[0] : (v as Stats).count);

/** What the dashboard reads for one period: view rows only (see features/county/countyClient.ts for the queries). */
export interface CountyData {
  readonly countyId: string;
  readonly period: string;
  /** When the server answered (ISO). Shown as 数据截至 … */
  readonly fetchedAt: string;
  /** [township, village, centerId, name] */
  readonly centers: readonly ViewRow[];
  /**
   * [month, center, serviceType, providerKind] → [sessions, minutes] (summed monthly service tallies); from GAP_MONTHS - 1
   * months before the period. Results cached by an app before DDOC_VERSION 8 hold `_stats` of minutes instead (count = sessions).
   */
  readonly sessions: readonly ViewRow<SessionsValue>[];
  /** [month, center, group, serviceType] → attendances at services (人次) */
  readonly services: readonly ViewRow[];
  /** [month, center, group, face] */
  readonly moods: readonly ViewRow[];
  /** [month, center, group, level] */
  readonly screenings: readonly ViewRow[];
  /** [period, center, measure, group] */
  readonly tallies: readonly ViewRow[];
  /** [center] → stats of updatedAt ms (max = the newest document) */
  readonly freshness: readonly ViewRow<Stats>[];
}

/** The view rows of a CountyData: one field per dashboard query. */
export type CountyField = Exclude<keyof CountyData, 'countyId' | 'period' | 'fetchedAt'>;
export const COUNTY_FIELDS: readonly CountyField[] = ['centers', 'sessions', 'services', 'moods', 'screenings', 'tallies', 'freshness'];

/**
 * The rows each section's tables read (buildReport below): a cold dashboard asks the server
 * for these first and draws the open section as soon as they are in, then reads the rest.
 * A section missing a field here would be drawn from rows not yet read: report.test.ts checks
 * that each section's tables come out the same without the other fields.
 */
export const SECTION_FIELDS: Readonly<Record<ReportSection['id'], readonly CountyField[]>> = {
  activity: ['centers', 'sessions', 'services'],
  reach: ['centers', 'tallies'],
  mix: ['centers', 'services'],
  resources: ['centers', 'tallies', 'services'],
  coordination: ['centers', 'sessions'],
  continuity: ['centers', 'tallies'],
  wellbeing: ['centers', 'moods', 'screenings', 'tallies'],
  freshness: ['centers', 'freshness'],
};

/** Months without a service type before a center counts as a gap in it. */
export const GAP_MONTHS = 3;
/** A center that sent nothing for this many days is flagged. */
export const SILENT_DAYS = 7;
export const PROFESSIONAL_SERVICES = ['counselling-individual', 'counselling-group', 'social-work-casework', 'social-work-groupwork'] as const;

export type GroupFilter = 'all' | 'left-behind' | ChildGroup;
export interface Filters {
  readonly township: string | null;
  readonly centerId: string | null;
  readonly group: GroupFilter;
}
export const NO_FILTERS: Filters = { township: null, centerId: null, group: 'all' };

/** A label: an i18n key (with parameters) or literal text such as a center's name. */
export type Label = { readonly k: string; readonly p?: Readonly<Record<string, string | number>> } | { readonly text: string };
/** A shown cell: a number, "<5", text, or null for "not applicable" (—). */
export type Cell = ShownCount | string | null;

export interface ReportTable {
  readonly id: string;
  readonly title: Label;
  readonly rowHeader: Label;
  readonly columns: readonly Label[];
  readonly rows: readonly { readonly label: Label; readonly cells: readonly Cell[] }[];
  /** The bottom row of column totals, when the table has one. */
  readonly totals: readonly Cell[] | null;
  /** A note under the table (a definition). */
  readonly note?: Label;
  /** How the chart draws it: bars (grouped or stacked) or lines of the columns, one series per column; or no chart. */
  readonly chart: 'bar' | 'stacked' | 'line' | 'none';
  /** The columns the chart draws (default: all but a Total column). */
  readonly chartColumns?: readonly number[];
}

export interface ReportSection {
  readonly id: 'activity' | 'reach' | 'mix' | 'resources' | 'coordination' | 'continuity' | 'wellbeing' | 'freshness';
  readonly tables: readonly ReportTable[];
}

export interface CenterInfo {
  readonly id: string;
  readonly name: string;
  readonly township: string;
  readonly village: string;
}

/** The hierarchy county → township → village → center, from the `centers` view. */
export function centersOf(data: Pick<CountyData, 'centers'>): CenterInfo[] {
  return data.centers
    .map((r) => ({ township: String(r.key[0] ?? ''), village: String(r.key[1] ?? ''), id: String(r.key[2]), name: String(r.key[3] ?? r.key[2]) }))
    .sort((a, b) => a.township.localeCompare(b.township, 'zh') || a.village.localeCompare(b.village, 'zh') || a.name.localeCompare(b.name, 'zh'));
}

export function townshipsOf(data: Pick<CountyData, 'centers'>): string[] {
  return [...new Set(centersOf(data).map((c) => c.township))];
}

function groupMatches(filter: GroupFilter, group: string): boolean {
  if (filter === 'all') return true;
  if (filter === 'left-behind') return group.startsWith('left-behind');
  return filter === group;
}

const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);
const typeLabel = (t: string): Label => ({ k: `services.type.${t}` });
const groupLabel = (g: string): Label => ({ k: `group.${g}` });

/**
 * Suppresses each column of a table of child counts on its own, with a total row (columns are
 * different measures). With `rowSel`, `values` holds every center's row and the view shows the
 * selected ones, suppressed as in the whole column (suppressSelection).
 */
function suppressColumns(values: readonly (readonly number[])[], childColumns: readonly boolean[], rowSel: readonly boolean[] = values.map(() => true)): { cells: Cell[][]; totals: Cell[] } {
  const cols = childColumns.length;
  const shownRows = values.filter((_, r) => rowSel[r]);
  const cells: Cell[][] = shownRows.map(() => []);
  const totals: Cell[] = [];
  for (let c = 0; c < cols; c++) {
    const column = values.map((row) => [row[c] ?? 0]);
    if (childColumns[c]) {
      const s = suppressSelection(column, rowSel, [true]);
      s.cells.forEach((cell, r) => cells[r]!.push(cell[0]!));
      totals.push(s.total);
    } else {
      shownRows.forEach((row, r) => cells[r]!.push(row[c] ?? 0));
      totals.push(sum(shownRows.map((row) => row[c] ?? 0)));
    }
  }
  return { cells, totals };
}

/**
 * Every scope a view can show — each center, each township, the county — for the tables that sum over
 * centers (suppression.ts suppressScoped); `index` is the scope of this view (null: a filter that
 * names no known center or township).
 */
interface Scopes {
  readonly centers: readonly string[];
  readonly townships: readonly (readonly number[])[];
  readonly index: number | null;
  /** The centers of this view's scope (none when `index` is null: the filter names no known center or township). */
  readonly inScope: readonly string[];
}

/** Which of a table's rows and columns a filtered view shows (all when omitted). */
interface Selection {
  readonly rows?: readonly boolean[];
  readonly cols?: readonly boolean[];
}

/** Each center's count in a table that sums over centers (every center, every row and column key). */
type PerCenter = (center: string, row: string, col: string) => number;

/**
 * A table summing over centers, suppressed over every scope together (suppressScoped) and shown for
 * this view's scope, with the rows and columns selected. A filter that names no known center or
 * township has no center in scope: each cell then sums the centers in scope, which is none.
 */
function overCenters(scopes: Scopes, rowKeys: readonly { key: string }[], colKeys: readonly { key: string }[], valueAt: PerCenter, rowSel: readonly boolean[], colSel: readonly boolean[]): SuppressedTable {
  if (scopes.index === null) return suppressSelection(rowKeys.map((r) => colKeys.map((c) => sum(scopes.inScope.map((x) => valueAt(x, r.key, c.key))))), rowSel, colSel);
  const cube = scopes.centers.map((c) => rowKeys.map((r) => colKeys.map((col) => valueAt(c, r.key, col.key))));
  const slice = suppressScoped(cube, scopes.townships, rowKeys.length, colKeys.length)(scopes.index);
  return selectIn(slice.table, slice.values, rowSel, colSel);
}

/**
 * What a table counts: plain numbers (sessions; every one shown), children in a table whose rows and
 * columns are the whole table's (suppressSelection), or children summed over centers (overCenters).
 */
type Counts =
  | { readonly plain: (row: string, col: string) => number }
  | { readonly children: (row: string, col: string) => number }
  | { readonly scopes: Scopes; readonly perCenter: PerCenter };

/**
 * A table of `rowKeys` × `colKeys` with totals. With `sel`, the keys are the whole table's (every
 * center, every group) and the view shows the selected rows and columns; counts of children are
 * then suppressed as in the whole table (suppressSelection), so a filter cannot uncover a cell.
 */
function crossTable(
  id: string,
  title: Label,
  rowHeader: Label,
  rowKeys: readonly { key: string; label: Label }[],
  colKeys: readonly { key: string; label: Label }[],
  counts: Counts,
  chart: ReportTable['chart'],
  note?: Label,
  sel: Selection = {},
): ReportTable {
  const rowSel = rowKeys.map((_, i) => sel.rows?.[i] ?? true);
  const colSel = colKeys.map((_, i) => sel.cols?.[i] ?? true);
  const rowsShown = rowKeys.filter((_, i) => rowSel[i]);
  const shownColumns = colKeys.filter((_, i) => colSel[i]).map((c) => c.label);
  // A Total column beside a single column would only repeat it.
  const withTotal = shownColumns.length > 1;
  const columns = withTotal ? [...shownColumns, { k: 'county.total' }] : shownColumns;
  const line = <T>(cells: readonly T[], total: T): T[] => (withTotal ? [...cells, total] : [...cells]);
  const valuesOf = (value: (row: string, col: string) => number) => rowKeys.map((r) => colKeys.map((c) => value(r.key, c.key)));
  if (!('plain' in counts)) {
    const s = 'perCenter' in counts ? overCenters(counts.scopes, rowKeys, colKeys, counts.perCenter, rowSel, colSel) : suppressSelection(valuesOf(counts.children), rowSel, colSel);
    return {
      id, title, rowHeader, chart, note, columns,
      rows: rowsShown.map((r, i) => ({ label: r.label, cells: line<Cell>(s.cells[i]!, s.rowTotals[i]!) })),
      totals: line<Cell>(s.colTotals, s.total),
    };
  }
  const shown = valuesOf(counts.plain).filter((_, r) => rowSel[r]).map((row) => row.filter((_, c) => colSel[c]));
  return {
    id, title, rowHeader, chart, note, columns,
    rows: rowsShown.map((r, i) => ({ label: r.label, cells: line<Cell>(shown[i]!, sum(shown[i]!)) })),
    totals: line<Cell>(shownColumns.map((_, c) => sum(shown.map((v) => v[c]!))), sum(shown.flat())),
  };
}

/**
 * Sums `value` of `rows` by `key`, in one pass: each table cell is then a look-up, so
 * building the tables costs rows + cells, not rows × cells (which grew as centers²).
 */
function sumsBy<R>(rows: readonly R[], key: (r: R) => string, value: (r: R) => number): (k: string) => number {
  const sums = new Map<string, number>();
  for (const r of rows) {
    const k = key(r);
    sums.set(k, (sums.get(k) ?? 0) + value(r));
  }
  return (k) => sums.get(k) ?? 0;
}

/** Like ratio, but "×" when the numerator is hidden: the ratio would give it back. */
function hiddenRatio(a: Cell, b: Cell, times = 1): Cell {
  return isHidden(a) ? HIDDEN : ratio(a, b, times);
}

/** Divides, or null (—) when either side is hidden or the divisor is 0; one decimal. */
function ratio(a: Cell, b: Cell, times = 1): Cell {
  if (typeof a !== 'number' || typeof b !== 'number' || b === 0) return null;
  return Math.round((a / b) * times * 10) / 10;
}

/** The dashboard's sections for `data` under `filters`, as of `today` (yyyy-mm-dd). */
export function buildReport(data: CountyData, filters: Filters, today: string): ReportSection[] {
  const allCenters = centersOf(data);
  const centers = allCenters.filter((c) => (!filters.township || c.township === filters.township) && (!filters.centerId || c.id === filters.centerId));
  const inScope = new Set(centers.map((c) => c.id));
  const months = periodMonths(data.period);
  const inPeriod = (m: unknown) => months.includes(String(m));
  const centerRows = centers.map((c) => ({ key: c.id, label: { text: c.name } as Label }));
  const groups = CHILD_GROUPS.filter((g) => groupMatches(filters.group, g));
  const groupRows = groups.map((g) => ({ key: g, label: groupLabel(g) }));

  // Index the rows once: key tuples joined.
  const sessions = data.sessions.filter((r) => inScope.has(String(r.key[1])));
  // Tables of children per center are built over every center and shown for the centers in
  // scope (suppressSelection), so a filter cannot uncover a hidden cell; hence the county-wide rows.
  const servicesCounty = data.services.filter((r) => inPeriod(r.key[0]) && groupMatches(filters.group, String(r.key[2])));
  const services = servicesCounty.filter((r) => inScope.has(String(r.key[1])));
  const allCenterRows = allCenters.map((c) => ({ key: c.id, label: { text: c.name } as Label }));
  const centerSel = allCenters.map((c) => inScope.has(c.id));
  const allGroupRows = CHILD_GROUPS.map((g) => ({ key: g, label: groupLabel(g) }));
  const groupSel = CHILD_GROUPS.map((g) => groupMatches(filters.group, g));
  const townshipList = [...new Set(allCenters.map((c) => c.township))];
  const chosenCenter = filters.centerId === null ? -1 : allCenters.findIndex((c) => c.id === filters.centerId && (!filters.township || c.township === filters.township));
  const chosenTownship = filters.township === null ? -1 : townshipList.indexOf(filters.township);
  const scopes: Scopes = {
    centers: allCenters.map((c) => c.id),
    townships: townshipList.map((t) => allCenters.flatMap((c, i) => (c.township === t ? [i] : []))),
    index:
      filters.centerId !== null ? (chosenCenter >= 0 ? chosenCenter : null)
      : filters.township !== null ? (chosenTownship >= 0 ? allCenters.length + chosenTownship : null)
      : allCenters.length + townshipList.length,
    inScope: centers.map((c) => c.id),
  };
  /** Columns of center tally measures by group (rows: every group, shown as the filter says), each suppressed over every scope together. */
  const scopedColumns = (measures: readonly string[]): { cells: Cell[][]; totals: Cell[] } => {
    const shown = measures.map((m) => overCenters(scopes, allGroupRows, [{ key: '' }], (c, g) => tally.get(`${c}|${m}|${g}`) ?? 0, groupSel, [true]));
    return { cells: groups.map((_, i) => shown.map((c) => c.cells[i]![0]!)), totals: shown.map((c) => c.total) };
  };
  const tally = new Map<string, number>();
  for (const r of data.tallies) if (r.key[0] === data.period) tally.set(`${r.key[1]}|${r.key[2]}|${r.key[3]}`, r.value);
  const tallyOf = (center: string, measure: string, group: string | null) =>
    group === null ? (tally.get(`${center}|${measure}|`) ?? 0) : sum(groups.filter((g) => group === '*' || g === group).map((g) => tally.get(`${center}|${measure}|${g}`) ?? 0));

  // Activity.
  const sessionsIn = sessions.filter((r) => inPeriod(r.key[0]));
  const typesSeen = new Set([...sessionsIn.map((r) => r.key[2]), ...services.map((r) => r.key[3])]);
  const providersSeen = new Set(sessionsIn.map((r) => r.key[3]));
  const usedTypes = SERVICE_TYPES.filter((t) => typesSeen.has(t)).map((t) => ({ key: t, label: typeLabel(t) }));
  const usedProviders = PROVIDER_KINDS.filter((p) => providersSeen.has(p)).map((p) => ({ key: p, label: { k: `services.providerKind.${p}` } as Label }));
  const sessionsByCenterType = sumsBy(sessionsIn, (r) => `${r.key[1]}|${r.key[2]}`, (r) => sessionsOf(r.value));
  const sessionsByCenterProvider = sumsBy(sessionsIn, (r) => `${r.key[1]}|${r.key[3]}`, (r) => sessionsOf(r.value));
  const servicesByCenterType = sumsBy(servicesCounty, (r) => `${r.key[1]}|${r.key[3]}`, (r) => r.value);
  const countyTypesSeen = new Set([...data.sessions.filter((r) => inPeriod(r.key[0])).map((r) => r.key[2]), ...servicesCounty.map((r) => r.key[3])]);
  const countyTypes = SERVICE_TYPES.filter((t) => countyTypesSeen.has(t)).map((t) => ({ key: t, label: typeLabel(t) }));
  const countyTypeSel = countyTypes.map((t) => typesSeen.has(t.key));
  // The attendance table's whole pattern: a ratio drawn from its cells is shown only where they are (resources).
  const attendanceWhole = suppressTable(allCenters.map((c) => countyTypes.map((t) => servicesByCenterType(`${c.id}|${t.key}`))));
  const activity: ReportSection = {
    id: 'activity',
    tables: [
      crossTable('activity-sessions', { k: 'county.t.sessions' }, { k: 'county.center' }, centerRows, usedTypes, { plain: (c, t) => sessionsByCenterType(`${c}|${t}`) }, 'stacked'),
      crossTable('activity-providers', { k: 'county.t.providers' }, { k: 'county.center' }, centerRows, usedProviders, { plain: (c, p) => sessionsByCenterProvider(`${c}|${p}`) }, 'stacked'),
      crossTable('activity-attendances', { k: 'county.t.attendances' }, { k: 'county.center' }, allCenterRows, countyTypes, { children: (c, t) => servicesByCenterType(`${c}|${t}`) }, 'stacked', undefined, { rows: centerSel, cols: countyTypeSel }),
    ],
  };

  // Reach.
  const reachTable = crossTable('reach-groups', { k: 'county.t.reach' }, { k: 'county.center' }, allCenterRows, allGroupRows, { children: (c, g) => tally.get(`${c}|reached|${g}`) ?? 0 }, 'stacked', undefined, { rows: centerSel, cols: groupSel });
  const reg = scopedColumns(['enrolled', 'reached', 'regular']);
  const regularTable: ReportTable = {
    id: 'reach-regular', title: { k: 'county.t.regular' }, rowHeader: { k: 'county.group' }, chart: 'bar',
    columns: [{ k: 'county.m.enrolled' }, { k: 'county.m.reached' }, { k: 'county.m.regular' }, { k: 'county.m.regularShare' }],
    rows: groupRows.map((g, i) => ({ label: g.label, cells: [...reg.cells[i]!, ratio(reg.cells[i]![2]!, reg.cells[i]![1]!, 100)] })),
    totals: [...reg.totals, ratio(reg.totals[2]!, reg.totals[1]!, 100)],
    note: { k: 'county.regularDefinition' },
    chartColumns: [0, 1, 2],
  };

  // Service mix by group: the service types each group receives (人次).
  const servicesByCenterTypeGroup = sumsBy(data.services.filter((r) => inPeriod(r.key[0])), (r) => `${r.key[1]}|${r.key[3]}|${r.key[2]}`, (r) => r.value);
  const townshipOfAll = new Map(allCenters.map((c) => [c.id, c.township]));
  const servicesAllGroups = data.services.filter((r) => inPeriod(r.key[0]) && (filters.centerId === null || inScope.has(String(r.key[1]))));
  const servicesByTownshipGroup = sumsBy(servicesAllGroups, (r) => `${townshipOfAll.get(String(r.key[1]))}|${r.key[2]}`, (r) => r.value);
  // With a township (or none) chosen, the table is every township's, shown for those in scope; with one center, that center's row.
  const townshipKeys = [...new Set((filters.centerId === null ? allCenters : centers).map((c) => c.township))];
  const scopeTownships = new Set(centers.map((c) => c.township));
  const mix: ReportSection = {
    id: 'mix',
    tables: [
      crossTable('mix-groups', { k: 'county.t.mix' }, { k: 'county.serviceType' }, countyTypes, allGroupRows, { scopes, perCenter: (c, t, g) => servicesByCenterTypeGroup(`${c}|${t}|${g}`) }, 'stacked', undefined, {
        rows: countyTypeSel, cols: groupSel,
      }),
      crossTable(
        'mix-townships', { k: 'county.t.mixTownship' }, { k: 'county.township' },
        townshipKeys.map((t) => ({ key: t, label: t ? { text: t } : { k: 'county.noTownship' } })),
        allGroupRows,
        { children: (tw, g) => servicesByTownshipGroup(`${tw}|${g}`) },
        'stacked', undefined,
        { rows: townshipKeys.map((t) => scopeTownships.has(t)), cols: groupSel },
      ),
    ],
  };

  // Resources: adults and professional services per child.
  const resValues = allCenters.map((c) => [tallyOf(c.id, 'enrolled', '*'), tallyOf(c.id, 'staffActive', null), tallyOf(c.id, 'volunteersActive', null)]);
  const res = suppressColumns(resValues, [true, false, false], centerSel);
  const professionalSum = sumsBy(services.filter((r) => (PROFESSIONAL_SERVICES as readonly string[]).includes(String(r.key[3]))), (r) => String(r.key[1]), (r) => r.value);
  // Professional attendances are counted in the attendance table: a ratio from them is shown only when
  // every cell it sums is shown there (else 28.6 per 100 of 14 children gives a hidden 4 back).
  const profCols = countyTypes.map((t, i) => ((PROFESSIONAL_SERVICES as readonly string[]).includes(t.key) ? i : -1)).filter((i) => i >= 0);
  const centerIndex = new Map(allCenters.map((c, i) => [c.id, i]));
  const profShown = (ids: readonly string[]) =>
    ids.every((id) => profCols.every((col) => typeof attendanceWhole.cells[centerIndex.get(id)!]![col] === 'number')) ||
    (ids.length === allCenters.length && profCols.every((col) => typeof attendanceWhole.colTotals[col] === 'number'));
  const professional = (ids: readonly string[]): Cell => (profShown(ids) ? sum(ids.map(professionalSum)) : HIDDEN);
  const resources: ReportSection = {
    id: 'resources',
    tables: [
      {
        id: 'resources-centers', title: { k: 'county.t.resources' }, rowHeader: { k: 'county.center' }, chart: 'bar',
        columns: [{ k: 'county.m.enrolled' }, { k: 'county.m.staff' }, { k: 'county.m.volunteers' }, { k: 'county.m.childrenPerAdult' }, { k: 'county.m.professionalPer100' }],
        rows: centerRows.map((c, i) => {
          const [enrolled, staff, volunteers] = res.cells[i]! as [Cell, number, number];
          return { label: c.label, cells: [enrolled, staff, volunteers, ratio(enrolled, staff + volunteers), hiddenRatio(professional([c.key]), enrolled, 100)] };
        }),
        totals: [res.totals[0]!, res.totals[1]!, res.totals[2]!, ratio(res.totals[0]!, (res.totals[1] as number) + (res.totals[2] as number)), hiddenRatio(professional(centers.map((c) => c.id)), res.totals[0]!, 100)],
        note: { k: 'county.professionalDefinition' },
        chartColumns: [3, 4],
      },
    ],
  };

  // Coordination: one type from several provider kinds in one center-month (possible duplication), and gaps.
  const dup = new Map<string, { providers: Set<string>; sessions: number }>();
  for (const r of sessionsIn) {
    const k = `${r.key[1]}|${r.key[0]}|${r.key[2]}`;
    const d = dup.get(k) ?? { providers: new Set(), sessions: 0 };
    d.providers.add(String(r.key[3]));
    d.sessions += sessionsOf(r.value);
    dup.set(k, d);
  }
  const nameOf = new Map(allCenters.map((c) => [c.id, c.name]));
  const dupRows = [...dup.entries()].filter(([, d]) => d.providers.size > 1).sort(([a], [b]) => a.localeCompare(b));
  const lastMonth = months.at(-1)!;
  const gapWindow = [lastMonth];
  while (gapWindow.length < GAP_MONTHS) gapWindow.push(previousMonth(gapWindow.at(-1)!));
  const servedInWindow = new Set(sessions.filter((r) => gapWindow.includes(String(r.key[0]))).map((r) => `${r.key[1]}|${r.key[2]}`));
  const coordination: ReportSection = {
    id: 'coordination',
    tables: [
      {
        id: 'coordination-duplication', title: { k: 'county.t.duplication' }, rowHeader: { k: 'county.centerMonthType' }, chart: 'none',
        columns: [{ k: 'county.m.providerKinds' }, { k: 'county.m.sessions' }],
        rows: dupRows.map(([k, d]) => {
          const [center, month, type] = k.split('|') as [string, string, string];
          return { label: { k: 'county.dupRow', p: { center: nameOf.get(center) ?? center, month, type: `services.type.${type}` } }, cells: [d.providers.size, d.sessions] };
        }),
        totals: null,
      },
      // One column, and no totals row: a sum over service types would count each center once per
      // service it lacks, which no reader of "centers without the service" expects.
      {
        id: 'coordination-gaps', title: { k: 'county.t.gaps', p: { n: GAP_MONTHS } }, rowHeader: { k: 'county.serviceType' }, chart: 'bar',
        columns: [{ k: 'county.m.centersWithout' }],
        rows: SERVICE_TYPES.map((t) => ({ label: typeLabel(t), cells: [centers.filter((c) => !servedInWindow.has(`${c.id}|${t}`)).length] })),
        totals: null,
        note: { k: 'county.gapDefinition', p: { n: GAP_MONTHS, to: lastMonth } },
      },
    ],
  };

  // Continuity.
  /**
   * Children of each group (rows) by band (columns), summed over the centers in scope. A center
   * whose tally lacks the bands (an older kiosk) but counts children in the group is left out of
   * the sums and named in the note; a group no center has the bands for shows "no data", never 0.
   */
  const leftBehindRows = allGroupRows.filter((g) => g.key.startsWith('left-behind'));
  const bandTable = (id: string, title: Label, rowsAll: typeof allGroupRows, bands: readonly string[], bandKey: string, definition: { k: string }): ReportTable => {
    const rowSel = rowsAll.map((g) => groupMatches(filters.group, g.key));
    const rows = rowsAll.filter((_, i) => rowSel[i]);
    // The view marks a group's tally that counted the bands ('_bands'; a band of 0 has no row). An
    // answer kept on a device before that mark existed has a row for every band: its first band's row then says so.
    const counted = (c: string, g: string) => tally.has(`${c}|_bands|${g}`) || tally.has(`${c}|${bands[0]}|${g}`);
    /**
     * A group's centers in scope: the names of those whose tally lacks the bands though they count children
     * in the group (left out of the sums, named in the note), and whether the group's bands are known — some
     * center counted them, or none lacks them (no child anywhere: a true 0).
     */
    const bandsOf = (g: string) => {
      const lacking = centers.filter((c) => !counted(c.id, g) && tallyOf(c.id, 'enrolled', g) > 0).map((c) => c.name);
      return { lacking, known: lacking.length === 0 || centers.some((c) => counted(c.id, g)) };
    };
    const perGroup = rows.map((g) => bandsOf(g.key));
    const lacking = new Set(perGroup.flatMap((p) => p.lacking));
    // A center whose tally lacks the bands counts 0 in them (left out, and named in the note).
    const valueAt = (c: string, g: string, b: string) => (counted(c, g) ? (tally.get(`${c}|${b}|${g}`) ?? 0) : 0);
    const s = overCenters(scopes, rowsAll, bands.map((b) => ({ key: b })), valueAt, rowSel, bands.map(() => true));
    const noData = [...bands, 'total'].map(() => 'countyBands.noData');
    return {
      id, title, rowHeader: { k: 'county.group' }, chart: 'stacked',
      columns: [...bands.map((b) => ({ k: `${bandKey}.${b.replace(/^(attend|visits|contacts)/, '')}` })), { k: 'county.total' }],
      rows: rows.map((g, i) => ({ label: g.label, cells: perGroup[i]!.known ? [...s.cells[i]!, s.rowTotals[i]!] : noData })),
      totals: perGroup.some((p) => p.known) ? [...s.colTotals, s.total] : noData,
      note: lacking.size > 0 ? { k: `${definition.k}Missing`, p: { centers: [...lacking].join('、') } } : definition,
    };
  };
  const cont = scopedColumns(['enrolled', 'regular', 'longGap', 'surrogateVisit', 'parentContact']);
  const continuity: ReportSection = {
    id: 'continuity',
    tables: [
      {
        id: 'continuity-groups', title: { k: 'county.t.continuity' }, rowHeader: { k: 'county.group' }, chart: 'bar',
        columns: [{ k: 'county.m.enrolled' }, { k: 'county.m.regular' }, { k: 'county.m.longGap' }, { k: 'county.m.surrogateVisit' }, { k: 'county.m.parentContact' }],
        rows: groupRows.map((g, i) => ({ label: g.label, cells: cont.cells[i]!.map((cell, c) => (c >= 3 && !g.key.startsWith('left-behind') ? null : cell)) })),
        totals: cont.totals,
        note: { k: 'county.continuityDefinition' },
      },
      bandTable('continuity-regularity', { k: 'countyBands.t.regularity' }, allGroupRows, ATTENDANCE_BANDS, 'countyBands.attend', { k: 'countyBands.regularityDefinition' }),
      bandTable('continuity-visits', { k: 'countyBands.t.visits' }, leftBehindRows, VISIT_BANDS, 'countyBands.times', { k: 'countyBands.visitsDefinition' }),
      bandTable('continuity-contacts', { k: 'countyBands.t.contacts' }, leftBehindRows, CONTACT_BANDS, 'countyBands.times', { k: 'countyBands.contactsDefinition' }),
    ],
  };

  // Wellbeing: mood check-ins by month (faces), screening levels by group, follow-ups per center.
  const monthRows = months.map((m) => ({ key: m, label: { text: m } as Label }));
  const levelCols = LEVELS.map((l) => ({ key: l, label: { k: `screenings.level.${l}` } as Label }));
  const faceCols = [1, 2, 3, 4, 5].map((f) => ({ key: String(f), label: { k: `county.face.${f}` } as Label }));
  // Each center's counts: these tables are suppressed over every scope together (overCenters).
  const moodsInPeriod = data.moods.filter((r) => inPeriod(r.key[0]));
  const screeningsInPeriod = data.screenings.filter((r) => inPeriod(r.key[0]));
  const moodsCMF = sumsBy(moodsInPeriod.filter((r) => groupMatches(filters.group, String(r.key[2]))), (r) => `${r.key[1]}|${r.key[0]}|${r.key[3]}`, (r) => r.value);
  const moodsCGF = sumsBy(moodsInPeriod, (r) => `${r.key[1]}|${r.key[2]}|${r.key[3]}`, (r) => r.value);
  const screeningsCGL = sumsBy(screeningsInPeriod, (r) => `${r.key[1]}|${r.key[2]}|${r.key[3]}`, (r) => r.value);
  const screeningsCML = sumsBy(screeningsInPeriod.filter((r) => groupMatches(filters.group, String(r.key[2]))), (r) => `${r.key[1]}|${r.key[0]}|${r.key[3]}`, (r) => r.value);
  const moodTable = crossTable(
    'wellbeing-moods', { k: 'county.t.moods' }, { k: 'county.month' },
    months.map((m) => ({ key: m, label: { text: m } })),
    [1, 2, 3, 4, 5].map((f) => ({ key: String(f), label: { k: `county.face.${f}` } })),
    { scopes, perCenter: (c, m, f) => moodsCMF(`${c}|${m}|${f}`) },
    'line',
  );
  const followValues = allCenters.map((c) => [tallyOf(c.id, 'followupsOpen', null), tallyOf(c.id, 'followupsOverdue', null)]);
  const follow = suppressColumns(followValues, [true, true], centerSel);
  const wellbeing: ReportSection = {
    id: 'wellbeing',
    tables: [
      moodTable,
      crossTable('wellbeing-moods-groups', { k: 'countyBands.t.moodsByGroup' }, { k: 'county.group' }, allGroupRows, faceCols, { scopes, perCenter: (c, g, f) => moodsCGF(`${c}|${g}|${f}`) }, 'stacked', { k: 'countyBands.moodsDefinition' }, {
        rows: groupSel,
      }),
      crossTable('wellbeing-screenings', { k: 'county.t.screenings' }, { k: 'county.group' }, allGroupRows, levelCols, { scopes, perCenter: (c, g, l) => screeningsCGL(`${c}|${g}|${l}`) }, 'stacked', { k: 'county.levelsOnly' }, {
        rows: groupSel,
      }),
      crossTable('wellbeing-screenings-months', { k: 'countyBands.t.screeningsByMonth' }, { k: 'county.month' }, monthRows, levelCols, { scopes, perCenter: (c, m, l) => screeningsCML(`${c}|${m}|${l}`) }, 'line', { k: 'county.levelsOnly' }),
      { id: 'wellbeing-followups', title: { k: 'county.t.followups' }, rowHeader: { k: 'county.center' }, chart: 'bar', columns: [{ k: 'county.m.open' }, { k: 'county.m.overdue' }], rows: centerRows.map((c, i) => ({ label: c.label, cells: follow.cells[i]! })), totals: follow.totals },
    ],
  };

  // Data freshness.
  const last = new Map(data.freshness.map((r) => [String(r.key[0]), r.value.max]));
  const todayMs = Date.parse(`${today}T00:00:00Z`);
  const freshness: ReportSection = {
    id: 'freshness',
    tables: [
      {
        id: 'freshness-centers', title: { k: 'county.t.freshness' }, rowHeader: { k: 'county.center' }, chart: 'none',
        columns: [{ k: 'county.m.lastData' }, { k: 'county.m.daysSilent' }, { k: 'county.m.status' }],
        rows: centerRows.map((c) => {
          const ms = last.get(c.key);
          if (ms === undefined) return { label: c.label, cells: [null, null, 'county.status.never'] };
          // The device's local date (Beijing time on a county's machines), not UTC: a count sent at 07:30 is that day's.
          const lastDay = localDate(new Date(ms));
          const days = Math.max(0, Math.floor((todayMs - Date.parse(`${lastDay}T00:00:00Z`)) / 86_400_000));
          return { label: c.label, cells: [lastDay, days, days > SILENT_DAYS ? 'county.status.silent' : 'county.status.ok'] };
        }),
        totals: null,
        note: { k: 'countyBands.freshnessDefinition', p: { n: SILENT_DAYS } },
      },
    ],
  };
  return [activity, { id: 'reach', tables: [reachTable, regularTable] }, mix, resources, coordination, continuity, wellbeing, freshness];
}

/** True for a cell that is a status word key (freshness), so views translate it. */
export function isLabelCell(cell: Cell): cell is string {
  return typeof cell === 'string' && /^county[A-Za-z]*\./.test(cell);
}

export { HIDDEN, SUPPRESSED };
