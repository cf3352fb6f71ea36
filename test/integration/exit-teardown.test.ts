// The exit is reported before containerd's task is deleted (issue 15): waiters for `next-exit` and
// `not-running` wake first, the task and containerd container go afterwards under the container's
// lock. Checked here: `removed` still waits for the removal, start/rm/restart racing the teardown
// are right, exit codes are the process's, and a kill -9 of berthd between the two leaves no task.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Berthd, busyboxTar, cliAsserts, removeAllAndStop, skipReason, startBerthd, termTrapped, waitFor } from './harness.js';

describe('exit before task delete', { skip: skipReason, timeout: 300_000 }, () => {
  let d: Berthd;
  const { ok } = cliAsserts(() => d);

  /** containerd's tasks and containers in berthd's namespace, by container ID */
  const runtimeObjects = (): { tasks: string[]; containers: string[] } => {
    const ctr = (args: string[]): string[] => {
      const r = spawnSync('ctr', ['--address', path.join(d.execRoot, 'containerd', 'containerd.sock'), '-n', 'berth', ...args], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.split('\n').slice(args.includes('-q') ? 0 : 1).map((l) => l.split(/\s+/)[0]!).filter(Boolean);
    };
    return { tasks: ctr(['tasks', 'ls']), containers: ctr(['containers', 'ls', '-q']) };
  };

  before(async () => {
    d = await startBerthd(['--bridge', 'none']);
    await ok(['load', '-i', await busyboxTar()]);
  });

  after(() => removeAllAndStop(d));

  test('docker wait --condition removed returns only once the --rm container is gone; not-running gives the exit code', async () => {
    const id = await ok(['run', '-d', '--rm', 'busybox', 'sh', '-c', 'sleep 2; exit 5']);
    const [removed, notRunning] = await Promise.all([
      d.request('POST', `/containers/${id}/wait?condition=removed`),
      d.request('POST', `/containers/${id}/wait?condition=not-running`),
    ]);
    assert.equal(notRunning.status, 200, notRunning.body);
    assert.equal(JSON.parse(notRunning.body).StatusCode, 5);
    assert.equal(removed.status, 200, removed.body);
    assert.equal(JSON.parse(removed.body).StatusCode, 5);
    // the removal is complete when the waiter wakes: nothing left, not even in containerd
    assert.match((await d.docker(['inspect', id])).stderr, /No such (container|object)/);
    const objects = runtimeObjects();
    assert.ok(!objects.tasks.includes(id) && !objects.containers.includes(id), JSON.stringify(objects));
  });

  test('start, rm and restart right after the exit was reported: right states and exit codes, no leftovers', async () => {
    for (let i = 0; i < 5; i++) {
      const id = await ok(['run', '-d', 'busybox', 'sh', '-c', `trap 'exit ${10 + i}' TERM; while true; do sleep 0.1; done`]);
      await termTrapped(id, () => ok(['inspect', '-f', '{{.State.Pid}}', id]));
      await ok(['stop', '-t', '5', id]);
      assert.equal(await ok(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', id]), `exited ${10 + i}`);
      // at once: the teardown of the first run may still be under way
      await ok(['start', id]);
      assert.equal(await ok(['inspect', '-f', '{{.State.Status}}', id]), 'running');
      await ok(['restart', '-t', '5', id]);
      assert.equal(await ok(['inspect', '-f', '{{.State.Status}} {{.RestartCount}}', id]), 'running 0');
      await ok(['kill', id]);
      assert.equal(await ok(['wait', id]), '137');
      await ok(['rm', id]);
      const objects = runtimeObjects();
      assert.ok(!objects.tasks.includes(id) && !objects.containers.includes(id), JSON.stringify(objects));
    }
  });

  test('on-failure restarts still count; exit codes of quick exits are right', async () => {
    const id = await ok(['run', '-d', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'exit 3']);
    await waitFor('two restarts and the end', async () =>
      (await ok(['inspect', '-f', '{{.State.Status}} {{.RestartCount}}', id])) === 'exited 2');
    assert.equal(await ok(['inspect', '-f', '{{.State.ExitCode}}', id]), '3');
    for (const code of [0, 1, 42]) {
      assert.equal((await d.docker(['run', '--rm', 'busybox', 'sh', '-c', `exit ${code}`])).code, code);
    }
    await ok(['rm', id]);
  });

  test('kill -9 of berthd right after a stop: after the restart no task is left, the container starts again', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await ok(['run', '-d', 'busybox', 'sleep', '1000']));
    // stop returns when the exit is recorded; the task deletions then run — berthd dies among them
    await ok(['stop', '-t', '0', ...ids]);
    await d.stop('SIGKILL');
    await d.start();
    const objects = runtimeObjects();
    for (const id of ids) {
      assert.ok(!objects.tasks.includes(id), `task of ${id} left: ${JSON.stringify(objects)}`);
      assert.equal(await ok(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', id]), 'exited 137');
    }
    await ok(['start', ids[0]!]);
    assert.equal(await ok(['exec', ids[0]!, 'echo', 'back']), 'back');
    await ok(['rm', '-f', ...ids]);
  });
});
