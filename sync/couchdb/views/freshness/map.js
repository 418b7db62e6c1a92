/* County dashboard: when each center last wrote anything the county sees: [center] -> the document's updatedAt in ms; reduce _stats (max = the newest). */
function (doc) {
  if (doc.centerId && doc.updatedAt) {
    var ms = Date.parse(doc.updatedAt);
    if (!isNaN(ms)) emit([doc.centerId], ms);
  }
}
