/* County view: mood check-ins by [center, month, group, face]; reduce _count (trends only, never cut-offs). Reads the county copy of mood check-ins: a face, never wantsTalk. */
function (doc) {
  if (doc.type === 'countyMood' && doc.face !== null && doc.snapshot && doc.snapshot.countyOk)
    emit([doc.centerId, doc.date.substring(0, 7), doc.snapshot.group, doc.face], 1);
}
