/* County dashboard: days present (人次 at the center) by [month, center, group]; reduce _count. */
function (doc) {
  if (doc.type === 'countyAttendance' && doc.status === 'present' && doc.snapshot && doc.snapshot.countyOk)
    emit([doc.date.substring(0, 7), doc.centerId, doc.snapshot.group], 1);
}
