// Router tests for the swarm area: version gates, dockerd's request checks before the backend,
// and the backend's error classes as status codes; with a fake backend that records its calls.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SwarmUnavailableError } from '../../../errdefs/index.js';
import { ApiServer } from '../../server/server.js';
import { unixRequest, type UnixResponse } from '../../server/unix-request.js';
import type { ClusterRequest, SwarmBackend } from './backend.js';
import { SwarmRouter } from './routes.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-api-'));
const sock = path.join(dir, 'api.sock');
const calls: unknown[] = [];
const unavailable = (what: unknown): never => { calls.push(what); throw new SwarmUnavailableError('not a manager'); };
const backend: SwarmBackend = {
  swarmInit: async (req) => unavailable(['init', req]),
  swarmJoin: async (req) => unavailable(['join', req]),
  swarmLeave: async (force) => unavailable(['leave', force]),
  swarmUnlock: async (key) => unavailable(['unlock', key]),
  clusterRequest: async (req: ClusterRequest) => unavailable(req),
};
let server: ApiServer;

const request = (method: string, p: string, body?: string): Promise<UnixResponse> =>
  unixRequest(sock, method, p, body, body !== undefined ? 'application/json' : undefined);

before(async () => {
  server = new ApiServer([new SwarmRouter(backend)], { serverVersion: '0.1.0', log: () => undefined });
  await server.listen({ proto: 'unix', addr: sock });
});
after(async () => { await server.close(); fs.rmSync(dir, { recursive: true, force: true }); });

test('every endpoint reaches the backend and answers its 503', async () => {
  const endpoints: Array<[string, string, string?]> = [
    ['GET', '/swarm'], ['GET', '/swarm/unlockkey'], ['POST', '/swarm/leave'], ['POST', '/swarm/unlock', '{}'],
    ['POST', '/swarm/update?version=3', '{}'], ['POST', '/swarm/init', '{}'], ['POST', '/swarm/join', '{}'],
    ['GET', '/nodes'], ['GET', '/nodes/n1'], ['DELETE', '/nodes/n1'], ['POST', '/nodes/n1/update?version=1', '{}'],
    ['GET', '/services'], ['GET', '/services/s1'], ['POST', '/services/create', '{}'], ['DELETE', '/services/s1'],
    ['POST', '/services/s1/update?version=1', '{}'], ['GET', '/services/s1/logs?stdout=1'],
    ['GET', '/tasks'], ['GET', '/tasks/t1'], ['GET', '/tasks/t1/logs?stderr=1'],
    ['GET', '/secrets'], ['GET', '/secrets/x'], ['POST', '/secrets/create', '{}'], ['DELETE', '/secrets/x'], ['POST', '/secrets/x/update?version=1', '{}'],
    ['GET', '/configs'], ['GET', '/configs/x'], ['POST', '/configs/create', '{}'], ['DELETE', '/configs/x'], ['POST', '/configs/x/update?version=1', '{}'],
  ];
  for (const [method, p, body] of endpoints) {
    const r = await request(method, `/v1.41${p}`, body);
    assert.equal(r.status, 503, `${method} ${p}`);
    assert.deepEqual(JSON.parse(r.body), { message: 'not a manager' }, `${method} ${p}`);
  }
  assert.equal(calls.length, endpoints.length);
});

test('version gates from the reference docs: swarm 1.24, unlock and secrets 1.25, secret update 1.26, task logs 1.29, configs 1.30', async () => {
  const gates: Array<[string, string, string]> = [
    ['GET', '/swarm', '1.24'], ['GET', '/nodes', '1.24'], ['GET', '/services', '1.24'], ['GET', '/tasks', '1.24'],
    ['GET', '/swarm/unlockkey', '1.25'], ['GET', '/secrets', '1.25'], ['GET', '/services/s/logs?stdout=1', '1.25'],
    ['POST', '/secrets/x/update?version=1', '1.26'], ['GET', '/tasks/t/logs?stdout=1', '1.29'], ['GET', '/configs', '1.30'],
  ];
  for (const [method, p, since] of gates) {
    const [major, minor] = since.split('.').map(Number) as [number, number];
    const before = await request(method, `/v${major}.${minor - 1}${p}`, method === 'POST' ? '{}' : undefined);
    assert.equal(before.status, 404, `${p} before ${since}`);
    assert.equal((await request(method, `/v${since}${p}`, method === 'POST' ? '{}' : undefined)).status, 503, `${p} at ${since}`);
  }
});

test('bodies, versions and flags are checked before the backend, with dockerd texts', async () => {
  calls.length = 0;
  const cases: Array<[string, string, string | undefined, number, string]> = [
    ['POST', '/swarm/init', undefined, 400, 'got EOF while reading request body'],
    ['POST', '/services/create', '[]', 400, 'json: cannot unmarshal array into Go value of type swarm.ServiceSpec'],
    ['POST', '/swarm/update', '{}', 400, `invalid swarm version '': strconv.ParseUint: parsing "": invalid syntax`],
    ['POST', '/swarm/update?version=1&rotateWorkerToken=maybe', '{}', 400, 'invalid value for rotateWorkerToken: maybe'],
    ['POST', '/nodes/n/update?version=x', '{}', 400, `invalid node version 'x': strconv.ParseUint: parsing "x": invalid syntax`],
    ['POST', '/secrets/s/update?version=-1', '{}', 400, 'invalid secret version'],
    ['GET', '/services?status=maybe', undefined, 400, 'invalid value for status: maybe: strconv.ParseBool: parsing "maybe": invalid syntax'],
    ['GET', '/services/s?insertDefaults=2', undefined, 400, 'invalid value for insertDefaults: 2: strconv.ParseBool: parsing "2": invalid syntax'],
    ['GET', '/services/s/logs', undefined, 500, 'Bad parameters: you must choose at least one stream'],
  ];
  for (const [method, p, body, status, message] of cases) {
    const r = await request(method, `/v1.41${p}`, body);
    assert.equal(r.status, status, `${method} ${p}`);
    assert.equal(JSON.parse(r.body).message, message);
  }
  assert.equal(calls.length, 0);
  // `status` is ignored before 1.41, and templating refused before 1.37
  assert.equal((await request('GET', '/v1.40/services?status=maybe')).status, 503);
  const templ = await request('POST', '/v1.36/configs/create', '{"Templating":{"Name":"golang"}}');
  assert.deepEqual([templ.status, JSON.parse(templ.body).message], [400, 'config templating is not supported on the specified API version: 1.36']);
});

test('what reaches the backend: parsed version, rotation flags, filters, force', async () => {
  calls.length = 0;
  await request('POST', '/v1.41/swarm/update?version=7&rotateManagerToken=true', '{"Name":"default"}');
  await request('GET', '/v1.41/nodes?filters=%7B%22role%22%3A%5B%22manager%22%5D%7D');
  await request('DELETE', '/v1.41/nodes/n1?force=1');
  await request('POST', '/v1.24/swarm/leave?force=true');
  assert.deepEqual(calls, [
    { op: 'update-swarm', version: 7, spec: { Name: 'default' }, rotate: { workerToken: false, managerToken: true, managerUnlockKey: false } },
    { op: 'list', object: 'node', filters: { role: ['manager'] } },
    { op: 'remove', object: 'node', id: 'n1', force: true },
    ['leave', true],
  ]);
});
