import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConflictError, DockerClient, NotFoundError, NotModifiedError, StreamError, type Frame, type JsonMessage } from './index.js';

/** A fake engine on a unix socket: each test installs its handler; requests and connections are recorded. */
class FakeEngine {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-client-'));
  readonly socketPath = path.join(this.dir, 'engine.sock');
  readonly requests: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  connections = 0;
  /** Hijacked connections are the handler's: closed at the end in case a test left one open. */
  readonly upgraded = new Set<Socket>();
  apiVersion = '1.44';
  handler: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void = (_req, res) => { res.end(); };
  upgrade: (req: http.IncomingMessage, socket: Socket, head: Buffer) => void = (_req, socket) => { socket.destroy(); };
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      this.requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.setHeader('Api-Version', this.apiVersion);
      if (/^(\/v[\d.]+)?\/_ping$/.test(req.url!)) { res.end('OK'); return; }
      this.handler(req, res, body);
    });
  });

  constructor() {
    this.server.on('connection', () => { this.connections++; });
    this.server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
      this.requests.push({ method: req.method!, url: req.url!, headers: req.headers, body: '' });
      this.upgraded.add(socket);
      socket.once('close', () => this.upgraded.delete(socket));
      this.upgrade(req, socket, head);
    });
  }

  listen(): Promise<void> { return new Promise((r) => this.server.listen(this.socketPath, r)); }
  close(): Promise<void> {
    this.server.closeAllConnections();
    for (const socket of this.upgraded) socket.destroy();
    return new Promise((r) => this.server.close(() => { fs.rmSync(this.dir, { recursive: true, force: true }); r(); }));
  }
  last() { return this.requests.at(-1)!; }
  json(res: http.ServerResponse, status: number, value: unknown): void {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(value));
  }
}

const frame = (id: number, text: string): Buffer => {
  const data = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = id;
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
};

async function collectFrames(frames: AsyncIterable<Frame>): Promise<string[]> {
  const out: string[] = [];
  for await (const f of frames) out.push(`${f.stream}:${f.data.toString()}`);
  return out;
}

describe('DockerClient against a fake engine', () => {
  const engine = new FakeEngine();
  before(() => engine.listen());
  after(() => engine.close());

  test('auto negotiates with /_ping once and uses the lower version; pins skip the ping', async () => {
    engine.handler = (_req, res) => engine.json(res, 200, []);
    engine.requests.length = 0;
    engine.apiVersion = '1.44';
    const client = new DockerClient({ socketPath: engine.socketPath });
    await client.containerList({ all: true });
    await client.containerList();
    assert.deepEqual(engine.requests.map((r) => r.url), ['/_ping', '/v1.44/containers/json?all=true', '/v1.44/containers/json']);
    assert.equal(await client.apiVersion(), '1.44');

    engine.apiVersion = '1.99';
    const newer = new DockerClient({ socketPath: engine.socketPath });
    assert.equal(await newer.apiVersion(), '1.55');

    engine.requests.length = 0;
    const pinned = new DockerClient({ socketPath: engine.socketPath, version: '1.41' });
    await pinned.containerList();
    assert.deepEqual(engine.requests.map((r) => r.url), ['/v1.41/containers/json']);
    client.close(); newer.close(); pinned.close();
  });

  test('path, query (filters objects as JSON), body and result of one call', async () => {
    engine.apiVersion = '1.55';
    engine.handler = (req, res) => engine.json(res, 201, { Id: 'abc123', Warnings: [] });
    const client = new DockerClient({ socketPath: engine.socketPath, version: '1.55' });
    const created = await client.containerCreate({ name: 'web', body: { Image: 'busybox', Cmd: ['true'] } });
    assert.deepEqual(created, { Id: 'abc123', Warnings: [] });
    const req = engine.last();
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/v1.55/containers/create?name=web');
    assert.equal(req.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(req.body), { Image: 'busybox', Cmd: ['true'] });

    engine.handler = (_req, res) => engine.json(res, 200, []);
    await client.imageList({ filters: { reference: ['busybox:*'] } });
    assert.equal(decodeURIComponent(engine.last().url), '/v1.55/images/json?filters={"reference":["busybox:*"]}');
    await client.imageInspect({ name: 'registry:5000/library/busybox:1.36' });
    assert.equal(engine.last().url, '/v1.55/images/registry:5000/library/busybox:1.36/json');
    client.close();
  });

  test('systemPing returns the body text; keep-alive reuses one connection', async () => {
    engine.handler = (_req, res) => engine.json(res, 200, {});
    const client = new DockerClient({ socketPath: engine.socketPath, version: '1.55' });
    const before = engine.connections;
    assert.equal(await client.systemPing(), 'OK');
    await client.systemInfo();
    await client.systemVersion();
    assert.equal(engine.connections - before, 1);
    client.close();
  });

  test('errors are classes by status carrying the engine message and the operation', async () => {
    engine.handler = (req, res) => {
      if (req.url!.includes('missing')) engine.json(res, 404, { message: 'No such container: missing' });
      else if (req.url!.includes('/start')) { res.writeHead(304); res.end(); }
      else engine.json(res, 409, { message: 'Conflict. The container name "/web" is already in use' });
    };
    const client = new DockerClient({ socketPath: engine.socketPath, version: '1.55' });
    await assert.rejects(client.containerInspect({ id: 'missing' }), (err: unknown) => {
      assert.ok(err instanceof NotFoundError);
      assert.equal(err.status, 404);
      assert.equal(err.message, 'No such container: missing');
      assert.equal(err.operation, 'ContainerInspect');
      return true;
    });
    await assert.rejects(client.containerCreate({ name: 'web', body: { Image: 'busybox' } }), ConflictError);
    await assert.rejects(client.containerStart({ id: 'x' }), NotModifiedError);
    client.close();
  });

  test('an aborted signal rejects the call', async () => {
    engine.handler = () => { /* never answers */ };
    const client = new DockerClient({ socketPath: engine.socketPath, version: '1.55' });
    const ac = new AbortController();
    const pending = client.containerWait({ id: 'x' }, { signal: ac.signal });
    setImmediate(() => ac.abort());
    await assert.rejects(pending, { name: 'AbortError' });
    client.close();
  });

  test('logs: multiplexed frames split across writes are demultiplexed; raw-stream (TTY) passes through', async () => {
    engine.handler = (req, res) => {
      if (req.url!.includes('tty')) {
        res.writeHead(200, { 'Content-Type': 'application/vnd.docker.raw-stream' });
        res.end('raw output\n');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/vnd.docker.multiplexed-stream' });
      const all = Buffer.concat([frame(1, 'out 1\n'), frame(2, 'err 1\n'), frame(1, 'out 2\n')]);
      res.write(all.subarray(0, 5));
      setImmediate(() => { res.write(all.subarray(5, 17)); setImmediate(() => res.end(all.subarray(17))); });
    };
    const client = new DockerClient({ socketPath: engine.socketPath, version: '1.55' });
    const logs = await client.containerLogs({ id: 'web', stdout: true, stderr: true });
    assert.deepEqual(await collectFrames(logs), ['stdout:out 1\n', 'stderr:err 1\n', 'stdout:out 2\n']);
    assert.equal(await logs.tty, false);
    const tty = await client.containerLogs({ id: 'tty', stdout: true });
    assert.deepEqual(await collectFrames(tty), ['stdout:raw output\n']);
    assert.equal(await tty.tty, true);
    client.close();
  });

  test('before 1.42 (no multiplexed Content-Type) the stream kind is sniffed from its first bytes', async () => {
    engine.handler = (req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/vnd.docker.raw-stream' });
      res.end(req.url!.includes('tty') ? 'hello from a tty\n' : Buffer.concat([frame(2, 'e'), frame(1, 'o')]));
    };
    const client = new DockerClient({ socketPath: engine.socketPath, version: '1.41' });
    assert.deepEqual(await collectFrames(await client.containerLogs({ id: 'plain', stdout: true, stderr: true })), ['stderr:e', 'stdout:o']);
    assert.deepEqual(await collectFrames(await client.containerLogs({ id: 'tty', stdout: true })), ['stdout:hello from a tty\n']);
    client.close();
  });

  test('attach hijacks with Upgrade: tcp: stdin goes in, closeWrite is EOF, output is demultiplexed', async () => {
    engine.upgrade = (req, socket) => {
      socket.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
      socket.write(frame(2, 'ready\n'));
      const input: Buffer[] = [];
      socket.on('data', (c: Buffer) => input.push(c));
      socket.on('end', () => { socket.end(frame(1, `echo:${Buffer.concat(input).toString()}`)); });
    };
    const client = new DockerClient({ socketPath: engine.socketPath, version: '1.55' });
    const stream = await client.containerAttach({ id: 'web', stream: true, stdin: true, stdout: true, stderr: true });
    assert.equal(engine.last().headers.upgrade, 'tcp');
    stream.stdin.write('hello ');
    stream.stdin.write('world');
    stream.closeWrite();
    assert.deepEqual(await collectFrames(stream), ['stderr:ready\n', 'stdout:echo:hello world']);
    client.close();
  });

  test('exec start with Tty reads raw output; a hijack refused with 404 throws NotFoundError', async () => {
    engine.upgrade = (req, socket) => {
      if (req.url!.includes('missing')) {
        socket.end('HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 35\r\n\r\n{"message":"No such exec instance"}');
        return;
      }
      socket.end('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n\u0001\u0000\u0000\u0000tty bytes');
    };
    const client = new DockerClient({ socketPath: engine.socketPath, version: '1.41' });
    const stream = await client.execStart({ id: 'e1', body: { Tty: true } });
    assert.deepEqual(await collectFrames(stream), ['stdout:\u0001\u0000\u0000\u0000tty bytes']);
    await assert.rejects(client.execStart({ id: 'missing', body: {} }), (err: unknown) => err instanceof NotFoundError && err.message === 'No such exec instance');
    client.close();
  });

  test('events are an async iterator of typed messages, split at document boundaries', async () => {
    engine.handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const text = '{"Type":"container","Action":"start","Actor":{"ID":"a","Attributes":{"name":"x{y\\"}"}}}\n{"Type":"container","Action":"die","time":1}{"Type":"network","Action":"connect"}\n';
      res.write(text.slice(0, 30));
      setImmediate(() => res.end(text.slice(30)));
    };
    const client = new DockerClient({ socketPath: engine.socketPath, version: '1.55' });
    const events = await client.systemEvents({ filters: { type: ['container'] } });
    const actions: string[] = [];
    for await (const e of events) actions.push(`${e.Type}:${e.Action}`);
    assert.deepEqual(actions, ['container:start', 'container:die', 'network:connect']);
    client.close();
  });

  test('archive: a body stream goes up as a tar; the path stat header is decoded; get returns a stream', async () => {
    const stat = { name: 'etc', size: 4096, mode: 2147484141, mtime: '2024-01-01T00:00:00Z', linkTarget: '' };
    engine.handler = (req, res, body) => {
      if (req.method === 'PUT') { res.writeHead(200); res.end(); return; }
      res.writeHead(200, { 'Content-Type': 'application/x-tar', 'X-Docker-Container-Path-Stat': Buffer.from(JSON.stringify(stat)).toString('base64') });
      res.end(req.method === 'HEAD' ? undefined : 'tar bytes');
      void body;
    };
    const client = new DockerClient({ socketPath: engine.socketPath, version: '1.55' });
    async function* chunks(): AsyncGenerator<Buffer> { yield Buffer.from('part1-'); yield Buffer.from('part2'); }
    await client.putContainerArchive({ id: 'web', path: '/tmp', body: chunks() });
    assert.equal(engine.last().body, 'part1-part2');
    assert.equal(engine.last().headers['content-type'], 'application/x-tar');
    assert.deepEqual(await client.containerArchiveInfo({ id: 'web', path: '/etc' }), stat);
    const tar = await client.containerArchive({ id: 'web', path: '/etc' });
    const got: Buffer[] = [];
    for await (const c of tar) got.push(c as Buffer);
    assert.equal(Buffer.concat(got).toString(), 'tar bytes');
    client.close();
  });

  test('pull() reports progress, sends fromImage/tag and credentials, and rejects on the stream error', async () => {
    engine.handler = (req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      if (req.url!.includes('broken')) res.end('{"status":"Pulling"}\n{"errorDetail":{"message":"manifest unknown"},"error":"manifest unknown"}\n');
      else res.end('{"status":"Pulling from library/busybox","id":"1.36"}\n{"status":"Download complete","id":"abc"}\n');
    };
    const client = new DockerClient({ socketPath: engine.socketPath, version: '1.55' });
    const seen: JsonMessage[] = [];
    await client.pull('localhost:5000/library/busybox:1.36', { onProgress: (m) => seen.push(m), auth: { username: 'u', password: 'p' } });
    assert.deepEqual(seen.map((m) => m.status), ['Pulling from library/busybox', 'Download complete']);
    const req = engine.last();
    assert.equal(req.url, '/v1.55/images/create?fromImage=localhost%3A5000%2Flibrary%2Fbusybox&tag=1.36');
    assert.deepEqual(JSON.parse(Buffer.from(String(req.headers['x-registry-auth']), 'base64url').toString()), { username: 'u', password: 'p' });
    await assert.rejects(client.pull('broken'), (err: unknown) => err instanceof StreamError && err.message === 'manifest unknown');
    client.close();
  });

  test('buildFromDirectory() sends the context as a tar with build args and returns the image ID', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-build-'));
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM busybox\n');
    engine.handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"stream":"Step 1/1 : FROM busybox\\n"}\r\n{"aux":{"ID":"sha256:1234"}}\r\n{"stream":"Successfully built 1234\\n"}\r\n');
    };
    const client = new DockerClient({ socketPath: engine.socketPath, version: '1.55' });
    try {
      const r = await client.buildFromDirectory(dir, { tag: 'app:1', buildArgs: { A: '1' } });
      assert.deepEqual(r, { imageId: 'sha256:1234', output: 'Step 1/1 : FROM busybox\nSuccessfully built 1234\n' });
      const req = engine.last();
      const url = new URL(req.url, 'http://x');
      assert.equal(url.pathname, '/v1.55/build');
      assert.equal(url.searchParams.get('t'), 'app:1');
      assert.equal(url.searchParams.get('buildargs'), '{"A":"1"}');
      assert.equal(req.headers['content-type'], 'application/x-tar');
      assert.equal(req.body.slice(0, 10), 'Dockerfile');
    } finally {
      client.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('waitForHealthy() inspects until healthy; an unhealthy container rejects', async () => {
    const states = ['starting', 'starting', 'healthy'];
    engine.handler = (req, res) => {
      const status = req.url!.includes('sick') ? 'unhealthy' : states.shift();
      engine.json(res, 200, { State: { Running: true, Health: { Status: status } } });
    };
    const client = new DockerClient({ socketPath: engine.socketPath, version: '1.55' });
    await client.waitForHealthy('web', { intervalMs: 1 });
    assert.equal(states.length, 0);
    await assert.rejects(client.waitForHealthy('sick', { intervalMs: 1 }), /container sick is unhealthy/);
    client.close();
  });

  test('run(): a start that fails rejects with its error, closes its streams and removes the container', async () => {
    engine.upgrade = (_req, socket) => {
      socket.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
      socket.resume();
    };
    const waits: http.ServerResponse[] = [];
    engine.handler = (req, res) => {
      if (req.url!.includes('/containers/create')) engine.json(res, 201, { Id: 'c1', Warnings: [] });
      else if (req.url!.includes('/wait')) { res.writeHead(200, { 'Content-Type': 'application/json' }); res.flushHeaders(); waits.push(res); }
      else if (req.url!.includes('/start')) engine.json(res, 400, { message: 'failed to create task: exec: "nope": executable file not found in $PATH' });
      else if (req.method === 'DELETE') { engine.json(res, 204, {}); for (const w of waits) w.end('{"StatusCode":127}'); }
      else engine.json(res, 404, { message: 'unexpected' });
    };
    const client = new DockerClient({ socketPath: engine.socketPath, version: '1.55' });
    engine.requests.length = 0;
    await assert.rejects(client.run('busybox', ['nope']), (err: unknown) => err instanceof Error && err.name === 'BadRequestError' && /executable file not found/.test(err.message));
    assert.deepEqual(engine.requests.map((r) => `${r.method} ${r.url.replace(/\?.*/, '')}`), [
      'POST /v1.55/containers/create', 'POST /v1.55/containers/c1/attach', 'POST /v1.55/containers/c1/wait', 'POST /v1.55/containers/c1/start', 'DELETE /v1.55/containers/c1',
    ]);
    client.close();
  });

  test('pinned before 1.25: containerCopy and a HostConfig body on start, as the old docs describe', async () => {
    engine.handler = (req, res, body) => {
      if (req.url!.endsWith('/copy')) { res.writeHead(200, { 'Content-Type': 'application/x-tar' }); res.end(`tar of ${JSON.parse(body).Resource}`); return; }
      res.writeHead(204); res.end();
    };
    const client = new DockerClient({ socketPath: engine.socketPath, version: '1.23' });
    const tar = await client.containerCopy({ id: 'web', body: { Resource: '/etc/hostname' } });
    const chunks: Buffer[] = [];
    for await (const c of tar) chunks.push(c as Buffer);
    assert.equal(Buffer.concat(chunks).toString(), 'tar of /etc/hostname');
    await client.containerStart({ id: 'web', body: { Privileged: false, Binds: ['/a:/b'] } });
    assert.equal(engine.last().url, '/v1.23/containers/web/start');
    assert.deepEqual(JSON.parse(engine.last().body), { Privileged: false, Binds: ['/a:/b'] });
    const current = new DockerClient({ socketPath: engine.socketPath, version: '1.44' });
    await current.containerStart({ id: 'web' });
    assert.equal(engine.last().body, '');
    client.close(); current.close();
  });
});
