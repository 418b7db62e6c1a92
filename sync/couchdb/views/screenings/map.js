/* County view: valid screenings by [center, month, instrument, level, group]; reduce _count. The county copy of a screening holds its level, never scores, answers or the safety flag, and exists only for valid ones. */
function (doc) {
  if (doc.type === 'countyScreening' && doc.snapshot && doc.snapshot.countyOk)
    emit([doc.centerId, doc.date.substring(0, 7), doc.instrumentId, doc.level, doc.snapshot.group], 1);
}
