/*
 * The county copy's rule as a replication filter function (ES5). CouchDB 3
 * uses the equivalent `selector` (ddocs.ts: COUNTY_SELECTOR), which is faster;
 * this filter serves only the bundled trial server (pouchdb-server), which
 * crashes on a `_replicator` document with a selector. Tests check that both
 * pass exactly the same documents. A child's attendance, moods and screenings
 * go only with the guardian's county-statistics consent at the time.
 */
function (doc, req) {
  var TYPES = /*TYPES*/ null;
  var CONSENTED = /*CONSENTED*/ null;
  if (doc._id.indexOf('private:') === 0 || doc._id.indexOf('_design/') === 0) return false;
  if (TYPES.indexOf(doc.type) === -1) return false;
  if (doc._deleted) return true;
  if (CONSENTED.indexOf(doc.type) === -1) return true;
  return !!(doc.snapshot && doc.snapshot.countyOk === true);
}
