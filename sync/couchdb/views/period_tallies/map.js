/* County dashboard: a center's counts for a period (centerTally) by [period, center, measure, group ('' for the whole center)]; reduce _sum. */
function (doc) {
  if (doc.type !== 'centerTally') return;
  var whole = ['openDays', 'staffActive', 'volunteersActive', 'followupsOpen', 'followupsOverdue'];
  var per = ['enrolled', 'reached', 'regular', 'longGap', 'surrogateVisit', 'parentContact'];
  var i, j;
  for (i = 0; i < whole.length; i++) emit([doc.period, doc.centerId, whole[i], ''], doc[whole[i]]);
  for (j = 0; j < doc.byGroup.length; j++)
    for (i = 0; i < per.length; i++) emit([doc.period, doc.centerId, per[i], doc.byGroup[j].group], doc.byGroup[j][per[i]]);
}
