/* County dashboard: mood check-ins by [month, center, group, face 1-5]; reduce _count. Trends only. */
function (doc) {
  if (doc.type === 'countyMood' && typeof doc.face === 'number' && doc.snapshot && doc.snapshot.countyOk)
    emit([doc.date.substring(0, 7), doc.centerId, doc.snapshot.group, doc.face], 1);
}
