/*
 * Preloaded into the stand-in server (pouchdb-server) by localServer.ts with
 * `node --require`. One fix, named and tested (tests/integration/sync.test.ts,
 * "a replicated edit of an existing document reaches the server"):
 *
 * pouchdb-validation 4.2 overwrites an incoming document's `_revisions` with
 * the stored document's before running validate_doc_update. For a replicated
 * write (new_edits: false) that turns the new revision into the old one, so
 * every replicated edit of an existing document, and every conflicting
 * branch, is silently dropped once a database has a validate_doc_update.
 * Apache CouchDB keeps the incoming history; so does this fix.
 */
'use strict';
const Module = require('module');

const TARGET = /pouchdb-validation[\\/]lib[\\/]index\.js$/;
const BROKEN = 'newDoc._revisions = (oldDoc || {})._revisions;';
const FIXED = 'if (!newDoc._revisions) newDoc._revisions = (oldDoc || {})._revisions;';

const compile = Module.prototype._compile;
Module.prototype._compile = function (content, filename) {
  if (TARGET.test(filename)) {
    if (!content.includes(BROKEN)) {
      // A different pouchdb-validation: refuse to run a stand-in whose behaviour is unknown.
      console.error(`stand-in fix: ${filename} changed; review sync/couchdb/standin-fixes.cjs`);
      process.exit(70);
    }
    content = content.replace(BROKEN, FIXED);
  }
  return compile.call(this, content, filename);
};
