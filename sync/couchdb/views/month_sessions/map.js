/* County dashboard: service sessions (场次) by [month, center, service type, provider kind]; reduce _stats (count = sessions, sum = minutes). Month first, so one key range answers any period for every center. */
function (doc) {
  if (doc.type === 'serviceTally') emit([doc.date.substring(0, 7), doc.centerId, doc.serviceType, doc.providerKind], doc.durationMin);
}
