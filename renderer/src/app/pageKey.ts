/**
 * Which page instance shows a route. Vue Router reuses a page's component
 * when only its parameters or query change (child A's edit page → child B's),
 * so a page that loads its record on mount would keep A's record and form and
 * save them onto B. Keying the page by the whole address makes every change
 * of record a fresh page that loads its own record: one rule for every page
 * keyed by a route parameter or query, including the pages still to come.
 * No page changes its own address for anything but another record, so
 * remounting on any change costs nothing a person would notice.
 */
import type { RouteLocationNormalizedLoaded } from 'vue-router';

export function pageKey(route: Pick<RouteLocationNormalizedLoaded, 'fullPath'>): string {
  return route.fullPath;
}
