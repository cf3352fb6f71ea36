// Router tests for pause/unpause, rename, top, prune and kill's error wrapping, with fake backends.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConflictError } from '../../../errdefs/index.js';
import { ApiServer } from '../../server/server.js';
import type { ContainerBackend } from './backend.js';
import type { ContainerLifecycleBackend } from './lifecycle-backend.js';
import { ContainerLifecycleRouter } from './lifecycle-routes.js';
import { ContainersRouter } from './routes.js';
import { unixRequest, type UnixResponse } from '../../server/unix-request.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecycle-api-'));
const sock = path.join(dir, 'api.sock');
const calls: unknown[][] = [];
let server: ApiServer;

const lifecycle: ContainerLifecycleBackend = {
  containerPause: async (ref) => { calls.push(['pause', ref]); },
  containerUnpause: async (ref) => { calls.push(['unpause', ref]); },
  containerRename: async (ref, name) => { calls.push(['rename', ref, name]); },
  containerTop: async (ref, psArgs) => ({ Titles: ['PID', 'CMD'], Processes: [['1', `${ref} ${psArgs}`]] }),
  containersPrune: async (filters) => ({ ContainersDeleted: Object.keys(filters), SpaceReclaimed: 0 }),
};
const containers = {
  containerKill: async () => { throw new ConflictError('Container abc is not running'); },
} as unknown as ContainerBackend;

const request = (method: string, p: string): Promise<UnixResponse> => unixRequest(sock, method, p);

before(async () => {
  server = new ApiServer([new ContainersRouter(containers), new ContainerLifecycleRouter(lifecycle)], { serverVersion: '0.1.0', log: () => undefined });
  await server.listen({ proto: 'unix', addr: sock });
});
after(async () => { await server.close(); fs.rmSync(dir, { recursive: true, force: true }); });

test('pause, unpause and rename answer 204 and pass their arguments', async () => {
  assert.equal((await request('POST', '/containers/a/pause')).status, 204);
  assert.equal((await request('POST', '/v1.12/containers/a/unpause')).status, 204);
  assert.equal((await request('POST', '/containers/a/rename?name=b')).status, 204);
  assert.deepEqual(calls, [['pause', 'a'], ['unpause', 'a'], ['rename', 'a', 'b']]);
});

test('top passes ps_args; prune parses both filter encodings and exists from 1.25', async () => {
  assert.deepEqual(JSON.parse((await request('GET', '/containers/a/top?ps_args=aux')).body), { Titles: ['PID', 'CMD'], Processes: [['1', 'a aux']] });
  const enc = encodeURIComponent('{"label":{"x":true},"until":["1h"]}');
  assert.deepEqual(JSON.parse((await request('POST', `/containers/prune?filters=${enc}`)).body), { ContainersDeleted: ['label', 'until'], SpaceReclaimed: 0 });
  assert.equal((await request('POST', '/v1.24/containers/prune')).status, 404);
});

test('kill: dockerd wraps errors with the name; before 1.20 a stopped container is not an error', async () => {
  const r = await request('POST', '/containers/web/kill');
  assert.equal(r.status, 409);
  assert.deepEqual(JSON.parse(r.body), { message: 'Cannot kill container: web: Container abc is not running' });
  assert.equal((await request('POST', '/v1.19/containers/web/kill')).status, 204);
  const bad = await request('POST', '/containers/web/kill?signal=NOPE');
  assert.deepEqual([bad.status, JSON.parse(bad.body)], [400, { message: 'Invalid signal: NOPE' }]);
});
