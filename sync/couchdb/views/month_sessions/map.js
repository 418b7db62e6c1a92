/* County dashboard: service sessions (场次) by [month, center, service type, provider kind] -> [sessions, minutes]; reduce _sum (over the array: _stats would count tally rows, not sessions). Read from each center's monthly service tally (serviceMonthTally), one row per type and provider kind, not one per session. Month first, so one key range answers any period for every center. */
function (doc) {
  if (doc.type !== 'serviceMonthTally' || !doc.cells) return;
  for (var i = 0; i < doc.cells.length; i++) {
    var c = doc.cells[i];
    if (c.sessions > 0) emit([doc.month, doc.centerId, c.serviceType, c.providerKind], [c.sessions, c.minutes]);
  }
}
