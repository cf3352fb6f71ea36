// Router tests: the real ApiServer on a temporary unix socket with fake backends.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { NotFoundError } from '../../errdefs/index.js';
import { ContainersRouter } from '../routers/containers/routes.js';
import type { ContainerBackend } from '../routers/containers/backend.js';
import { SystemRouter } from '../routers/system/routes.js';
import type { SystemBackend } from '../routers/system/backend.js';
import { ApiServer } from './server.js';
import { unixRequest, type UnixResponse } from './unix-request.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-'));
const sock = path.join(dir, 'api.sock');
let server: ApiServer;

const system: SystemBackend = {
  systemVersion: async () => ({
    Platform: { Name: 'Berth' }, Components: [], Version: '0.1.0', ApiVersion: '1.55', MinAPIVersion: '1.12',
    GitCommit: '', GoVersion: 'node', Os: 'linux', Arch: 'amd64', KernelVersion: '6', BuildTime: '',
  }),
  systemInfo: async () => ({ Containers: 0 }),
};

const notFound = async (): Promise<never> => { throw new NotFoundError('No such container: nope'); };
const containers = {
  containerInspect: notFound,
  containerCreate: async (_name: string | undefined, body: { Image?: string }) => ({ Id: `created-${body.Image}`, Warnings: [] }),
  containerAttach: async () => ({
    tty: false,
    run: async (io: { output: (s: 'stdout' | 'stderr', d: Buffer) => boolean }) => { io.output('stdout', Buffer.from('hi\n')); },
  }),
} as unknown as ContainerBackend;

const request = (method: string, p: string, body?: string, contentType = 'application/json'): Promise<UnixResponse> =>
  unixRequest(sock, method, p, body, body ? contentType : undefined);

before(async () => {
  server = new ApiServer([new SystemRouter(system), new ContainersRouter(containers)], { serverVersion: '0.1.0', log: () => undefined });
  await server.listen({ proto: 'unix', addr: sock });
});
after(async () => { await server.close(); fs.rmSync(dir, { recursive: true, force: true }); });

test('versioned and unversioned paths answer with the standard headers', async () => {
  for (const p of ['/version', '/v1.12/version', '/v1.41/version', '/v1.55/version']) {
    const r = await request('GET', p);
    assert.equal(r.status, 200, p);
    assert.equal(r.headers['api-version'], '1.55');
    assert.equal(r.headers.ostype, 'linux');
    assert.equal(r.headers['docker-experimental'], 'false');
    assert.match(String(r.headers.server), /^Berth\//);
  }
  assert.ok(!('Components' in JSON.parse((await request('GET', '/v1.12/version')).body)));
});

test('out-of-range versions get 400 with dockerd texts; unknown routes 404', async () => {
  const old = await request('GET', '/v1.11/version');
  assert.equal(old.status, 400);
  assert.equal(old.body, 'client version 1.11 is too old. Minimum supported API version is 1.12, please upgrade your client to a newer version\n');
  const newer = await request('GET', '/v1.56/version');
  assert.equal(newer.status, 400);
  assert.deepEqual(JSON.parse(newer.body), { message: 'client version 1.56 is too new. Maximum supported API version is 1.55' });
  const nope = await request('GET', '/v1.41/nope');
  assert.equal(nope.status, 404);
  assert.deepEqual(JSON.parse(nope.body), { message: 'page not found' });
});

test('headers as dockerd sends them: none on "page not found", no Docker-Experimental on a refused version', async () => {
  for (const p of ['/nope', '/v1.41/nope', '/v1.x/version', '/v1.12/containers/json/extra']) {
    const r = await request('GET', p);
    assert.equal(r.status, 404, p);
    for (const h of ['api-version', 'ostype', 'docker-experimental', 'server']) assert.equal(r.headers[h], undefined, `${p} ${h}`);
  }
  for (const p of ['/v1.11/version', '/v1.56/version']) {
    const r = await request('GET', p);
    assert.equal(r.status, 400, p);
    assert.equal(r.headers['api-version'], '1.55');
    assert.equal(r.headers.ostype, 'linux');
    assert.match(String(r.headers.server), /^Berth\//);
    assert.equal(r.headers['docker-experimental'], undefined, p);
  }
});

test('ping answers GET and HEAD', async () => {
  const g = await request('GET', '/_ping');
  assert.equal(g.body, 'OK');
  const h = await request('HEAD', '/_ping');
  assert.equal(h.status, 200);
  assert.equal(h.headers['api-version'], '1.55');
});

test('error classes map to status codes; malformed JSON is a 400', async () => {
  const r = await request('GET', '/containers/nope/json');
  assert.equal(r.status, 404);
  assert.deepEqual(JSON.parse(r.body), { message: 'No such container: nope' });
  const bad = await request('POST', '/containers/create', '{"Image": ');
  assert.equal(bad.status, 400);
  assert.match(JSON.parse(bad.body).message, /invalid JSON/);
  const ok = await request('POST', '/containers/create?name=x', '{"Image":"busybox"}');
  assert.equal(ok.status, 201);
  assert.equal(JSON.parse(ok.body).Id, 'created-busybox');
});

test('a JSON body with another Content-Type is refused with dockerd\'s text; charset parameters are fine', async () => {
  const r = await request('POST', '/containers/create', '{"Image":"busybox"}', 'text/plain');
  assert.equal(r.status, 400);
  assert.deepEqual(JSON.parse(r.body), { message: "Content-Type specified (text/plain) must be 'application/json'" });
  const ok = await request('POST', '/containers/create', '{"Image":"busybox"}', 'application/json; charset=utf-8');
  assert.equal(ok.status, 201);
});

test('wrongly typed create fields are a 400 with Go\'s unmarshal text, not a crash', async () => {
  const r = await request('POST', '/containers/create', '{"Image":5}');
  assert.equal(r.status, 400);
  assert.deepEqual(JSON.parse(r.body), { message: 'json: cannot unmarshal number into Go struct field ContainerConfigWrapper.Image of type string' });
});

/** Sends a raw request and returns everything the server wrote until it closed the connection. */
function rawExchange(request: string): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const c = net.connect(sock);
    const chunks: Buffer[] = [];
    c.on('data', (d: Buffer) => chunks.push(d));
    c.on('end', () => resolve(Buffer.concat(chunks)));
    c.on('error', reject);
    c.write(request);
  });
}

test('attach hijacks with 101 and multiplexed frames', async () => {
  const data = await rawExchange('POST /v1.41/containers/x/attach?stream=1&stdout=1 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
  const text = data.toString('latin1');
  assert.match(text, /^HTTP\/1.1 101 UPGRADED\r\n/);
  const body = data.subarray(text.indexOf('\r\n\r\n') + 4);
  assert.deepEqual([...body.subarray(0, 8)], [1, 0, 0, 0, 0, 0, 0, 3]);
  assert.equal(body.subarray(8).toString(), 'hi\n');
});

test('attach without Upgrade gets the legacy 200 raw stream on the same connection', async () => {
  const data = await rawExchange('POST /v1.18/containers/x/attach?stream=1&stdout=1 HTTP/1.1\r\nHost: x\r\n\r\n');
  const text = data.toString('latin1');
  assert.match(text, /^HTTP\/1.1 200 OK\r\n/);
  assert.match(text, /Content-Type: application\/vnd.docker.raw-stream/);
  const body = data.subarray(text.indexOf('\r\n\r\n') + 4);
  assert.equal(body.subarray(8).toString(), 'hi\n');
});

test('many requests on one keep-alive connection do not pile up listeners on its socket', async () => {
  // More than 10 listeners on one emitter makes Node warn: the symptom of a per-request listener.
  const warnings: string[] = [];
  const onWarning = (w: Error): void => { warnings.push(w.name); };
  process.on('warning', onWarning);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set<net.Socket>();
  for (let i = 0; i < 50; i++) {
    await new Promise<void>((resolve, reject) => {
      const req = http.request({ socketPath: sock, path: '/_ping', agent }, (res) => { res.resume(); res.on('end', () => resolve()); });
      req.on('socket', (s: net.Socket) => sockets.add(s));
      req.on('error', reject);
      req.end();
    });
  }
  await new Promise((r) => setImmediate(r));
  process.off('warning', onWarning);
  agent.destroy();
  assert.equal(sockets.size, 1, 'the connection was reused');
  assert.deepEqual(warnings.filter((w) => w === 'MaxListenersExceededWarning'), []);
});

test('errors: JSON from API 1.24 and on unversioned paths, Go\'s http.Error text before 1.24', async () => {
  for (const p of ['/containers/nope/json', '/v1.24/containers/nope/json', '/v1.41/containers/nope/json']) {
    const r = await request('GET', p);
    assert.equal(r.status, 404);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.body, '{"message":"No such container: nope"}\n');
  }
  for (const [p, status, text] of [
    ['/v1.23/containers/nope/json', 404, 'No such container: nope'],
    ['/v1.12/nope', 404, 'page not found'],
    ['/v1.11/version', 400, 'client version 1.11 is too old. Minimum supported API version is 1.12, please upgrade your client to a newer version'],
  ] as const) {
    const r = await request('GET', p);
    assert.equal(r.status, status, p);
    assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    // dockerd's 404 handler runs outside its middlewares: no Api-Version on "page not found"
    assert.equal(r.headers['api-version'], status === 404 && text === 'page not found' ? undefined : '1.55');
    assert.equal(r.body, `${text}\n`);
  }
});
