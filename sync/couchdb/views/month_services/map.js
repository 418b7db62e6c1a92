/* County dashboard: attendances at services (人次) by [month, center, group, service type, provider kind]; reduce _count. Only consenting children are listed in a service tally. */
function (doc) {
  if (doc.type !== 'serviceTally' || !doc.participants) return;
  var month = doc.date.substring(0, 7);
  for (var i = 0; i < doc.participants.length; i++) emit([month, doc.centerId, doc.participants[i].group, doc.serviceType, doc.providerKind], 1);
}
