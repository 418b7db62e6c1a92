/*
 * validate_doc_update for every Tongxin database on the county CouchDB (ES5:
 * it runs inside CouchDB's JavaScript engine). The build step (ddocs.ts)
 * replaces the two placeholders with the JSON Schemas generated from the zod
 * schemas in sync/schema (one rule set, two enforcers) and with this
 * database's center id (null for the county database).
 *
 * Structure: a known `type`, and the fields its schema requires.
 * Authority: a center's account writes only its own centerId into its own
 * database; only county administrators write design documents or the county
 * database. Deletions must keep `type` and `centerId` so the county copy
 * learns of them (DESIGN.md).
 */
function (newDoc, oldDoc, userCtx, secObj) {
  var SCHEMAS = /*SCHEMAS*/ null;
  var CENTER = /*CENTER*/ null;

  function forbid(message) {
    throw { forbidden: message };
  }
  function hasRole(role) {
    return userCtx.roles.indexOf(role) !== -1;
  }
  var admin = hasRole('_admin') || hasRole('county-admin');
  function hasCopyRole() {
    for (var i = 0; i < userCtx.roles.length; i++) if (userCtx.roles[i].indexOf('copy-to:') === 0) return true;
    return false;
  }

  if (newDoc._id.indexOf('_design/') === 0) {
    if (!admin) forbid('only county administrators may change design documents');
    return;
  }
  if (!admin) {
    // The county copy's replication account (admin.ts: copy-to:<county>, copy-from:<center>)
    // writes only documents of the center it copies from.
    if (CENTER === null) {
      if (!(hasCopyRole() && hasRole('copy-from:' + newDoc.centerId))) forbid('only county administrators and the county copy write to the county database');
    } else if (!hasRole('center:' + CENTER)) forbid('this account may not write to center ' + CENTER);
  }
  if (CENTER !== null && newDoc.centerId !== CENTER) forbid('centerId ' + newDoc.centerId + ' does not belong in the database of center ' + CENTER);

  if (newDoc._deleted) {
    if (typeof newDoc.type !== 'string') forbid('a deletion must keep type and centerId');
    return;
  }

  var schema = SCHEMAS[newDoc.type];
  if (!schema) forbid('unknown document type: ' + newDoc.type);

  var errors = [];
  function typeOf(v) {
    if (v === null) return 'null';
    if (Object.prototype.toString.call(v) === '[object Array]') return 'array';
    if (typeof v === 'number') return v % 1 === 0 ? 'integer' : 'number';
    return typeof v;
  }
  function typeMatches(want, v) {
    var got = typeOf(v);
    if (typeOf(want) === 'array') {
      for (var i = 0; i < want.length; i++) if (typeMatches(want[i], v)) return true;
      return false;
    }
    return got === want || (want === 'number' && got === 'integer');
  }
  function check(s, v, path) {
    var i, k, before;
    if (s.anyOf || s.oneOf) {
      var options = s.anyOf || s.oneOf;
      for (i = 0; i < options.length; i++) {
        before = errors.length;
        check(options[i], v, path);
        if (errors.length === before) return;
        errors.length = before;
      }
      errors.push(path + ': matches none of the allowed shapes');
      return;
    }
    if (s.type !== undefined && !typeMatches(s.type, v)) {
      errors.push(path + ': expected ' + s.type + ', got ' + typeOf(v));
      return;
    }
    if (s.const !== undefined && v !== s.const) errors.push(path + ': must be ' + s.const);
    if (s['enum'] && s['enum'].indexOf(v) === -1) errors.push(path + ': not one of ' + s['enum'].join(', '));
    if (typeof v === 'string') {
      if (s.minLength !== undefined && v.length < s.minLength) errors.push(path + ': too short');
      if (s.maxLength !== undefined && v.length > s.maxLength) errors.push(path + ': too long');
      if (s.pattern !== undefined && !new RegExp(s.pattern).test(v)) errors.push(path + ': wrong format');
    }
    if (typeof v === 'number') {
      if (s.minimum !== undefined && v < s.minimum) errors.push(path + ': below ' + s.minimum);
      if (s.maximum !== undefined && v > s.maximum) errors.push(path + ': above ' + s.maximum);
    }
    if (typeOf(v) === 'array') {
      if (s.minItems !== undefined && v.length < s.minItems) errors.push(path + ': too few items');
      if (s.maxItems !== undefined && v.length > s.maxItems) errors.push(path + ': too many items');
      if (s.items) for (i = 0; i < v.length; i++) check(s.items, v[i], path + '[' + i + ']');
    }
    if (typeOf(v) === 'object') {
      if (s.required) for (i = 0; i < s.required.length; i++) if (v[s.required[i]] === undefined) errors.push(path + '.' + s.required[i] + ': required');
      if (s.properties) for (k in s.properties) if (s.properties.hasOwnProperty(k) && v[k] !== undefined) check(s.properties[k], v[k], path + '.' + k);
      if (s.additionalProperties && typeof s.additionalProperties === 'object')
        for (k in v) if (v.hasOwnProperty(k) && !(s.properties && s.properties.hasOwnProperty(k))) check(s.additionalProperties, v[k], path + '.' + k);
    }
  }
  check(schema, newDoc, newDoc.type);
  if (errors.length > 0) forbid('invalid ' + newDoc.type + ' document: ' + errors.slice(0, 5).join('; '));
}
