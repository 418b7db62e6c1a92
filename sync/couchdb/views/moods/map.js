/* County view: mood check-ins by [center, month, group, face]; reduce _count (trends only, never cut-offs). */
function (doc) {
  if (doc.type === 'mood' && doc.face !== null && doc.snapshot && doc.snapshot.countyOk)
    emit([doc.centerId, doc.date.substring(0, 7), doc.snapshot.group, doc.face], 1);
}
