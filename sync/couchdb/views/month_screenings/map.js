/* County dashboard: valid screenings by [month, center, group, level]; reduce _count. Levels only: never scores, instruments' cut-offs or answers. */
function (doc) {
  if (doc.type === 'countyScreening' && doc.snapshot && doc.snapshot.countyOk)
    emit([doc.date.substring(0, 7), doc.centerId, doc.snapshot.group, doc.level], 1);
}
