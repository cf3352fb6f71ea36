// Shared runc v2 shims: containers in one group have one shim process; a shim killed under them
// ends them all as exited 137 (restart policies apply, berthd stays up, the next run works); a
// kill -9 of berthd loses nothing (every container adopted again with its shim, the warm shim's
// anchor too); a clean stop leaves no shim behind.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { Berthd, busyboxTar, cliAsserts, removeAllAndStop, skipReason, startBerthd, waitFor } from './harness.js';

/** The shim of a container: the parent of its init process (the shim is its subreaper). */
function shimOf(pid: string): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** containerd-shim-runc-v2 processes serving this berthd's containerd. */
function shimsOf(d: Berthd): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmd = '';
    try { cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8'); } catch { continue; }
    if (cmd.startsWith('/usr/bin/containerd-shim-runc-v2\0') && cmd.includes(`\0${d.execRoot}/`)) out.push(Number(entry));
  }
  return out;
}

describe('shim groups', { skip: skipReason, timeout: 300_000 }, () => {
  let d: Berthd;
  const { ok } = cliAsserts(() => d);

  before(async () => {
    d = await startBerthd(['--shim-group-size', '3']);
    await ok(['load', '-i', await busyboxTar()]);
  });

  after(() => removeAllAndStop(d));

  const pidOf = (name: string): Promise<string> => ok(['inspect', '-f', '{{.State.Pid}}', name]);

  test('containers share a shim, at most the group size per shim, and a sequential run finds it warm', async () => {
    await ok(['run', '-d', '--name', 'g1', 'busybox', 'sleep', '600']);
    await ok(['run', '-d', '--name', 'g2', 'busybox', 'sleep', '600']);
    const shim = shimOf(await pidOf('g1'));
    assert.equal(shimOf(await pidOf('g2')), shim, 'g1 and g2 share one shim');
    // berthd's shim front (src/runtime/selection/shim-front.ts) answers a joining task's `start` from
    // the group socket berthd computed: it is the one g1's shim listens on, g2's bundle address
    const g2 = await ok(['inspect', '-f', '{{.Id}}', 'g2']);
    const sock = fs.readFileSync(`${d.execRoot}/runtimes/shim-groups/${g2}`, 'utf8');
    assert.equal(fs.readFileSync(`${d.execRoot}/containerd/state/io.containerd.runtime.v2.task/berth/${g2}/address`, 'utf8'), `unix://${sock}`);
    assert.ok(fs.readFileSync('/proc/net/unix', 'utf8').split('\n').some((l) => / 00010000 0001 01 \d+ /.test(l) && l.endsWith(` ${sock}`)), 'the shim listens there');
    // size 3: g1, g2 and the anchor fill the group; g3 gets the next shim
    await ok(['run', '-d', '--name', 'g3', 'busybox', 'sleep', '600']);
    assert.notEqual(shimOf(await pidOf('g3')), shim, 'a full group is not joined');
    assert.equal(shimsOf(d).length, 2);
    // the anchor keeps the first shim up when its containers are gone: a run --rm adds no shim
    await ok(['rm', '-f', 'g1', 'g2']);
    assert.ok(shimsOf(d).includes(shim), 'the warm shim outlives its containers');
    assert.equal(await ok(['run', '--rm', 'busybox', 'echo', 'warm']), 'warm');
    assert.deepEqual(shimsOf(d).sort(), [shim, shimOf(await pidOf('g3'))].sort());
    await ok(['rm', '-f', 'g3']);
    // an emptied group without the anchor has no shim left (it exits right after its last task's delete)
    await waitFor('the emptied shim gone', async () => shimsOf(d).length === 1 && shimsOf(d)[0] === shim);
  });

  test('a killed shim ends all its containers as exited 137; restart policies apply; berthd stays up', async () => {
    await ok(['run', '-d', '--name', 'victim', 'busybox', 'sleep', '600']);
    await ok(['run', '-d', '--name', 'phoenix', '--restart', 'always', 'busybox', 'sleep', '600']);
    const phoenixPid = await pidOf('phoenix');
    const shim = shimOf(await pidOf('victim'));
    assert.equal(shimOf(phoenixPid), shim);
    process.kill(shim, 'SIGKILL');
    await waitFor('victim exited', async () => (await ok(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'victim'])) === 'exited 137');
    await waitFor('phoenix restarted', async () => {
      const [status, pid, count] = (await ok(['inspect', '-f', '{{.State.Status}} {{.State.Pid}} {{.RestartCount}}', 'phoenix'])).split(' ');
      return status === 'running' && pid !== phoenixPid && Number(count) >= 1;
    });
    assert.equal((await d.request('GET', '/_ping')).status, 200);
    assert.equal(await ok(['run', '--rm', 'busybox', 'echo', 'after']), 'after');
    await waitFor('the killed shim gone', async () => !shimsOf(d).includes(shim));
    await ok(['rm', '-f', 'victim', 'phoenix']);
  });

  test('berthd killed with -9: containers and their shared shim are adopted again, nothing left after a clean stop', async () => {
    await ok(['run', '-d', '--name', 'k1', 'busybox', 'sh', '-c', 'echo one; sleep 600']);
    await ok(['run', '-d', '--name', 'k2', 'busybox', 'sh', '-c', 'echo two; sleep 600']);
    const [p1, p2] = [await pidOf('k1'), await pidOf('k2')];
    const shim = shimOf(p1);
    assert.equal(shimOf(p2), shim);
    await d.stop('SIGKILL');
    await d.start();
    assert.equal(await pidOf('k1'), p1);
    assert.equal(await pidOf('k2'), p2);
    assert.ok(shimsOf(d).includes(shim), 'the shared shim is still there');
    assert.match(fs.readFileSync(d.logFile, 'utf8'), /shim anchor adopted/);
    // the adopted group is joined by the next container (size 3: k1, k2, and the anchor's place)
    await ok(['stop', '-t', '0', 'k2']);
    assert.equal(await ok(['inspect', '-f', '{{.State.ExitCode}}', 'k2']), '137');
    await ok(['start', 'k2']);
    assert.equal(shimOf(await pidOf('k2')), shim, 'the adopted group takes new tasks');
    assert.equal(await ok(['logs', 'k1']), 'one');
    await ok(['rm', '-f', 'k1', 'k2']);
    await d.stop('SIGTERM');
    await waitFor('no shim left', async () => shimsOf(d).length === 0, 10_000);
    await d.start();
  });
});
