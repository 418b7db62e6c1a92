/**
 * The county design document's views and their built-in reducers: the contract
 * between the county server (sync/couchdb/ddocs.ts installs them) and the
 * coordinator's dashboard (renderer/src/features/county reads them). Built-in
 * reducers only: they run inside CouchDB, unchanged on a cluster. The `month_` /
 * `period_` views put the period first, so one key range answers any period for
 * every center at once.
 *
 * No view reads the retired per-event copies (`countyAttendance`, `countyMood`,
 * sync/schema/county.ts): the views `attendance`, `moods` and `month_attendance` that
 * indexed them were read by no dashboard, report or roll-up and were removed in
 * DDOC_VERSION 7 (the kiosks' monthly tallies carry what is drawn). Since DDOC_VERSION 8
 * `month_sessions` and `month_services` read the kiosks' monthly service tallies
 * (serviceMonthTally), and `month_sessions` sums [sessions, minutes] (`_stats` would count
 * tally rows, not sessions). DDOC_VERSION 9 removed `services` and `sessions`, the center-first
 * views over the retired per-session copies (`serviceTally`), which no dashboard, report,
 * export, coverage table, roll-up or tool queried.
 */
export const COUNTY_VIEW_REDUCERS = {
  screenings: '_count',
  month_sessions: '_sum',
  month_services: '_sum',
  month_moods: '_sum',
  month_screenings: '_count',
  period_tallies: '_sum',
  centers: '_count',
  freshness: '_stats',
  coverage: '_count',
} as const;
export type CountyView = keyof typeof COUNTY_VIEW_REDUCERS;
export const COUNTY_VIEWS = Object.keys(COUNTY_VIEW_REDUCERS) as CountyView[];
