/* County dashboard: the hierarchy, from the center documents: [township, village, center id, center name]; reduce _count. */
function (doc) {
  if (doc.type === 'center') emit([doc.township || '', doc.village || '', doc.centerId, doc.name], 1);
}
