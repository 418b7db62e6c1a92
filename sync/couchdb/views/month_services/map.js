/* County dashboard: attendances at services (人次) by [month, center, group, service type, provider kind]; reduce _sum. One row per session and child group, its value the session's participants of that group, not one row per participant: a grouped reduce reads every row of its key range on the trial server, so rows are kept few. Only consenting children are listed in a service tally. */
function (doc) {
  if (doc.type !== 'serviceTally' || !doc.participants) return;
  var month = doc.date.substring(0, 7);
  var byGroup = {};
  var groups = [];
  for (var i = 0; i < doc.participants.length; i++) {
    var g = doc.participants[i].group;
    if (!byGroup.hasOwnProperty(g)) {
      byGroup[g] = 0;
      groups.push(g);
    }
    byGroup[g]++;
  }
  for (var j = 0; j < groups.length; j++) emit([month, doc.centerId, groups[j], doc.serviceType, doc.providerKind], byGroup[groups[j]]);
}
