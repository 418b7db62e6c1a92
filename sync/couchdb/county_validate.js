/*
 * validate_doc_update of the county database (ES5). Only county administrators and each
 * center's replication-only account write here (the latter only its own center's documents), and even they write
 * only the county copy's closed table (sync/schema/county.ts): a type the table lists,
 * under that type's id prefix, with exactly the fields its schema allows, and an event
 * about a child only with the guardian's county-statistics consent. A deletion keeps
 * `_id`, `_rev`, `_deleted`, `type` and `centerId`, nothing else. Anything else a center
 * database lets through by mistake is refused here, and the replication reports it.
 * Like the center databases' function (validate_doc_update.js, "Shape"), the field is an
 * expression yielding the function, so the table is built once per compile, not per document.
 */
(function () {
  var RULES = /*RULES*/ null;
  var TOMBSTONE = /*TOMBSTONE*/ null;
  var check = /*CHECK*/ null;

  function forbid(message) {
    throw { forbidden: message };
  }

  return function (newDoc, oldDoc, userCtx, secObj) {
    function hasRole(r) {
      return userCtx.roles.indexOf(r) !== -1;
    }
    function hasRolePrefix(prefix) {
      for (var i = 0; i < userCtx.roles.length; i++) if (userCtx.roles[i].indexOf(prefix) === 0) return true;
      return false;
    }
    var admin = hasRole('_admin') || hasRole('county-admin');
    if (newDoc._id.indexOf('_design/') === 0) {
      if (!admin) forbid('only county administrators may change design documents');
      return;
    }
    // Besides county administrators, only the county copy's replication account of a center
    // (admin.ts: roles copy-to:<county>, copy-from:<center>) writes, and only that center's documents;
    // in a provincial database (province.ts) the roll-up's account (rollup-to:<province>, a member of
    // that database only) writes every center's, copied from the county databases.
    var copier = hasRolePrefix('copy-to:') && hasRole('copy-from:' + newDoc.centerId);
    if (!admin && !copier && !hasRolePrefix('rollup-to:')) forbid('only county administrators and the county copy write to the county database');

    var rule = Object.prototype.hasOwnProperty.call(RULES, newDoc.type) ? RULES[newDoc.type] : null;
    if (!rule) forbid('the county database holds no ' + newDoc.type + ' documents');
    if (newDoc._id.indexOf(rule.idPrefix) !== 0) forbid('a ' + newDoc.type + ' document in the county database has an id starting ' + rule.idPrefix);
    var errors;
    if (newDoc._deleted) {
      errors = check(TOMBSTONE, newDoc, 'deletion');
      if (errors.length > 0) forbid('a deletion keeps only type and centerId: ' + errors.slice(0, 5).join('; '));
      return;
    }
    errors = check(rule.schema, newDoc, newDoc.type);
    if (errors.length > 0) forbid('the county database does not hold this ' + newDoc.type + ' document: ' + errors.slice(0, 5).join('; '));
    if (rule.consented && !(newDoc.snapshot && newDoc.snapshot.countyOk === true)) forbid('no county-statistics consent for this ' + newDoc.type + ' document');
    // A monthly tally's id names its center and month (every center's tallies meet here): one naming another center or month is refused.
    if ((newDoc.type === 'moodTally' || newDoc.type === 'serviceMonthTally') && newDoc._id !== rule.idPrefix + newDoc.centerId + ':' + newDoc.month)
      forbid('a ' + newDoc.type + ' of center ' + newDoc.centerId + ' for ' + newDoc.month + ' has the id ' + rule.idPrefix + newDoc.centerId + ':' + newDoc.month);
  };
})()
