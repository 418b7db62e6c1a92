/** Builds the PouchDB constructor the app uses: core + indexeddb adapter + HTTP + replication + map/reduce. */
import PouchDB from 'pouchdb-core';
import IndexedDbAdapter from 'pouchdb-adapter-indexeddb';
import HttpAdapter from 'pouchdb-adapter-http';
import Replication from 'pouchdb-replication';
import MapReduce from 'pouchdb-mapreduce';

PouchDB.plugin(IndexedDbAdapter).plugin(HttpAdapter).plugin(Replication).plugin(MapReduce);

export const CENTER_DB_NAME = 'tongxin-center';

export function openCenterDb(name = CENTER_DB_NAME): PouchDB.Database {
  return new PouchDB(name, { adapter: 'indexeddb' });
}

export { PouchDB };
