// Streams against a real berthd: websocket attach, log drivers and rotation, `logs --details`,
// terminals driven through tmux (typing, ctrl-c, window size, detach keys), several clients on one
// container, and the stream demultiplexing of docker-py and dockerode.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import Dockerode from 'dockerode';
import WebSocket from 'ws';
import type { Frame } from '@berth/client';
import { clientOf, closeClients, watch } from './client-of.js';
import { Berthd, busyboxTar, dockerPy, skipReason, startBerthd, waitFor } from './harness.js';

const tmuxMissing = spawnSync('tmux', ['-V']).status !== 0 ? 'tmux is not installed (scripts/install-deps.sh installs it)' : false;

/** Echoes each stdin line to stdout as `out:<line>` and to stderr as `err:<line>`. */
const ECHO_BOTH = ['sh', '-c', 'while read l; do echo "out:$l"; echo "err:$l" >&2; done'];


describe('streams', { skip: skipReason, timeout: 300_000 }, () => {
  let d: Berthd;

  before(async () => {
    d = await startBerthd();
    assert.equal((await d.docker(['load', '-i', await busyboxTar()])).code, 0);
  });

  after(async () => {
    if (!d) return;
    closeClients(d);
    await d.stop('SIGTERM');
    d.cleanup();
  });

  const inspect = async (name: string): Promise<{ Id: string; LogPath: string; State: { Running: boolean; ExitCode: number } }> =>
    JSON.parse((await d.docker(['inspect', name])).stdout)[0];

  async function wsAttach(version: string, id: string, send: string, until: (text: string) => boolean): Promise<{ text: string; binary: boolean[] }> {
    const ws = new WebSocket(`ws+unix://${d.socket}:/v${version}/containers/${id}/attach/ws?stream=1&stdin=1&stdout=1&stderr=1`);
    const chunks: Buffer[] = [];
    const binary: boolean[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () => ws.send(send));
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        chunks.push(data);
        binary.push(isBinary);
        if (until(Buffer.concat(chunks).toString())) resolve();
      });
      ws.on('error', reject);
      ws.on('close', () => resolve());
    });
    ws.close();
    return { text: Buffer.concat(chunks).toString(), binary };
  }

  test('websocket attach: stdin in, stdout and stderr out raw; binary frames from 1.28, text before', async () => {
    const run = await d.docker(['run', '-d', '-i', '--name', 'wsbox', 'busybox', ...ECHO_BOTH]);
    assert.equal(run.code, 0, run.stderr);
    const id = run.stdout.trim();
    const cur = await wsAttach('1.41', id, 'one\n', (t) => t.includes('out:one') && t.includes('err:one'));
    assert.match(cur.text, /out:one\n/);
    assert.match(cur.text, /err:one\n/);
    assert.ok(!cur.text.includes('\u0001\u0000\u0000\u0000'), 'no stdcopy frames on a websocket');
    assert.ok(cur.binary.every(Boolean), 'binary frames at 1.41');
    const old = await wsAttach('1.27', id, 'two\n', (t) => t.includes('out:two') && t.includes('err:two'));
    assert.match(old.text, /out:two\n/);
    assert.ok(old.binary.every((b) => !b), 'text frames before 1.28');
    // a plain GET (no websocket upgrade) is a clear 400, and a missing container a 404
    assert.equal((await d.request('GET', `/containers/${id}/attach/ws?stream=1`)).status, 400);
    assert.equal((await d.request('GET', '/containers/nosuch/attach/ws?stream=1')).status, 404);
    await d.docker(['rm', '-f', 'wsbox']);
  });

  test('json-file rotation keeps max-file files of max-size and logs reads them in order', async () => {
    const run = await d.docker(['run', '--name', 'rot', '--log-opt', 'max-size=2k', '--log-opt', 'max-file=3', 'busybox', 'sh', '-c', 'seq 1 3000 >/dev/null; i=1; while [ $i -le 400 ]; do echo line$i; i=$((i+1)); done']);
    assert.equal(run.code, 0, run.stderr);
    const { LogPath } = await inspect('rot');
    const files = fs.readdirSync(path.dirname(LogPath)).filter((f) => f.startsWith(path.basename(LogPath)));
    assert.deepEqual(files.sort(), [path.basename(LogPath), `${path.basename(LogPath)}.1`, `${path.basename(LogPath)}.2`]);
    for (const f of files) assert.ok(fs.statSync(path.join(path.dirname(LogPath), f)).size <= 2048);
    const logs = (await d.docker(['logs', 'rot'])).stdout.trim().split('\n');
    const first = Number(logs[0]!.slice(4));
    assert.ok(first > 1 && logs.length < 400, `kept ${logs.length} lines from line${first}`);
    assert.deepEqual(logs, Array.from({ length: 401 - first }, (_, i) => `line${first + i}`));
    const tail = (await d.docker(['logs', '--tail', String(logs.length - 2), 'rot'])).stdout.trim().split('\n');
    assert.deepEqual(tail, logs.slice(2));
  });

  test('log drivers: none cannot be read, local can, unknown drivers and options are 400s', async () => {
    assert.equal((await d.docker(['run', '--name', 'quiet', '--log-driver', 'none', 'busybox', 'echo', 'hi'])).stdout, 'hi\n');
    const none = await d.docker(['logs', 'quiet']);
    assert.notEqual(none.code, 0);
    assert.match(none.stderr, /configured logging driver does not support reading/);
    assert.equal((await inspect('quiet')).LogPath, '');

    assert.equal((await d.docker(['run', '--name', 'loc', '--log-driver', 'local', 'busybox', 'sh', '-c', 'echo a; echo b >&2'])).code, 0);
    const local = await d.docker(['logs', 'loc']);
    assert.equal(local.stdout, 'a\n');
    assert.equal(local.stderr, 'b\n');

    const syslog = await d.docker(['run', '--log-driver', 'syslog', 'busybox', 'true']);
    assert.match(syslog.stderr, /logging driver "syslog" is not supported by berthd/);
    const nosuch = await d.docker(['create', '--log-driver', 'nosuch', 'busybox', 'true']);
    assert.match(nosuch.stderr, /logger: no log driver named 'nosuch' is registered/);
    const size = await d.docker(['create', '--log-opt', 'max-size=lots', 'busybox', 'true']);
    assert.match(size.stderr, /invalid size: 'lots'/);
    const opt = await d.docker(['create', '--log-opt', 'colour=red', 'busybox', 'true']);
    assert.match(opt.stderr, /unknown log opt 'colour' for json-file log driver/);
  });

  test('logs --details shows the labels and env the log options name', async () => {
    const run = await d.docker(['run', '--name', 'det', '--label', 'app=web', '-e', 'TIER=front end', '--log-opt', 'labels=app', '--log-opt', 'env=TIER', 'busybox', 'echo', 'hi']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal((await d.docker(['logs', '--details', 'det'])).stdout, 'TIER=front+end,app=web hi\n');
    assert.equal((await d.docker(['logs', 'det'])).stdout, 'hi\n');
    assert.equal((await d.docker(['run', '--name', 'det2', 'busybox', 'echo', 'hi'])).code, 0);
    assert.equal((await d.docker(['logs', '--details', 'det2'])).stdout, ' hi\n');
  });

  test('several clients attached to one container all see its output', async () => {
    const run = await d.docker(['run', '-d', '--name', 'multi', 'busybox', 'sh', '-c', 'sleep 2; for i in 1 2 3; do echo tick$i; done; sleep 1']);
    assert.equal(run.code, 0, run.stderr);
    const [a, b] = await Promise.all([d.docker(['attach', '--no-stdin', 'multi']), d.docker(['attach', '--no-stdin', 'multi'])]);
    assert.equal(a.stdout, 'tick1\ntick2\ntick3\n');
    assert.equal(b.stdout, 'tick1\ntick2\ntick3\n');
  });

  // dockerd's rule (container/stream/attach.go): a client's stdin EOF closes the container's stdin
  // only for StdinOnce without a TTY; otherwise it just ends that client's stream.
  const attach = (id: string) => clientOf(d).containerAttach({ id, stream: true, stdin: true, stdout: true, stderr: true });

  test('StdinOnce with a TTY: the client closing stdin (the CLI on ctrl-p ctrl-q) ends its stream, the shell keeps stdin for the next attach', async () => {
    await clientOf(d).containerCreate({ name: 'once', body: {
      Image: 'busybox', Cmd: ['sh'], Tty: true, OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true, AttachStderr: true,
    } });
    const first = await attach('once');
    const firstOut = watch(first);
    await clientOf(d).containerStart({ id: 'once' });
    first.stdin.write('echo one-$((1+1))\n');
    await firstOut.until(/one-2/);
    first.closeWrite();
    await firstOut.ended;
    assert.equal(await first.tty, true);
    assert.equal((await inspect('once')).State.Running, true);
    const second = await attach('once');
    const secondOut = watch(second);
    second.stdin.write('echo two-$((2+2))\n');
    await secondOut.until(/two-4/);
    second.destroy();
    await d.docker(['rm', '-f', 'once']);
  });

  test('without StdinOnce a stdin EOF ends the attach and the container runs on; with it (no TTY) the process reads EOF, even before the start', async () => {
    assert.equal((await d.docker(['run', '-d', '-i', '--name', 'keep', 'busybox', ...ECHO_BOTH])).code, 0);
    const h = await attach('keep');
    const frames: Frame[] = [];
    const out = watch((async function* () { for await (const f of h) { frames.push(f); yield f; } })());
    h.stdin.write('a\n');
    await out.until(/out:a\n[^]*err:a\n|err:a\n[^]*out:a\n/);
    h.closeWrite();
    await out.ended;
    // demultiplexed: each line on its own stream
    assert.equal(frames.filter((f) => f.stream === 'stdout').map((f) => f.data.toString()).join(''), 'out:a\n');
    assert.equal(frames.filter((f) => f.stream === 'stderr').map((f) => f.data.toString()).join(''), 'err:a\n');
    assert.equal((await inspect('keep')).State.Running, true);
    await d.docker(['rm', '-f', 'keep']);
    // `docker run -i` sets StdinOnce; an empty stdin may end before the container starts
    const cat = await d.docker(['run', '-i', '--rm', 'busybox', 'cat'], { input: '' });
    assert.equal(cat.code, 0, cat.stderr);
    assert.equal(cat.stdout, '');
  });

  describe('terminal in tmux', { skip: tmuxMissing }, () => {
    const server = `berth-test-${process.pid}`;
    const tmux = (...args: string[]): string => {
      const r = spawnSync('tmux', ['-L', server, ...args], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    const screen = (): string => tmux('capture-pane', '-p', '-t', 'term');
    const type = (...keys: string[]): void => void tmux('send-keys', '-t', 'term', ...keys);
    const seen = (re: RegExp): Promise<string> => waitFor(`${re} on the terminal`, async () => (re.test(screen()) ? screen() : undefined), 60_000);
    let exitFile = '';

    before(() => {
      exitFile = path.join(d.root, 'tmux-exit');
      const env = `DOCKER_HOST=${d.host} DOCKER_CONFIG=${path.join(d.root, 'docker-config')}`;
      tmux('new-session', '-d', '-s', 'term', '-x', '100', '-y', '30', `env ${env} sh`);
      type(`export ${env} PS1='$ '`, 'Enter');
    });

    after(() => {
      spawnSync('tmux', ['-L', server, 'kill-server']);
    });

    test('docker run -it: typing, ctrl-c, window size at start and on resize, exit code', async () => {
      type(`docker run -it --rm busybox sh; echo "exit=$?" > ${exitFile}`, 'Enter');
      await seen(/\/ #\s*$/m);
      type('stty size', 'Enter');
      await seen(/^30 100\s*$/m);
      type('echo typed-$((6*7))', 'Enter');
      await seen(/^typed-42\s*$/m);
      type('sleep 100', 'Enter');
      await new Promise((r) => setTimeout(r, 500));
      type('C-c');
      type('echo rc=$?', 'Enter');
      await seen(/^rc=130\s*$/m);
      tmux('resize-window', '-t', 'term', '-x', '120', '-y', '40');
      await new Promise((r) => setTimeout(r, 500));
      type('clear; stty size', 'Enter');
      await seen(/^40 120\s*$/m);
      type('exit 3', 'Enter');
      await waitFor('the CLI to exit', async () => fs.existsSync(exitFile) && fs.readFileSync(exitFile, 'utf8').trim() !== '');
      assert.equal(fs.readFileSync(exitFile, 'utf8').trim(), 'exit=3');
    });

    test('docker run -it then ctrl-p ctrl-q: the shell keeps its stdin; docker attach and docker exec -it detach the same way', async () => {
      type(`clear; docker run -it --name keepsh busybox sh; echo "run-exit=$?"`, 'Enter');
      await seen(/\/ #\s*$/m);
      type('echo first-$((5+5))', 'Enter');
      await seen(/^first-10\s*$/m);
      type('C-p', 'C-q');
      await seen(/run-exit=0\s*$/m);
      type('clear; docker attach --detach-keys ctrl-x,x keepsh', 'Enter');
      type('echo second-$((6+6))', 'Enter');
      await seen(/^second-12\s*$/m);
      type('C-x', 'x');
      await seen(/read escape sequence/);
      type('clear; docker exec -it keepsh sh', 'Enter');
      await seen(/\/ #\s*$/m);
      type('echo third-$((7+7))', 'Enter');
      await seen(/^third-14\s*$/m);
      type('C-p', 'C-q');
      await seen(/read escape sequence/);
      type('clear; docker attach keepsh', 'Enter');
      type('echo fourth-$((8+8))', 'Enter');
      await seen(/^fourth-16\s*$/m);
      type('exit 4', 'Enter');
      await waitFor('the container to exit', async () => !(await inspect('keepsh')).State.Running);
      assert.equal((await inspect('keepsh')).State.ExitCode, 4);
      await d.docker(['rm', '-f', 'keepsh']);
    });

    test('docker attach: ctrl-p ctrl-q and custom detach keys leave the container running; docker exec -it', async () => {
      assert.equal((await d.docker(['run', '-d', '-it', '--name', 'tt', 'busybox', 'sh'])).code, 0);
      type('clear; docker attach tt', 'Enter');
      type('echo attached-$((1+1))', 'Enter');
      await seen(/^attached-2\s*$/m);
      type('C-p', 'C-q');
      await seen(/read escape sequence/);
      assert.equal((await inspect('tt')).State.Running, true);
      type('clear; docker attach --detach-keys ctrl-a,a tt', 'Enter');
      type('echo again-$((2+2))', 'Enter');
      await seen(/^again-4\s*$/m);
      type('C-a', 'a');
      await seen(/read escape sequence/);
      assert.equal((await inspect('tt')).State.Running, true);
      type('clear; docker exec -it tt sh; echo exec-exit=$?', 'Enter');
      await seen(/\/ #\s*$/m);
      type('echo exec-$((3+3)); stty size', 'Enter');
      await seen(/^exec-6\s*$/m);
      assert.match(screen(), /^40 120\s*$/m);
      type('exit 5', 'Enter');
      await seen(/^exec-exit=5\s*$/m);
      await d.docker(['rm', '-f', 'tt']);
    });
  });

  test('dockerode: attach and exec streams demultiplex into stdout and stderr', async () => {
    const client = new Dockerode({ socketPath: d.socket });
    const run = await d.docker(['run', '-d', '-i', '--name', 'dode', 'busybox', ...ECHO_BOTH]);
    assert.equal(run.code, 0, run.stderr);
    const container = client.getContainer('dode');
    const stream = await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true });
    const out = new PassThrough();
    const err = new PassThrough();
    const outText: string[] = [];
    const errText: string[] = [];
    out.on('data', (c: Buffer) => outText.push(c.toString()));
    err.on('data', (c: Buffer) => errText.push(c.toString()));
    container.modem.demuxStream(stream, out, err);
    stream.write('hello\n');
    await waitFor('dockerode output', async () => outText.join('') === 'out:hello\n' && errText.join('') === 'err:hello\n');
    (stream as unknown as { destroy(): void }).destroy();

    const exec = await container.exec({ Cmd: ['sh', '-c', 'echo eo; echo ee >&2'], AttachStdout: true, AttachStderr: true });
    const execStream = await exec.start({ hijack: true, stdin: false });
    const eo: string[] = [];
    const ee: string[] = [];
    const o2 = new PassThrough().on('data', (c: Buffer) => eo.push(c.toString()));
    const e2 = new PassThrough().on('data', (c: Buffer) => ee.push(c.toString()));
    container.modem.demuxStream(execStream, o2, e2);
    await new Promise((r) => execStream.on('end', r));
    assert.equal(eo.join(''), 'eo\n');
    assert.equal(ee.join(''), 'ee\n');
    await d.docker(['rm', '-f', 'dode']);
  });

  test('docker-py: attach_socket and exec_run(demux=True) see separated streams', { skip: dockerPy ? false : 'no python3 with the docker module (Debian python3-docker)' }, async () => {
    const run = await d.docker(['run', '-d', '-i', '--name', 'pyc', 'busybox', ...ECHO_BOTH]);
    assert.equal(run.code, 0, run.stderr);
    const script = `
import docker, json, socket
from docker.utils.socket import frames_iter
c = docker.DockerClient(base_url=${JSON.stringify(d.host)})
ctr = c.containers.get('pyc')
out, err = ctr.exec_run(['sh', '-c', 'echo xo; echo xe >&2'], demux=True).output
sock = c.api.attach_socket(ctr.id, params={'stdin': 1, 'stdout': 1, 'stderr': 1, 'stream': 1})
raw = sock._sock
raw.sendall(b'py\\n')
seen = {1: b'', 2: b''}
for stream, data in frames_iter(sock, tty=False):
    seen[stream] += data
    if seen[1] == b'out:py\\n' and seen[2] == b'err:py\\n':
        break
raw.close()
print(json.dumps({'exec': [out.decode(), err.decode()], 'attach': [seen[1].decode(), seen[2].decode()]}))
`;
    const r = spawnSync(dockerPy!, ['-c', script], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { exec: ['xo\n', 'xe\n'], attach: ['out:py\n', 'err:py\n'] });
    await d.docker(['rm', '-f', 'pyc']);
  });
});
