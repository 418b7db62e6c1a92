/* County view: valid screenings by [center, month, instrument, level, group]; reduce _count. Never scores or answers. */
function (doc) {
  if (doc.type === 'screening' && doc.valid && doc.snapshot && doc.snapshot.countyOk)
    emit([doc.centerId, doc.date.substring(0, 7), doc.instrumentId, doc.level, doc.snapshot.group], 1);
}
