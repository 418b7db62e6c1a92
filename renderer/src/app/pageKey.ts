/**
 * Which page instance shows a route. Vue Router reuses a page's component
 * when only its parameters or query change (child A's edit page → child B's),
 * so a page that loads its record on mount would keep A's record and form and
 * save them onto B. Keying the page by the whole address makes every change
 * of record a fresh page that loads its own record: one rule for every page
 * keyed by a route parameter or query, including the pages still to come.
 * Pages change their own address only for another record, with one kind of
 * exception: a page whose query holds its own view settings rather than a record
 * (the county dashboard writes its period and filters there, so a link or a
 * reload shows the same view). Such a route says so with `meta.queryIsView`, and
 * its page stays when only the query changes: remounting it would read every
 * view again on each filter change.
 */
import type { RouteLocationNormalizedLoaded } from 'vue-router';

export function pageKey(route: Pick<RouteLocationNormalizedLoaded, 'fullPath' | 'path' | 'meta'>): string {
  return route.meta.queryIsView ? route.path : route.fullPath;
}
