/*
 * validate_doc_update of the county's transfer database (ES5, runs in
 * CouchDB). Every center's account may read it, so what it holds is the
 * routing of a transfer and a package encrypted with the transfer code the
 * sending center gives the receiving one out of band (sync/transfer).
 *
 * A request's id is transfer:<to>:<from>:<transferId>: it names its sender, and only
 * the sender's account writes a request under an id that names it. That is what makes
 * a request unforgeable on CouchDB 3, which validates a write with `new_edits: false`
 * against the parent of the branch it creates — none, for a branch made up from
 * scratch — rather than against the request everyone sees: without the id binding, a
 * third center could write such a branch with itself as sender and a higher revision,
 * and it would win. (The trial server validates against the winning revision instead:
 * stand-in difference; tests/integration/transfer.test.ts and transfers.test.ts cover both.)
 *
 * A center creates only requests from itself, pending; only the receiving
 * center accepts or rejects; only the sender cancels; once decided a request
 * never changes; the package, the two centers and the dates never change;
 * nothing is deleted; a request holds only its own fields. County
 * administrators may repair anything.
 */
function (newDoc, oldDoc, userCtx) {
  function forbid(message) {
    throw { forbidden: message };
  }
  function has(role) {
    return userCtx.roles.indexOf(role) !== -1;
  }
  if (has('_admin') || has('county-admin')) return;
  if (newDoc._id.indexOf('_design/') === 0) forbid('only county administrators may change design documents');
  if (newDoc._deleted) forbid('transfer requests are kept as a record; they cannot be deleted');
  if (newDoc.type !== 'transferRequest') forbid('only transfer requests belong here');
  var FIELDS = ['_id', '_rev', '_revisions', 'type', 'transferId', 'from', 'to', 'childId', 'createdAt', 'summary', 'status', 'decidedAt', 'reason', 'package'];
  for (var k in newDoc) if (Object.prototype.hasOwnProperty.call(newDoc, k) && FIELDS.indexOf(k) === -1) forbid(k + ' is not a field of a transfer request');
  var re = /^[a-z0-9][a-z0-9-]{1,39}$/;
  if (typeof newDoc.from !== 'string' || !re.test(newDoc.from) || typeof newDoc.to !== 'string' || !re.test(newDoc.to)) forbid('from and to must be center ids');
  if (newDoc.from === newDoc.to) forbid('a center cannot transfer to itself');
  if (typeof newDoc.transferId !== 'string' || !/^[0-9A-HJKMNP-TV-Z]{26}$/.test(newDoc.transferId)) forbid('transferId must be a ULID');
  if (newDoc._id !== 'transfer:' + newDoc.to + ':' + newDoc.from + ':' + newDoc.transferId) forbid('the id must be transfer:<to>:<from>:<transferId>');
  if (typeof newDoc['package'] !== 'string' || newDoc['package'].length < 100) forbid('the encrypted package is missing');
  if (!oldDoc) {
    if (!has('center:' + newDoc.from)) forbid('only center ' + newDoc.from + ' may send its children');
    if (newDoc.status !== 'pending') forbid('a new transfer is pending');
    return;
  }
  var fixed = ['from', 'to', 'transferId', 'package', 'createdAt', 'summary', 'childId'];
  for (var i = 0; i < fixed.length; i++)
    if (JSON.stringify(newDoc[fixed[i]]) !== JSON.stringify(oldDoc[fixed[i]])) forbid(fixed[i] + ' cannot change');
  if (oldDoc.status !== 'pending') forbid('this transfer was already ' + oldDoc.status);
  if (newDoc.status === 'accepted' || newDoc.status === 'rejected') {
    if (!has('center:' + newDoc.to)) forbid('only the receiving center decides');
  } else if (newDoc.status === 'cancelled') {
    if (!has('center:' + newDoc.from)) forbid('only the sending center cancels');
  } else forbid('unknown status ' + newDoc.status);
}
