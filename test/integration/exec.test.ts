// docker exec against a real berthd: exit codes, user/workdir/env, stdin, stream separation,
// detached exec and exec inspect, errors for missing binaries and stopped containers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { Berthd, busyboxTar, skipReason, startBerthd, waitFor } from './harness.js';

describe('exec', { skip: skipReason, timeout: 180_000 }, () => {
  let d: Berthd;

  before(async () => {
    d = await startBerthd();
    assert.equal((await d.docker(['load', '-i', await busyboxTar()])).code, 0);
    const run = await d.docker(['run', '-d', '--name', 'box', 'busybox', 'sleep', '300']);
    assert.equal(run.code, 0, run.stderr + d.logTail());
  });

  after(async () => {
    if (!d) return;
    await d.stop('SIGTERM');
    d.cleanup();
  });

  test('exit codes, user, working directory and environment', async () => {
    assert.equal((await d.docker(['exec', 'box', 'sh', '-c', 'exit 7'])).code, 7);
    const r = await d.docker(['exec', '-u', 'nobody', '-w', '/tmp', '-e', 'A=1', 'box', 'sh', '-c', 'id -u; pwd; echo $A']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '65534\n/tmp\n1\n');
  });

  test('stdin reaches the process (and nothing else does); stdout and stderr stay apart', async () => {
    const cat = await d.docker(['exec', '-i', 'box', 'cat'], { input: 'hello exec\n' });
    assert.equal(cat.code, 0, cat.stderr);
    assert.equal(cat.stdout, 'hello exec\n');
    const split = await d.docker(['exec', 'box', 'sh', '-c', 'echo out; echo err >&2']);
    assert.equal(split.stdout, 'out\n');
    assert.equal(split.stderr, 'err\n');
  });

  test('a missing binary exits 127; a stopped container is refused', async () => {
    const missing = await d.docker(['exec', 'box', 'nosuchcmd']);
    assert.equal(missing.code, 127);
    assert.match(missing.stdout + missing.stderr, /executable file not found|no such file or directory/);
    assert.equal((await d.docker(['create', '--name', 'idle', 'busybox', 'true'])).code, 0);
    const stopped = await d.docker(['exec', 'idle', 'true']);
    assert.notEqual(stopped.code, 0);
    assert.match(stopped.stderr, /Container [0-9a-f]{64} is not running/);
  });

  test('detached exec records its exit code in exec inspect', async () => {
    const created = await d.request('POST', '/containers/box/exec', { Cmd: ['sh', '-c', 'exit 3'] });
    assert.equal(created.status, 201);
    const { Id } = JSON.parse(created.body) as { Id: string };
    const start = await d.request('POST', `/exec/${Id}/start`, { Detach: true });
    assert.equal(start.status, 200);
    const info = await waitFor('exec exit', async () => {
      const i = JSON.parse((await d.request('GET', `/exec/${Id}/json`)).body) as { Running: boolean; ExitCode: number | null; ContainerID: string };
      return i.ExitCode !== null && !i.Running ? i : undefined;
    });
    assert.equal(info.ExitCode, 3);
    const again = await d.request('POST', `/exec/${Id}/start`, { Detach: true });
    assert.equal(again.status, 409);
    const nope = await d.request('GET', '/exec/nope/json');
    assert.equal(nope.status, 404);
    assert.deepEqual(JSON.parse(nope.body), { message: 'No such exec instance: nope' });
  });

  test('exec inherits the container\'s capabilities, ulimits and no-new-privileges; --privileged gets all; paused is refused', async () => {
    const run = await d.docker(['run', '-d', '--name', 'locked', '--cap-drop', 'ALL', '--cap-add', 'CHOWN', '--ulimit', 'core=1024:2048', '--security-opt', 'no-new-privileges', 'busybox', 'sleep', '300']);
    assert.equal(run.code, 0, run.stderr);
    const plain = await d.docker(['exec', 'locked', 'sh', '-c', 'grep -E "^(CapEff|NoNewPrivs)" /proc/self/status; grep "core file" /proc/self/limits']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /^CapEff:\s+0000000000000001$/m);
    assert.match(plain.stdout, /^NoNewPrivs:\s+1$/m);
    // (core, not nofile: runc 1.1 sets an exec's RLIMIT_NOFILE racily, opencontainers/runc#4266)
    assert.match(plain.stdout, /^Max core file size\s+1024\s+2048\s+bytes\s*$/m);
    const priv = await d.docker(['exec', '--privileged', 'locked', 'grep', 'CapEff', '/proc/self/status']);
    // every capability this host can give (its own bounding set)
    const hostBnd = /^CapBnd:\s+([0-9a-f]+)$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1];
    assert.equal(priv.stdout.trim(), `CapEff:\t${hostBnd}`);
    assert.equal((await d.docker(['pause', 'locked'])).code, 0);
    const paused = await d.docker(['exec', 'locked', 'true']);
    assert.notEqual(paused.code, 0);
    assert.match(paused.stderr, /Container locked is paused, unpause the container before exec/);
    assert.equal((await d.docker(['rm', '-f', 'locked'])).code, 0);
  });

  test('HOME is / when the image has no passwd entry for the user (runc\'s rule), for run and exec', async () => {
    assert.equal((await d.docker(['run', '--name', 'nopasswd-src', 'busybox', 'rm', '/etc/passwd'])).code, 0);
    assert.equal((await d.docker(['commit', 'nopasswd-src', 'nopasswd'])).code, 0);
    assert.equal((await d.docker(['run', '--rm', 'nopasswd', 'sh', '-c', 'echo "[$HOME]"'])).stdout, '[/]\n');
    const run = await d.docker(['run', '-d', '--name', 'homeless', 'nopasswd', 'sleep', '300']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal((await d.docker(['exec', 'homeless', 'sh', '-c', 'echo "[$HOME]"'])).stdout, '[/]\n');
    assert.equal((await d.docker(['exec', '-u', '1000', 'homeless', 'sh', '-c', 'echo "[$HOME]"'])).stdout, '[/]\n');
    // with the entry: its home; an empty HOME is replaced too, as runc does
    assert.equal((await d.docker(['exec', '-e', 'HOME=', 'box', 'sh', '-c', 'echo "[$HOME]"'])).stdout, '[/root]\n');
    assert.equal((await d.docker(['rm', '-f', 'homeless', 'nopasswd-src'])).code, 0);
    assert.equal((await d.docker(['rmi', 'nopasswd'])).code, 0);
  });
});
