/*
 * Preloaded into the stand-in server (pouchdb-server) by localServer.ts with
 * `node --require`. Four fixes, each named and tested:
 *
 * 1. pouchdb-validation 4.2 overwrites an incoming document's `_revisions` with
 *    the stored document's before running validate_doc_update. For a replicated
 *    write (new_edits: false) that turns the new revision into the old one, so
 *    every replicated edit of an existing document, and every conflicting
 *    branch, is silently dropped once a database has a validate_doc_update.
 *    Apache CouchDB keeps the incoming history; so does this fix.
 *    (tests/integration/sync.test.ts, "a replicated edit of an existing document reaches the server")
 *
 * 2. pouchdb-replicator 4.2, when a running replication's `_replicator` document
 *    is deleted, cancels the replication and then records "completed" on the
 *    document by id: the document is gone, the rejected promise is unhandled and
 *    the whole server exits. If a new document with the same id was written
 *    meanwhile (provisioning replaces one that way), the old replication's end is
 *    recorded on the new one. Apache CouchDB does neither; with this fix the
 *    stand-in records a replication's end only on the document that started it.
 *    (tests/integration/county.test.ts, "a replication document replaced or deleted on the trial server")
 *
 * 3. pouchdb-mapreduce 7.3 (the stand-in's views) runs a map function by building a new
 *    V8 context and compiling the function's source again for every document it indexes
 *    (`vm.runInNewContext`). A CPU profile of one county view being built spent 44% of
 *    the time there and 17% in garbage collection: a county of five centers took over an
 *    hour for its views. Apache CouchDB compiles a design document's functions once per
 *    JavaScript process and calls them for each document. So does this fix: one sandbox
 *    context per function (still no access to Node), the function compiled once, each
 *    document handed in as JSON and parsed inside it, so the function gets its own copy
 *    as before.
 *    (sync/couchdb/standinViews.test.ts)
 *
 * 4. pouchdb-validation 4.2 reads every design document with its body and compiles its
 *    validate_doc_update again for every document written: our design document carries the
 *    views too (~130 KB), so a `_bulk_docs` of 1,000 documents took ~10 s instead of ~1 s
 *    (seeding the sync bench's center of 300 children × 3 years would take over an hour).
 *    Apache CouchDB compiles a design document's functions once. So does this fix: the
 *    design documents' revisions are listed (no bodies), and the compiled functions are reused
 *    while those revisions are the same; a changed, added or deleted design document compiles
 *    them again. The listing is made once for the writes that start together — the documents
 *    of one `_bulk_docs`, as CouchDB validates a batch with one set of functions — and not for
 *    each of them: 2,000 listings per request (each a LevelDB iterator, queued behind the
 *    adapter's read lock) were ~18% of the server's CPU during a first push (issue 16).
 *    (sync/couchdb/standinValidation.test.ts)
 */
'use strict';
const Module = require('module');

/** Fix 3: the replacement for pouchdb-mapreduce's evalFunctionInVm (see above). */
const MAP_IN_ONE_CONTEXT = `function evalFunctionInVm(func, emit) {
  var run = vm.runInNewContext('(function () {"use strict";' +
    'var createBuiltInError = ' + createBuiltInErrorInVm.toString() + ';' +
    'var sum = ' + sum.toString() + ';' +
    'var log = function () {};' +
    'var isArray = Array.isArray;' +
    'var toJSON = JSON.parse;' +
    'var __emitteds__ = [];' +
    'var emit = function (key, value) {__emitteds__.push([key, value]);};' +
    'var __fun__ = (' + func.replace(/;\\s*$/, '') + ');' +
    'var parse = function (s) { return s === undefined ? undefined : JSON.parse(s); };' +
    'return function (a1, a2, a3) {' +
    '  __emitteds__ = [];' +
    '  var r = __fun__(parse(a1), parse(a2), parse(a3));' +
    '  return {result: r, emitteds: __emitteds__};' +
    '};' +
    '})()');
  return function (arg1, arg2, arg3) {
    var output = run(JSON.stringify(arg1), JSON.stringify(arg2), JSON.stringify(arg3));
    output.emitteds.forEach(function (emitted) {
      emit(emitted[0], emitted[1]);
    });
    if (isBuiltInError(output.result)) {
      output.result = convertToTrueError(output.result);
    }
    return output.result;
  };
}`;

/** Fix 4: pouchdb-validation's getValidationFunctions, compiled once per set of design document revisions (see above). */
const VALIDATION_ONCE = `var validationCache = new Map();
var designListing = new Map();
function listDesignDocs(db) {
  // One listing serves every write that starts in the same turn: the documents of one _bulk_docs (all
  // validated at once). A write that starts later lists them again, so a changed design document applies.
  var listing = designListing.get(db.name);
  if (listing) return listing;
  listing = db.allDocs({ startkey: "_design/", endkey: "_design0" });
  designListing.set(db.name, listing);
  process.nextTick(function () { if (designListing.get(db.name) === listing) designListing.delete(db.name); });
  return listing;
}
function getValidationFunctions(db) {
  return listDesignDocs(db).then(function (res) {
    var revs = res.rows.map(function (row) { return row.id + "@" + row.value.rev; }).join(",");
    var cached = validationCache.get(db.name);
    if (cached && cached.revs === revs) return cached.funcs;
    // The promise is kept, so the documents of one _bulk_docs (validated all at once) share one compile.
    var funcs = getValidationFunctionsEachTime(db);
    validationCache.set(db.name, { revs: revs, funcs: funcs });
    funcs.catch(function () { if (validationCache.get(db.name) && validationCache.get(db.name).funcs === funcs) validationCache.delete(db.name); });
    return funcs;
  });
}
function getValidationFunctionsEachTime(db) {`;

const PATCHES = [
  {
    target: /pouchdb-validation[\\/]lib[\\/]index\.js$/,
    replace: [
      ['newDoc._revisions = (oldDoc || {})._revisions;', 'if (!newDoc._revisions) newDoc._revisions = (oldDoc || {})._revisions;'],
      ['function getValidationFunctions(db) {', VALIDATION_ONCE],
    ],
  },
  {
    // Only the stand-in's own copy (7.3): the app's PouchDB in the browser runs views without vm.
    target: /pouchdb-server[\\/]node_modules[\\/]pouchdb-mapreduce[\\/]lib[\\/]index\.js$/,
    // The old function stays in the file under another name, unused.
    replace: [['function evalFunctionInVm(func, emit) {', `${MAP_IN_ONE_CONTEXT}\nfunction evalFunctionInVmPerDocument(func, emit) {`]],
  },
  {
    target: /pouchdb-replicator[\\/]lib[\\/]index\.js$/,
    replace: [
      [
        'replication.then(onReplicationComplete.bind(null, db, doc._id));\n    replication.catch(onReplicationError.bind(null, db, doc._id));',
        "replication.then(onReplicationComplete.bind(null, db, doc._id + '\\u0000' + doc._replication_id));\n    replication.catch(onReplicationError.bind(null, db, doc._id + '\\u0000' + doc._replication_id));",
      ],
      [
        'function updateExistingDoc(db, docId, func) {\n  db.get(docId).then(function (doc) {\n    cleanupReplicationData(db, doc);',
        "function updateExistingDoc(db, key, func) {\n  var docId = key.split('\\u0000')[0];\n  var repId = key.split('\\u0000')[1];\n" +
          '  db.get(docId).catch(function (err) { if (err.status === 404) return null; throw err; }).then(function (doc) {\n' +
          '    if (!doc || (repId && doc._replication_id !== repId)) return;\n    cleanupReplicationData(db, doc);',
      ],
      ['        updateExistingDoc(db, docId, func);', '        updateExistingDoc(db, key, func);'],
    ],
  },
];

const compile = Module.prototype._compile;
Module.prototype._compile = function (content, filename) {
  for (const p of PATCHES) {
    if (!p.target.test(filename)) continue;
    for (const [broken, fixed] of p.replace) {
      if (!content.includes(broken)) {
        // A different version: refuse to run a stand-in whose behaviour is unknown.
        console.error(`stand-in fix: ${filename} changed; review sync/couchdb/standin-fixes.cjs`);
        process.exit(70);
      }
      content = content.replace(broken, fixed);
    }
  }
  return compile.call(this, content, filename);
};
