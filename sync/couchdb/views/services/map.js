/* County view: attendances (人次) at services by [center, month, group, service type, provider kind]; reduce _count. A service tally lists only children whose guardians consented to county statistics. */
function (doc) {
  if (doc.type !== 'serviceTally' || !doc.participants) return;
  for (var i = 0; i < doc.participants.length; i++) emit([doc.centerId, doc.date.substring(0, 7), doc.participants[i].group, doc.serviceType, doc.providerKind], 1);
}
