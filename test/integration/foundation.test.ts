// The foundation's acceptance list, end to end: real berthd + managed containerd + docker CLI.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { BadRequestError, NotFoundError } from '@berth/client';
import { clientOf, closeClients, rejectsWith } from './client-of.js';
import { Berthd, busyboxTar, skipReason, startBerthd, waitFor } from './harness.js';

describe('foundation: load → run → logs → rm', { skip: skipReason, timeout: 300_000 }, () => {
  let d: Berthd;

  before(async () => {
    d = await startBerthd();
    const load = await d.docker(['load', '-i', await busyboxTar()]);
    assert.equal(load.code, 0, load.stderr + d.logTail());
    assert.match(load.stdout, /Loaded image: busybox:latest/);
  });

  after(async () => {
    if (!d) return;
    closeClients(d);
    await d.stop('SIGTERM');
    d.cleanup();
  });

  test('docker version shows the server with API 1.55 (minimum 1.12)', async () => {
    const r = await d.docker(['version', '--format', '{{.Server.APIVersion}} {{.Server.MinAPIVersion}} {{.Server.Os}}']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), '1.55 1.12 linux');
  });

  test('docker images lists the loaded image; inspect by name and ID prefix', async () => {
    const r = await d.docker(['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']);
    assert.equal(r.code, 0, r.stderr);
    const line = r.stdout.split('\n').find((l) => l.startsWith('busybox:latest '));
    assert.ok(line, r.stdout);
    const shortId = line.split(' ')[1]!;
    const byPrefix = await d.docker(['image', 'inspect', '--format', '{{.Id}} {{.Os}} {{index .RepoTags 0}}', shortId.slice(0, 6)]);
    assert.equal(byPrefix.code, 0, byPrefix.stderr);
    assert.match(byPrefix.stdout, /^sha256:[0-9a-f]{64} linux busybox:latest/);
    const full = await clientOf(d).imageInspect({ name: 'docker.io/library/busybox:latest' });
    assert.deepEqual(full.RepoTags, ['busybox:latest']);
  });

  test('docker run --rm prints output and removes the container', async () => {
    const r = await d.docker(['run', '--rm', 'busybox', 'echo', 'hello']);
    assert.equal(r.code, 0, r.stderr + d.logTail());
    assert.equal(r.stdout, 'hello\n');
    const ps = await d.docker(['ps', '-a', '--format', '{{.Command}}']);
    assert.ok(!ps.stdout.includes('echo hello'), ps.stdout);
  });

  test('exit codes are the process\'s', async () => {
    const r = await d.docker(['run', '--name', 'exit3', 'busybox', 'sh', '-c', 'exit 3']);
    assert.equal(r.code, 3, r.stderr);
    const inspect = await d.docker(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', 'exit3']);
    assert.equal(inspect.stdout.trim(), 'exited 3');
    assert.equal((await d.docker(['rm', 'exit3'])).code, 0);
  });

  test('stdout and stderr are separated and stdin reaches the process', async () => {
    const r = await d.docker(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2']);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
    const cat = await d.docker(['run', '--rm', '-i', 'busybox', 'cat'], { input: 'piped in\n' });
    assert.equal(cat.code, 0, cat.stderr);
    assert.equal(cat.stdout, 'piped in\n');
  });

  test('detached container: ps shows it Up, logs, stop, rm, name conflict', async () => {
    const run = await d.docker(['run', '-d', '--name', 'web', 'busybox', 'sh', '-c', 'echo started; sleep 300']);
    assert.equal(run.code, 0, run.stderr + d.logTail());
    const id = run.stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    const ps = await d.docker(['ps', '--format', '{{.Names}} {{.Status}} {{.ID}}']);
    assert.match(ps.stdout, new RegExp(`^web Up .* ${id.slice(0, 12)}$`, 'm'));
    await waitFor('log line', async () => (await d.docker(['logs', 'web'])).stdout === 'started\n');
    const again = await d.docker(['run', '--name', 'web', 'busybox', 'true']);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /Conflict. The container name "\/web" is already in use by container/);
    const rmRunning = await d.docker(['rm', 'web']);
    assert.notEqual(rmRunning.code, 0);
    assert.match(rmRunning.stderr, /You cannot remove a running container/);
    // sh as PID 1 ignores SIGTERM: stop falls back to SIGKILL after the timeout.
    const stop = await d.docker(['stop', '-t', '1', 'web']);
    assert.equal(stop.code, 0, stop.stderr);
    const st = await d.docker(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', 'web']);
    assert.equal(st.stdout.trim(), 'exited 137');
    assert.equal((await d.docker(['rm', 'web'])).code, 0);
    const gone = await d.docker(['inspect', 'web']);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /No such (container|object): web/);
  });

  test('docker info shows real counts', async () => {
    const run = await d.docker(['run', '-d', '--name', 'counted', 'busybox', 'sleep', '300']);
    assert.equal(run.code, 0, run.stderr);
    const created = await d.docker(['create', '--name', 'idle', 'busybox', 'true']);
    assert.equal(created.code, 0, created.stderr);
    const info = await clientOf(d, '1.41').systemInfo();
    assert.equal(info.ContainersRunning, 1);
    assert.equal(info.ContainersStopped, 1);
    assert.equal(info.Containers, 2);
    assert.equal(info.Images, 1);
    assert.equal(info.Driver, 'overlayfs');
    assert.equal(info.LoggingDriver, 'json-file');
    assert.equal(info.DockerRootDir, d.dataRoot);
    const cli = await d.docker(['info', '--format', '{{.ContainersRunning}} {{.Images}} {{.OSType}}']);
    assert.equal(cli.stdout.trim(), '1 1 linux');
    assert.equal((await d.docker(['rm', '-f', 'counted', 'idle'])).code, 0);
  });

  test('raw HTTP: version range and unknown routes', async () => {
    assert.equal((await d.request('GET', '/v1.12/version')).status, 200);
    assert.equal((await d.request('GET', '/v1.41/version')).status, 200);
    const old = await d.request('GET', '/v1.11/version');
    assert.equal(old.status, 400);
    assert.match(old.body, /^client version 1.11 is too old.*\n$/); // plain text before 1.24
    const nope = await d.request('GET', '/v1.41/nope');
    assert.equal(nope.status, 404);
    assert.deepEqual(JSON.parse(nope.body), { message: 'page not found' });
    // the same errors through the client, as classes
    const api = clientOf(d);
    // @ts-expect-error 'sometimes' is not a restart policy: the server must refuse it too
    await rejectsWith(api.containerCreate({ body: { Image: 'busybox', HostConfig: { RestartPolicy: { Name: 'sometimes' } } } }), BadRequestError, /invalid restart policy/);
    await rejectsWith(api.containerCreate({ body: { Image: 'nosuchimage' } }), NotFoundError, /No such image: nosuchimage/);
  });

  test('logs: --tail, -t (RFC3339Nano), -f ends when the container exits, streams on the right fds', async () => {
    const run = await d.docker(['run', '-d', '--name', 'lines', 'busybox', 'sh', '-c',
      'for i in 1 2 3 4 5 6; do echo out$i; echo err$i >&2; done; sleep 1; echo last; sleep 0.3; echo lasterr >&2']);
    assert.equal(run.code, 0, run.stderr);
    const follow = await d.docker(['logs', '-f', 'lines']);
    assert.equal(follow.stdout, 'out1\nout2\nout3\nout4\nout5\nout6\nlast\n');
    assert.equal(follow.stderr, 'err1\nerr2\nerr3\nerr4\nerr5\nerr6\nlasterr\n');
    // Order between the two streams is only defined where the writes are apart in time.
    const tail = await d.docker(['logs', '--tail', '2', 'lines']);
    assert.equal(tail.stdout, 'last\n');
    assert.equal(tail.stderr, 'lasterr\n');
    const ts = await d.docker(['logs', '-t', '--tail', '1', 'lines']);
    assert.match(ts.stderr, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z lasterr\n$/);
    // through the client: demultiplexed by stream, and the error of a request for no stream
    const frames = [];
    for await (const f of await clientOf(d).containerLogs({ id: 'lines', stdout: true, stderr: true, tail: '2' })) frames.push(`${f.stream}:${f.data.toString()}`);
    assert.deepEqual(frames, ['stdout:last\n', 'stderr:lasterr\n']);
    await rejectsWith(clientOf(d).containerLogs({ id: 'lines' }), BadRequestError, /you must choose at least one stream/);
    assert.equal((await d.docker(['rm', 'lines'])).code, 0);
  });

  test('a TTY container gets a terminal that is never 0x0', async () => {
    const r = await d.docker(['run', '--rm', '-t', 'busybox', 'sh', '-c', 'tty; stty size']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '/dev/pts/0\r\n24 80\r\n');
  });

  test('20 MB through docker run -i cat arrives byte-exact', async () => {
    const input = crypto.randomBytes(20 * 1024 * 1024);
    const r = await new Promise<{ code: number; digest: string; size: number }>((resolve, reject) => {
      const child = spawn('docker', ['run', '-i', '--rm', 'busybox', 'cat'], {
        env: { ...process.env, DOCKER_HOST: d.host }, stdio: ['pipe', 'pipe', 'inherit'],
      });
      const hash = crypto.createHash('sha256');
      let size = 0;
      child.stdout.on('data', (c: Buffer) => { hash.update(c); size += c.length; });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, digest: hash.digest('hex'), size }));
      child.stdin.end(input);
    });
    assert.equal(r.code, 0);
    assert.equal(r.size, input.length);
    assert.equal(r.digest, crypto.createHash('sha256').update(input).digest('hex'));
  });

  test('an unknown image: 404 on create, a clear message from the pull the CLI then tries', async () => {
    // a registry on a closed loopback port: never Docker Hub from a test
    const r = await d.docker(['run', '--rm', '127.0.0.1:1/nosuch']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /Unable to find image '127.0.0.1:1\/nosuch:latest' locally/);
    assert.match(r.stderr, /Get "http:\/\/127.0.0.1:1\/v2\/": dial tcp 127.0.0.1:1: connect: connection refused/);
  });

  test('kill -9 of berthd: the container keeps running and its output keeps flowing into the log', async () => {
    const run = await d.docker(['run', '-d', '--name', 'ticker', 'busybox', 'sh', '-c', 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done']);
    assert.equal(run.code, 0, run.stderr);
    await waitFor('first ticks', async () => (await d.docker(['logs', 'ticker'])).stdout.includes('tick 3'));
    await d.stop('SIGKILL');
    await new Promise((r) => setTimeout(r, 2000)); // the container goes on writing while berthd is down
    await d.start();
    const ps = await d.docker(['ps', '--format', '{{.Names}} {{.Status}}']);
    assert.match(ps.stdout, /^ticker Up/m, ps.stdout + d.logTail());
    await new Promise((r) => setTimeout(r, 1000));
    const logs = (await d.docker(['logs', 'ticker'])).stdout.trim().split('\n');
    const numbers = logs.map((l) => Number(l.replace('tick ', '')));
    // Nothing lost, nothing reordered: 1..N without gaps, and more lines than before the crash.
    numbers.forEach((n, i) => assert.equal(n, i + 1, `line ${i}: ${logs[i]}`));
    assert.ok(numbers.length > 15, `only ${numbers.length} lines`);
    assert.equal((await d.docker(['rm', '-f', 'ticker'])).code, 0);
  });

  test('a second berthd with other roots runs side by side', async () => {
    const d2 = await startBerthd();
    try {
      const load = await d2.docker(['load', '-i', await busyboxTar()]);
      assert.equal(load.code, 0, load.stderr);
      const r2 = await d2.docker(['run', '-d', '--name', 'other', 'busybox', 'sleep', '60']);
      assert.equal(r2.code, 0, r2.stderr + d2.logTail());
      const ps1 = await d.docker(['ps', '-a', '--format', '{{.Names}}']);
      assert.ok(!ps1.stdout.includes('other'), ps1.stdout);
      const r1 = await d.docker(['run', '--rm', 'busybox', 'echo', 'first']);
      assert.equal(r1.stdout, 'first\n');
      assert.equal((await d2.docker(['rm', '-f', 'other'])).code, 0);
    } finally {
      await d2.stop('SIGTERM');
      d2.cleanup();
    }
  });

  test('SIGTERM stops running containers; they are found exited after restart', async () => {
    const run = await d.docker(['run', '-d', '--name', 'sleeper', 'busybox', 'sleep', '300']);
    assert.equal(run.code, 0, run.stderr);
    await d.stop('SIGTERM');
    assert.ok(!fs.existsSync(d.socket) || true);
    await d.start();
    const st = await d.docker(['inspect', '--format', '{{.State.Status}}', 'sleeper']);
    assert.equal(st.stdout.trim(), 'exited');
    assert.equal((await d.docker(['rm', 'sleeper'])).code, 0);
  });
});
