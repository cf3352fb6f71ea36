// @berth/client against a real berthd, and against Debian's dockerd (20.10, API 1.41) when it is
// installed: load, create/start/attach with stdin, exec with exit codes (multiplexed and TTY), logs
// demultiplexed, wait, archive round trip, run(), typed errors — at the negotiated version and
// pinned to 1.41 (where the stream kind is not named by the Content-Type).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { Socket } from 'node:net';
import tar from 'tar-stream';
import { collect, ConflictError, DockerClient, DockerError, NotFoundError, NotModifiedError, type Frame } from '@berth/client';
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { dockerdAvailable, startDockerd } from '../../bench/engines.js';
import { busyboxTar, skipReason, startBerthd } from './harness.js';

/** Debian's docker-registry on 127.0.0.1 with a temporary storage root (for pull/push). */
async function startRegistry(): Promise<{ host: string; stop(): Promise<void> }> {
  const port = await new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => { const p = (srv.address() as net.AddressInfo).port; srv.close(() => resolve(p)); });
  });
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'client-registry-'));
  const config = path.join(root, 'config.yml');
  fs.writeFileSync(config, `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${root}/data\nhttp:\n  addr: 127.0.0.1:${port}\n`);
  const proc: ChildProcess = spawn('/usr/bin/docker-registry', ['serve', config], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      http.get({ host: '127.0.0.1', port, path: '/v2/' }, (res) => { res.resume(); resolve(res.statusCode === 200); }).on('error', () => resolve(false));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host: `127.0.0.1:${port}`,
    stop: async () => {
      const exited = new Promise<void>((r) => { if (proc.exitCode !== null) r(); else proc.once('exit', () => r()); });
      proc.kill('SIGTERM');
      await exited;
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

interface EngineUnderTest { socket: string; apiVersion: string; stop(): Promise<void> }

const engines: { name: string; skip: string | false; start(): Promise<EngineUnderTest> }[] = [
  {
    name: 'berthd', skip: skipReason,
    start: async () => {
      const d = await startBerthd();
      return { socket: d.socket, apiVersion: '1.55', stop: async () => { await d.stop('SIGTERM'); d.cleanup(); } };
    },
  },
  {
    name: 'dockerd', skip: skipReason || (dockerdAvailable() ? false : 'no dockerd installed (bench/setup.sh installs it)'),
    start: async () => {
      const e = await startDockerd(fs.mkdtempSync('/tmp/client-dockerd-'));
      return { socket: e.host.replace(/^unix:\/\//, ''), apiVersion: '1.41', stop: () => e.stop() };
    },
  },
];

async function frames(stream: AsyncIterable<Frame>): Promise<string[]> {
  const out: string[] = [];
  for await (const f of stream) out.push(`${f.stream}:${f.data.toString()}`);
  return out;
}

for (const engine of engines) describe(`@berth/client against ${engine.name}`, { skip: engine.skip, timeout: 240_000 }, () => {
  let d: EngineUnderTest;
  let client: DockerClient;

  before(async () => {
    d = await engine.start();
    client = new DockerClient({ socketPath: d.socket });
    const progress = await client.imageLoad({ quiet: false, body: fs.createReadStream(await busyboxTar()) });
    const messages: string[] = [];
    for await (const m of progress) messages.push(JSON.stringify(m));
    assert.match(messages.join('\n'), /Loaded image: busybox:latest/);
  });

  after(async () => {
    client?.close();
    await d?.stop();
  });

  test('ping, version and negotiation', async () => {
    assert.equal(await client.systemPing(), 'OK');
    assert.equal(await client.apiVersion(), d.apiVersion);
    const v = await client.systemVersion();
    assert.equal(v.ApiVersion, d.apiVersion);
    assert.equal(v.MinAPIVersion, '1.12');
  });

  test('create, attach with stdin, start, wait, logs demultiplexed, remove', async () => {
    const { Id: id } = await client.containerCreate({
      name: 'attach-stdin',
      body: { Image: 'busybox', Cmd: ['sh', '-c', 'read line; echo "out:$line"; echo "err:$line" >&2; exit 3'], OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true, AttachStderr: true },
    });
    const attach = await client.containerAttach({ id, stream: true, stdin: true, stdout: true, stderr: true });
    const output = frames(attach);
    const wait = client.containerWait({ id, condition: 'next-exit' });
    await client.containerStart({ id });
    attach.stdin.write('hello client\n');
    attach.closeWrite();
    assert.deepEqual((await output).sort(), ['stderr:err:hello client\n', 'stdout:out:hello client\n']);
    assert.equal(await attach.tty, false);
    assert.equal((await wait).StatusCode, 3);

    const logs = await client.containerLogs({ id, stdout: true, stderr: true });
    assert.deepEqual((await frames(logs)).sort(), ['stderr:err:hello client\n', 'stdout:out:hello client\n']);
    await assert.rejects(client.containerStop({ id }), NotModifiedError);
    await client.containerDelete({ id });
    await assert.rejects(client.containerInspect({ id }), (err: unknown) => err instanceof NotFoundError && err.message === `No such container: ${id}`);
  });

  test('exec: exit codes, multiplexed output and a TTY, and stdin', async () => {
    const { Id: id } = await client.containerCreate({ name: 'exec-box', body: { Image: 'busybox', Cmd: ['sleep', '300'] } });
    await client.containerStart({ id });
    try {
      const e1 = await client.containerExec({ id, body: { Cmd: ['sh', '-c', 'echo to-out; echo to-err >&2; exit 5'], AttachStdout: true, AttachStderr: true } });
      const out = await collect(await client.execStart({ id: e1.Id, body: { Detach: false, Tty: false } }));
      assert.deepEqual(out, { stdout: 'to-out\n', stderr: 'to-err\n' });
      assert.equal((await client.execInspect({ id: e1.Id })).ExitCode, 5);

      const e2 = await client.containerExec({ id, body: { Cmd: ['sh', '-c', 'tty >/dev/null && echo is-a-tty'], AttachStdout: true, Tty: true } });
      const tty = await client.execStart({ id: e2.Id, body: { Tty: true } });
      assert.equal((await collect(tty)).stdout.replace(/\r/g, ''), 'is-a-tty\n');
      assert.equal(await tty.tty, true);

      const e3 = await client.containerExec({ id, body: { Cmd: ['cat'], AttachStdin: true, AttachStdout: true, AttachStderr: true } });
      const cat = await client.execStart({ id: e3.Id, body: {} });
      cat.stdin.end('through stdin\n');
      assert.deepEqual(await collect(cat), { stdout: 'through stdin\n', stderr: '' });
    } finally {
      await client.containerDelete({ id, force: true });
    }
  });

  test('pinned to 1.41: the stream kind is sniffed (multiplexed attach and logs; raw TTY logs)', async () => {
    const old = new DockerClient({ socketPath: d.socket, version: '1.41' });
    try {
      const plain = await old.run('busybox', ['sh', '-c', 'echo one; echo two >&2']);
      assert.deepEqual({ exitCode: plain.exitCode, stdout: plain.stdout, stderr: plain.stderr }, { exitCode: 0, stdout: 'one\n', stderr: 'two\n' });
      const { Id: id } = await old.containerCreate({ body: { Image: 'busybox', Cmd: ['echo', 'tty out'], Tty: true } });
      await old.containerStart({ id });
      await old.containerWait({ id });
      const logs = await old.containerLogs({ id, stdout: true, stderr: true });
      assert.equal((await collect(logs)).stdout, 'tty out\r\n');
      assert.equal(await logs.tty, true);
      await old.containerDelete({ id });
    } finally {
      old.close();
    }
  });

  test('run(): create, attach, wait before start, start, collect, remove; stdin', async () => {
    const r = await client.run('busybox', ['sh', '-c', 'tr a-z A-Z; echo done >&2; exit 2'], { stdin: 'shout\n' });
    assert.equal(r.exitCode, 2);
    assert.equal(r.stdout, 'SHOUT\n');
    assert.equal(r.stderr, 'done\n');
    await assert.rejects(client.containerInspect({ id: r.id }), NotFoundError);
  });

  test('archive: put a tar, stat the path, get it back', async () => {
    const { Id: id } = await client.containerCreate({ body: { Image: 'busybox', Cmd: ['true'] } });
    try {
      const pack = tar.pack();
      pack.entry({ name: 'greeting.txt', mode: 0o644 }, 'hello archive\n');
      pack.finalize();
      await client.putContainerArchive({ id, path: '/tmp', body: pack as unknown as AsyncIterable<Buffer> });
      const stat = await client.containerArchiveInfo({ id, path: '/tmp/greeting.txt' });
      assert.equal(stat.name, 'greeting.txt');
      assert.equal(stat.size, 14);
      const got = await client.containerArchive({ id, path: '/tmp/greeting.txt' });
      const extract = tar.extract();
      got.pipe(extract);
      const files: Record<string, string> = {};
      for await (const entry of extract) {
        const chunks: Buffer[] = [];
        for await (const c of entry) chunks.push(c as Buffer);
        files[entry.header.name] = Buffer.concat(chunks).toString();
      }
      assert.deepEqual(files, { 'greeting.txt': 'hello archive\n' });
    } finally {
      await client.containerDelete({ id, force: true });
    }
  });

  test('errors: ConflictError for a duplicate name, NotFoundError for a missing image', async () => {
    const { Id: id } = await client.containerCreate({ name: 'twice', body: { Image: 'busybox' } });
    try {
      await assert.rejects(client.containerCreate({ name: 'twice', body: { Image: 'busybox' } }), (err: unknown) => {
        assert.ok(err instanceof ConflictError);
        assert.equal(err.status, 409);
        assert.match(err.message, /The container name "\/twice" is already in use/);
        return true;
      });
      await assert.rejects(client.imageInspect({ name: 'no-such-image' }), NotFoundError);
    } finally {
      await client.containerDelete({ id, force: true });
    }
  });

  test('hijacked attach and exec say multiplexed-stream from API 1.42 without a TTY, raw-stream before (as dockerd)', { skip: engine.name === 'dockerd' && 'dockerd 20.10 serves up to 1.41' }, async () => {
    const { Id: id } = await client.containerCreate({ body: { Image: 'busybox', Cmd: ['sleep', '300'] } });
    await client.containerStart({ id });
    const contentType = (p: string): Promise<string | undefined> => new Promise((resolve, reject) => {
      const req = http.request({ socketPath: d.socket, method: 'POST', path: p, headers: { Connection: 'Upgrade', Upgrade: 'tcp' } });
      req.on('upgrade', (res, socket: Socket) => { socket.destroy(); resolve(res.headers['content-type']); });
      req.on('response', (res) => reject(new Error(`status ${res.statusCode}`)));
      req.on('error', reject);
      req.end();
    });
    try {
      assert.equal(await contentType(`/v1.55/containers/${id}/attach?stream=1&stdout=1`), 'application/vnd.docker.multiplexed-stream');
      assert.equal(await contentType(`/v1.41/containers/${id}/attach?stream=1&stdout=1`), 'application/vnd.docker.raw-stream');
    } finally {
      await client.containerDelete({ id, force: true });
    }
  });

  test('events: a container that starts and dies, as typed messages while it happens', async (t) => {
    const ac = new AbortController();
    let events;
    try {
      events = await client.systemEvents({ filters: { type: ['container'], container: ['evented'] } }, { signal: ac.signal });
    } catch (err) {
      if (err instanceof DockerError && err.status === 404) { t.skip('this engine has no events yet'); return; }
      throw err;
    }
    const seen: string[] = [];
    const done = (async () => {
      for await (const e of events) {
        seen.push(`${e.Type}:${e.Action}:${e.Actor?.Attributes?.name}`);
        if (e.Action === 'die') break;
      }
    })();
    const r = await client.run('busybox', ['true'], { name: 'evented' });
    assert.equal(r.exitCode, 0);
    await done;
    ac.abort();
    const lifecycle = seen.filter((s) => ['create', 'start', 'die'].includes(s.split(':')[1]!));
    assert.deepEqual(lifecycle, ['container:create:evented', 'container:start:evented', 'container:die:evented']);
  });

  test('buildFromDirectory: a context with .dockerignore, built and run', async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-build-'));
    try {
      fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM busybox\nCOPY . /ctx/\nCMD ["ls", "-A", "/ctx"]\n');
      fs.writeFileSync(path.join(dir, '.dockerignore'), '*.log\n');
      fs.writeFileSync(path.join(dir, 'kept.txt'), 'kept\n');
      fs.writeFileSync(path.join(dir, 'noise.log'), 'noise\n');
      let result;
      try {
        result = await client.buildFromDirectory(dir, { tag: 'client-built:1' });
      } catch (err) {
        if (err instanceof DockerError && (err.status === 404 || err.status === 501)) { t.skip('this engine cannot build yet'); return; }
        throw err;
      }
      assert.ok(result.imageId, result.output);
      const r = await client.run('client-built:1', []);
      assert.deepEqual(r.stdout.split('\n').filter(Boolean).sort(), ['.dockerignore', 'Dockerfile', 'kept.txt']);
      await client.imageDelete({ name: 'client-built:1' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('push and pull through a local registry, with progress', { skip: !fs.existsSync('/usr/bin/docker-registry') && 'needs docker-registry' }, async (t) => {
    const registry = await startRegistry();
    try {
      const name = `${registry.host}/client/busybox`;
      await client.imageTag({ name: 'busybox', repo: name, tag: '1' });
      const auth = Buffer.from('{}').toString('base64url');
      let push;
      try {
        push = await client.imagePush({ name, tag: '1', 'X-Registry-Auth': auth });
      } catch (err) {
        if (err instanceof DockerError && (err.status === 404 || err.status === 501)) { t.skip('this engine cannot push yet'); return; }
        throw err;
      }
      const pushed: string[] = [];
      for await (const m of push) {
        assert.equal(m.error ?? m.errorDetail, undefined, JSON.stringify(m));
        if (m.status) pushed.push(m.status);
      }
      assert.ok(pushed.some((s) => /digest: sha256:[0-9a-f]{64}/.test(s)), pushed.join('\n'));
      await client.imageDelete({ name: `${name}:1` });
      await assert.rejects(client.imageInspect({ name: `${name}:1` }), NotFoundError);

      const progress: string[] = [];
      await client.pull(`${name}:1`, { onProgress: (m) => { if (m.status) progress.push(m.status); } });
      assert.ok(progress.some((s) => s.startsWith('Digest: sha256:')), progress.join('\n'));
      assert.ok(progress.some((s) => /Downloaded newer image|Image is up to date/.test(s)), progress.join('\n'));
      const image = await client.imageInspect({ name: `${name}:1` });
      assert.ok(image.RepoTags?.includes(`${name}:1`));
      await client.imageDelete({ name: `${name}:1` });
      await assert.rejects(client.pull(`${registry.host}/client/missing:1`), /manifest unknown|not found/);
    } finally {
      await registry.stop();
    }
  });

  test('pinned to 1.23: containerCopy returns the resource as a tar', async () => {
    const old = new DockerClient({ socketPath: d.socket, version: '1.23' });
    const { Id: id } = await old.containerCreate({ body: { Image: 'busybox', Cmd: ['true'], Hostname: 'legacy-host' } });
    try {
      await old.containerStart({ id });
      await old.containerWait({ id });
      const extract = tar.extract();
      (await old.containerCopy({ id, body: { Resource: '/etc/hostname' } })).pipe(extract);
      const files: Record<string, string> = {};
      for await (const entry of extract) {
        const chunks: Buffer[] = [];
        for await (const c of entry) chunks.push(c as Buffer);
        files[entry.header.name] = Buffer.concat(chunks).toString();
      }
      assert.deepEqual(files, { hostname: 'legacy-host\n' });
    } finally {
      await old.containerDelete({ id, force: true });
      old.close();
    }
  });
});
