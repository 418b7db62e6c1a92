/* County view: service sessions (场次) by [center, month, service type, provider kind]; reduce _count; value is the duration in minutes for _sum/_stats. */
function (doc) {
  if (doc.type === 'serviceTally') emit([doc.centerId, doc.date.substring(0, 7), doc.serviceType, doc.providerKind], doc.durationMin);
}
