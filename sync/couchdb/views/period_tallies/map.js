/*
 * County dashboard: a center's counts for a period (centerTally) by [period, center, measure, group ('' for the whole center)]; reduce _sum.
 * Every numeric field of a group's tally is emitted under its own name, so a new measure needs no change here
 * (and a tally from an older kiosk simply has no row for a measure it did not count). A group's count of 0
 * is not emitted (the sum is the same, and the answer, which the reach section waits for, is about half the
 * size); so that "0" and "not counted" stay apart for the continuity bands, a tally that has them emits
 * '_bands' 1 for the group.
 */
function (doc) {
  if (doc.type !== 'centerTally') return;
  var whole = ['openDays', 'staffActive', 'volunteersActive', 'followupsOpen', 'followupsOverdue'];
  var i, j, k, g;
  for (i = 0; i < whole.length; i++) emit([doc.period, doc.centerId, whole[i], ''], doc[whole[i]]);
  for (j = 0; j < doc.byGroup.length; j++) {
    g = doc.byGroup[j];
    if (typeof g.attendNone === 'number') emit([doc.period, doc.centerId, '_bands', g.group], 1);
    for (k in g) if (Object.prototype.hasOwnProperty.call(g, k) && typeof g[k] === 'number' && g[k] !== 0) emit([doc.period, doc.centerId, k, g.group], g[k]);
  }
}
