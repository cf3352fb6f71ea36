// docker exec against a real berthd: exit codes, user/workdir/env, stdin, stream separation,
// detached exec and exec inspect, errors for missing binaries and stopped containers. The API side
// goes through @berth/client; raw hijacks stay where the framing itself is under test.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { ConflictError, NotFoundError } from '@berth/client';
import { clientOf, closeClients, rejectsWith } from './client-of.js';
import { Berthd, busyboxTar, dockerPy, skipReason, startBerthd, waitFor } from './harness.js';

/** Splits a multiplexed (stdcopy) body into its streams; anything that is not a whole frame fails. */
function demux(body: Buffer): { stdout: string; stderr: string } {
  const out = { stdout: '', stderr: '' };
  for (let at = 0; at < body.length;) {
    assert.ok(body.length - at >= 8, `a partial frame header at ${at}: ${JSON.stringify(body.toString())}`);
    const id = body[at]!;
    assert.ok(id === 1 || id === 2, `stream id ${id} at ${at}: ${JSON.stringify(body.toString())}`);
    const size = body.readUInt32BE(at + 4);
    assert.ok(at + 8 + size <= body.length, `a frame longer than the body at ${at}`);
    out[id === 1 ? 'stdout' : 'stderr'] += body.subarray(at + 8, at + 8 + size).toString();
    at += 8 + size;
  }
  return out;
}

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
    closeClients(d);
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

  async function execCreate(config: object): Promise<string> {
    const created = await clientOf(d).containerExec({ id: 'box', body: { AttachStdout: true, AttachStderr: true, ...config } });
    return created.Id;
  }

  /** Runs an exec attached over raw HTTP; resolves with everything the stream carried. */
  async function execRaw(config: object, startTty: boolean): Promise<Buffer> {
    const h = await d.hijack(`/exec/${await execCreate(config)}/start`, { Detach: false, Tty: startTty });
    assert.equal(h.status, 101);
    return h.ended;
  }

  test('the start request\'s Tty decides the framing: a TTY exec started without Tty is multiplexed, the reverse is raw', async () => {
    assert.deepEqual(demux(await execRaw({ Cmd: ['echo', 'hello out'], Tty: true }, false)), { stdout: 'hello out\r\n', stderr: '' });
    const raw = (await execRaw({ Cmd: ['sh', '-c', 'echo out; echo err >&2'], Tty: false }, true)).toString();
    assert.deepEqual(raw.split('\n').sort(), ['', 'err', 'out']);
  });

  test('a TTY exec delivers all of its output, every time (50 runs, framed and raw)', async () => {
    for (let i = 0; i < 50; i++) {
      const startTty = i % 2 === 0;
      const body = await execRaw({ Cmd: ['echo', `hello out ${i}`], Tty: true }, startTty);
      assert.equal(startTty ? body.toString() : demux(body).stdout, `hello out ${i}\r\n`, `run ${i}, start Tty ${startTty}`);
    }
    for (let i = 0; i < 5; i++) {
      const r = await d.docker(['exec', '-t', 'box', 'echo', `cli out ${i}`]);
      assert.equal(r.stdout, `cli out ${i}\r\n`, r.stderr);
    }
  });

  test('docker-py: exec_create(tty=True) then exec_start() (tty=False) reads the whole output', { skip: dockerPy ? false : 'no python3 with the docker module (Debian python3-docker)' }, () => {
    const script = `
import docker, json
c = docker.APIClient(base_url=${JSON.stringify(d.host)})
e = c.exec_create('box', ['echo', 'hello out'], tty=True)
print(json.dumps(c.exec_start(e['Id']).decode()))
`;
    const r = spawnSync(dockerPy!, ['-c', script], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout), 'hello out\r\n');
  });

  test('a TTY exec whose client closes stdin (the CLI on ctrl-p ctrl-q) keeps running with its stdin; server-side detach keys too', async () => {
    for (const leave of ['eof', 'keys'] as const) {
      const id = await execCreate({ Cmd: ['sh'], Tty: true, AttachStdin: true, DetachKeys: 'ctrl-x,x' });
      const h = await clientOf(d).execStart({ id, body: { Detach: false, Tty: true } });
      h.stdin.write('echo ready-$((1+1))\n');
      let seen = '';
      let left = false;
      for await (const f of h) { // ends once the client left
        seen += f.data.toString();
        if (left || !/ready-2/.test(seen)) continue;
        if (leave === 'eof') h.closeWrite();
        else h.stdin.write(Buffer.from([24, 120]));
        left = true;
      }
      assert.ok(left, seen);
      assert.equal(await h.tty, true);
      const info = await clientOf(d).execInspect({ id });
      assert.deepEqual({ leave, running: info.Running, exitCode: info.ExitCode }, { leave, running: true, exitCode: null });
      process.kill(info.Pid!, 'SIGKILL');
    }
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
    const api = clientOf(d);
    const { Id } = await api.containerExec({ id: 'box', body: { Cmd: ['sh', '-c', 'exit 3'] } });
    await api.execStart({ id: Id, body: { Detach: true } });
    const info = await waitFor('exec exit', async () => {
      const i = await api.execInspect({ id: Id });
      return i.ExitCode !== null && !i.Running ? i : undefined;
    });
    assert.equal(info.ExitCode, 3);
    await rejectsWith(api.execStart({ id: Id, body: { Detach: true } }), ConflictError);
    await rejectsWith(api.execInspect({ id: 'nope' }), NotFoundError, 'No such exec instance: nope');
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
