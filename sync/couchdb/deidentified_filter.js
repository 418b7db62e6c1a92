/*
 * The county copy's rule as a replication filter function (ES5), for the bundled trial
 * server only: pouchdb-server crashes on a `_replicator` document with a selector
 * (stand-in difference). CouchDB 3 gets the selector itself. Both are one rule: the
 * build step (ddocs.ts) pastes the very selector object CouchDB 3 receives
 * (sync/schema/county.ts: countySelector) into this function, which evaluates it with
 * the Mango operators the selector uses ($or, $and, $regex, $in, $eq, $exists, dotted
 * fields). An operator it does not know throws, so a selector it cannot evaluate
 * replicates nothing rather than something wrong; ddocs.test.ts compares its verdicts
 * with PouchDB's own Mango implementation on one corpus.
 */
function (doc, req) {
  var SELECTOR = /*SELECTOR*/ null;
  var own = Object.prototype.hasOwnProperty;
  function isArray(v) {
    return Object.prototype.toString.call(v) === '[object Array]';
  }
  function field(d, path) {
    var parts = path.split('.');
    var v = d;
    for (var i = 0; i < parts.length; i++) {
      if (v === null || typeof v !== 'object' || isArray(v) || !own.call(v, parts[i])) return undefined;
      v = v[parts[i]];
    }
    return v;
  }
  function condition(v, c) {
    if (c === null || typeof c !== 'object' || isArray(c)) return v === c;
    for (var op in c) {
      if (!own.call(c, op)) continue;
      var arg = c[op];
      if (op === '$eq') {
        if (v !== arg) return false;
      } else if (op === '$in') {
        if (v === undefined || arg.indexOf(v) === -1) return false;
      } else if (op === '$regex') {
        if (typeof v !== 'string' || !new RegExp(arg).test(v)) return false;
      } else if (op === '$exists') {
        if ((v !== undefined) !== arg) return false;
      } else throw new Error('the county filter does not know the operator ' + op);
    }
    return true;
  }
  function matches(sel, d) {
    var i;
    for (var k in sel) {
      if (!own.call(sel, k)) continue;
      if (k === '$or') {
        var any = false;
        for (i = 0; i < sel.$or.length && !any; i++) any = matches(sel.$or[i], d);
        if (!any) return false;
      } else if (k === '$and') {
        for (i = 0; i < sel.$and.length; i++) if (!matches(sel.$and[i], d)) return false;
      } else if (!condition(field(d, k), sel[k])) return false;
    }
    return true;
  }
  return matches(SELECTOR, doc);
}
