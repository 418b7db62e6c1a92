/*
 * Preloaded into the trial server by bench/tools/profile-push.ts (`node --require`):
 * writes the process id to `server.pid` in the working directory (the data folder),
 * and on each SIGUSR2 starts or stops a CPU profile of the whole server, written to
 * `<n>.cpuprofile` there. Never loaded in a trial or a test.
 */
'use strict';
const fs = require('fs');
const inspector = require('inspector');

fs.writeFileSync('server.pid', String(process.pid));
const session = new inspector.Session();
session.connect();
let running = false;
let n = 0;
process.on('SIGUSR2', () => {
  if (!running) {
    running = true;
    session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 500 }, () => session.post('Profiler.start')));
    return;
  }
  running = false;
  session.post('Profiler.stop', (err, res) => {
    n += 1;
    fs.writeFileSync(`${n}.cpuprofile`, JSON.stringify(err ? { error: String(err) } : res.profile));
  });
});
