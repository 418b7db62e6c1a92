/* County dashboard, coverage across providers: enrolled children's coverage keys by [key, center id, group]; reduce _count. group_level=2 lists the centers of each key. */
function (doc) {
  if (doc.type === 'coverage') emit([doc.key, doc.centerId, doc.group], 1);
}
