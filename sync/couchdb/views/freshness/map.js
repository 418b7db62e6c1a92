/* County dashboard: when each center's kiosk last sent its counts: [center] -> the centerTally's updatedAt in ms; reduce _stats (max = the newest). A kiosk rewrites its current month's tally after a sync whenever a count changed (every open day at least: the open days are counted), so the newest tally says when the center was last heard from; read from the few tally rows, never from every document of the county (a grouped reduce over every document reads every index row on the trial server). */
function (doc) {
  if (doc.type === 'centerTally' && doc.updatedAt) {
    var ms = Date.parse(doc.updatedAt);
    if (!isNaN(ms)) emit([doc.centerId], ms);
  }
}
