/*
 * validate_doc_update for every center database on the county CouchDB (ES5: it runs
 * inside CouchDB's JavaScript engine). The build step (ddocs.ts) replaces the
 * placeholders with the JSON Schemas generated from the zod schemas in sync/schema
 * (one rule set, two enforcers), the shared structure check (schema_check.js) and this
 * database's center id.
 *
 * Structure: a known `type`, and exactly the fields its schema allows — an unknown field
 * is refused, not ignored. A deletion carries nothing but `_id`, `_rev`, `_deleted`,
 * `type` and `centerId` (DESIGN.md: the county copy learns of deletes by them); CouchDB
 * keeps and replicates a tombstone's body, so any other field would leak.
 * Versions (sync/schema/versions.ts): SCHEMAS holds every schema version of each type,
 * and a document is checked against the version it says it has — kiosks of older app
 * versions keep writing older versions for months. A version above the newest this design
 * document knows comes from a kiosk newer than the server's rules: it is let through with
 * its envelope checked (NEWER: a known type, a center id, a whole version), so a center can
 * update its kiosks before county IT updates the design documents; authority is checked
 * the same. Provisioning the new design document restores the full check for that version.
 * Authority: a center's account writes only its own centerId into its own database;
 * only county administrators write design documents.
 *
 * Shape: the field is an expression that yields the validation function (an immediately
 * called function returning it), so the tables above (~100 KB of JSON Schema) are built once,
 * when CouchDB compiles the design document's function, and not again for every document
 * written. couchjs compiles a design document's functions once per JavaScript process and
 * keeps them; its loader evaluates the source as a script and takes the value it ends with
 * (share/server/util.js `compileFunction`), as the stand-in's loader (couchdb-eval, which
 * returns the expression) does. Nothing kept between calls changes: each call sees the same
 * read-only tables, and two design documents (two centers) each get their own.
 */
(function () {
  var SCHEMAS = /*SCHEMAS*/ null;
  var TOMBSTONE = /*TOMBSTONE*/ null;
  var NEWER = /*NEWER*/ null;
  var CENTER = /*CENTER*/ null;
  var check = /*CHECK*/ null;
  var own = Object.prototype.hasOwnProperty;

  // The newest schema version this design document knows, per type.
  var NEWEST = {};
  for (var type in SCHEMAS) {
    if (!own.call(SCHEMAS, type)) continue;
    var newest = 0;
    for (var v in SCHEMAS[type]) if (own.call(SCHEMAS[type], v) && Number(v) > newest) newest = Number(v);
    NEWEST[type] = newest;
  }

  function forbid(message) {
    throw { forbidden: message };
  }

  return function (newDoc, oldDoc, userCtx, secObj) {
    function hasRole(role) {
      return userCtx.roles.indexOf(role) !== -1;
    }
    var admin = hasRole('_admin') || hasRole('county-admin');
    if (newDoc._id.indexOf('_design/') === 0) {
      if (!admin) forbid('only county administrators may change design documents');
      return;
    }
    if (!admin && !hasRole('center:' + CENTER)) forbid('this account may not write to center ' + CENTER);

    var errors;
    if (newDoc._deleted) {
      errors = check(TOMBSTONE, newDoc, 'deletion');
      if (errors.length > 0) forbid('a deletion keeps only type and centerId: ' + errors.slice(0, 5).join('; '));
    } else {
      var versions = own.call(SCHEMAS, newDoc.type) ? SCHEMAS[newDoc.type] : null;
      if (!versions) forbid('unknown document type: ' + newDoc.type);
      var version = newDoc.schemaVersion;
      if (typeof version !== 'number' || version % 1 !== 0 || version < 1) forbid('invalid ' + newDoc.type + ' document: ' + newDoc.type + '.schemaVersion: expected a whole number from 1');
      if (version > NEWEST[newDoc.type]) errors = check(NEWER, newDoc, newDoc.type);
      else if (own.call(versions, String(version))) errors = check(versions[String(version)], newDoc, newDoc.type);
      else errors = [newDoc.type + '.schemaVersion: no version ' + version];
      if (errors.length > 0) forbid('invalid ' + newDoc.type + ' document: ' + errors.slice(0, 5).join('; '));
    }
    if (newDoc.centerId !== CENTER) forbid('centerId ' + newDoc.centerId + ' does not belong in the database of center ' + CENTER);
    // A mood tally's id names its center and month: every center's tallies meet in the county database, where
    // an id naming another center would collide with that center's own tally.
    if (!newDoc._deleted && newDoc.type === 'moodTally' && newDoc._id !== 'mtally:' + CENTER + ':' + newDoc.month)
      forbid('a mood tally of center ' + CENTER + ' for ' + newDoc.month + ' has the id mtally:' + CENTER + ':' + newDoc.month);
    // The same for a service tally (stally:<center>:<month>).
    if (!newDoc._deleted && newDoc.type === 'serviceMonthTally' && newDoc._id !== 'stally:' + CENTER + ':' + newDoc.month)
      forbid('a service tally of center ' + CENTER + ' for ' + newDoc.month + ' has the id stally:' + CENTER + ':' + newDoc.month);
  };
})()
