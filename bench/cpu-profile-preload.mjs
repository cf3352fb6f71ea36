// A sampling CPU profile of a node process from start to exit, written as a .cpuprofile (Chrome
// DevTools, speedscope). `--cpu-prof` is refused in NODE_OPTIONS; this preload is not:
//   CPU_PROFILE_DIR=/tmp/prof NODE_OPTIONS="--import $PWD/bench/cpu-profile-preload.mjs" node dist/bench/run.js stdin-cat-100MB
// Every node process started with it writes <dir>/<pid>.cpuprofile when it exits normally (berthd on
// SIGTERM, as the bench stops it); the runner's own profile is written too.
import fs from 'node:fs';
import inspector from 'node:inspector';
import path from 'node:path';

const dir = process.env.CPU_PROFILE_DIR ?? '/tmp';
const session = new inspector.Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: Number(process.env.CPU_PROFILE_INTERVAL_US ?? 500) });
session.post('Profiler.start');
process.on('exit', () => {
  // the inspector answers synchronously on the same thread, so this works in an exit handler
  session.post('Profiler.stop', (err, res) => {
    if (!err) fs.writeFileSync(path.join(dir, `${process.pid}.cpuprofile`), JSON.stringify(res.profile));
  });
});
