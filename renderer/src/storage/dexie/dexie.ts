/**
 * Dexie as the app uses it: never in its debug mode. Dexie turns debug mode on by itself for a
 * page served from localhost or 127.0.0.1 — where the kiosk runs when it falls back to Chromium
 * (electron/launch.mjs), and where the tests and benchmarks serve it. Debug mode wraps every
 * transaction in `console.createTask`, which with an inspector attached captures a stack trace
 * with line numbers; at boot that stack reaches the bundle's top level, and V8 parsed the whole
 * bundle again to number it (issue 19). A kiosk is never a development build.
 */
import Dexie from 'dexie';

Dexie.debug = false;

export default Dexie;
export type { Table } from 'dexie';
