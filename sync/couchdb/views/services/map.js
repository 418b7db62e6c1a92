/* County view: attendances (人次) at services by [center, month, group, service type]; reduce _count. Only children whose guardians consented to county statistics. */
function (doc) {
  if (doc.type !== 'activity' || !doc.participants) return;
  for (var i = 0; i < doc.participants.length; i++) {
    var s = doc.participants[i].snapshot;
    if (s && s.countyOk) emit([doc.centerId, doc.date.substring(0, 7), s.group, doc.serviceType, doc.providerKind], 1);
  }
}
