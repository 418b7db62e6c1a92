/* County view: days present by [center, month, group, age band, gender]; reduce _count. Reads the county copy of attendance (sync/schema/county.ts). */
function (doc) {
  if (doc.type === 'countyAttendance' && doc.status === 'present' && doc.snapshot && doc.snapshot.countyOk)
    emit([doc.centerId, doc.date.substring(0, 7), doc.snapshot.group, doc.snapshot.ageBand, doc.snapshot.gender], 1);
}
