/* County dashboard: attendances at services (人次) by [month, center, group, service type, provider kind]; reduce _sum. Read from each center's monthly service tally (serviceMonthTally, written by its kiosks: attendances of consenting children by type, provider kind and group), not from one row per session: a grouped reduce reads every row of its key range on the trial server, so the rows are at most types x provider kinds x groups per center and month. */
function (doc) {
  if (doc.type !== 'serviceMonthTally' || !doc.cells) return;
  for (var i = 0; i < doc.cells.length; i++) {
    var c = doc.cells[i];
    for (var j = 0; j < c.byGroup.length; j++) if (c.byGroup[j].attendances > 0) emit([doc.month, doc.centerId, c.byGroup[j].group, c.serviceType, c.providerKind], c.byGroup[j].attendances);
  }
}
