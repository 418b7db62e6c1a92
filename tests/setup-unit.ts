// Unit tests that touch IndexedDB (Dexie, PouchDB's indexeddb adapter) get an
// in-memory implementation; the real one is exercised in Chromium by tests/e2e.
import 'fake-indexeddb/auto';
