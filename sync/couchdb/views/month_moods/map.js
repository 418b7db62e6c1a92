/* County dashboard: mood check-ins by [month, center, group, face 1-5]; reduce _sum. Trends only. Read from each center's monthly mood tally (moodTally: counts by group and face, written by its kiosks), not from one county copy per check-in: a grouped reduce reads every row of its key range on the trial server, so the rows are at most groups x 5 per center and month. */
function (doc) {
  if (doc.type !== 'moodTally' || !doc.byGroup) return;
  for (var i = 0; i < doc.byGroup.length; i++) {
    var faces = doc.byGroup[i].faces;
    for (var f = 0; f < faces.length; f++) if (faces[f] > 0) emit([doc.month, doc.centerId, doc.byGroup[i].group, f + 1], faces[f]);
  }
}
