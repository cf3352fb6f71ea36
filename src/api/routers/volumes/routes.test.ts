// Router tests for /volumes: the real ApiServer on a temporary unix socket with a fake backend.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConflictError, NotFoundError } from '../../../errdefs/index.js';
import { ApiServer } from '../../server/server.js';
import { unixRequest } from '../../server/unix-request.js';
import type { VolumeBackend, VolumeInfo } from './backend.js';
import { VolumesRouter } from './routes.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-volumes-'));
const sock = path.join(dir, 'api.sock');
let server: ApiServer;
const calls: string[] = [];
const vol: VolumeInfo = {
  CreatedAt: '2024-01-01T00:00:00Z', Driver: 'local', Labels: { a: 'b' }, Mountpoint: '/v/x/_data', Name: 'x', Options: null, Scope: 'local',
};

const backend: VolumeBackend = {
  volumeList: async (f) => { calls.push(`list ${JSON.stringify(f)}`); return { Volumes: [vol], Warnings: null }; },
  volumeCreate: async (req) => { calls.push(`create ${JSON.stringify(req)}`); return { ...vol, Name: req.Name }; },
  volumeInspect: async (name) => { if (name !== 'x') throw new NotFoundError(`get ${name}: no such volume`); return vol; },
  volumeRemove: async (name, o) => { calls.push(`rm ${name} force=${o.force}`); if (name === 'busy') throw new ConflictError('remove busy: volume is in use - [c1]'); },
  volumesPrune: async (f, o) => { calls.push(`prune ${JSON.stringify(f)} anon=${o.anonymousOnly} all=${o.allowAll}`); return { VolumesDeleted: [], SpaceReclaimed: 0 }; },
};

const request = (method: string, p: string, body?: string) => unixRequest(sock, method, p, body);

before(async () => {
  server = new ApiServer([new VolumesRouter(backend)], { serverVersion: '0.1.0', log: () => undefined });
  await server.listen({ proto: 'unix', addr: sock });
});
after(async () => { await server.close(); fs.rmSync(dir, { recursive: true, force: true }); });

test('list, inspect: newest shape; older versions lose fields they did not have; 404 before 1.21', async () => {
  assert.deepEqual(JSON.parse((await request('GET', '/volumes?filters={"name":["x"]}')).body), { Volumes: [vol], Warnings: null });
  assert.deepEqual(JSON.parse((await request('GET', '/v1.21/volumes')).body), { Volumes: [{ Driver: 'local', Mountpoint: '/v/x/_data', Name: 'x' }] });
  assert.deepEqual(JSON.parse((await request('GET', '/v1.24/volumes/x')).body), { Driver: 'local', Labels: { a: 'b' }, Mountpoint: '/v/x/_data', Name: 'x', Scope: 'local' });
  assert.equal((await request('GET', '/v1.20/volumes')).status, 404);
  const missing = await request('GET', '/volumes/nope');
  assert.equal(missing.status, 404);
  assert.deepEqual(JSON.parse(missing.body), { message: 'get nope: no such volume' });
});

test('create: 201, body checks with Go wording, labels ignored before 1.23', async () => {
  calls.length = 0;
  const r = await request('POST', '/volumes/create', '{"Name":"n1","Labels":{"k":"v"},"DriverOpts":{"type":"tmpfs"}}');
  assert.equal(r.status, 201);
  assert.equal(JSON.parse(r.body).Name, 'n1');
  await request('POST', '/v1.22/volumes/create', '{"Name":"n2","Labels":{"k":"v"}}');
  assert.deepEqual(calls, [
    'create {"Name":"n1","Driver":"","DriverOpts":{"type":"tmpfs"},"Labels":{"k":"v"}}',
    'create {"Name":"n2","Driver":"","DriverOpts":null,"Labels":null}',
  ]);
  const eof = await request('POST', '/volumes/create');
  assert.deepEqual([eof.status, JSON.parse(eof.body).message], [400, 'got EOF while reading request body']);
  const bad = await request('POST', '/volumes/create', '{"Name":5}');
  assert.deepEqual([bad.status, JSON.parse(bad.body).message], [400, 'json: cannot unmarshal number into Go struct field CreateOptions.Name of type string']);
});

test('remove: 204, force from 1.25, 409 in use; prune from 1.25, anonymous-only from 1.42', async () => {
  calls.length = 0;
  assert.equal((await request('DELETE', '/volumes/x?force=1')).status, 204);
  assert.equal((await request('DELETE', '/v1.24/volumes/x?force=1')).status, 204);
  assert.equal((await request('DELETE', '/volumes/busy')).status, 409);
  assert.equal((await request('POST', '/v1.24/volumes/prune')).status, 404);
  assert.deepEqual(JSON.parse((await request('POST', '/v1.41/volumes/prune')).body), { VolumesDeleted: [], SpaceReclaimed: 0 });
  await request('POST', '/volumes/prune?filters={"all":["1"]}');
  assert.deepEqual(calls, ['rm x force=true', 'rm x force=false', 'rm busy force=false', 'prune {} anon=false all=false', 'prune {"all":["1"]} anon=true all=true']);
});
