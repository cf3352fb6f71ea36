// Router tests for /networks: the real ApiServer on a temporary unix socket with a fake backend.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConflictError, ForbiddenError, NotFoundError } from '../../../errdefs/index.js';
import { ApiServer } from '../../server/server.js';
import { unixRequest } from '../../server/unix-request.js';
import type { NetworkBackend, NetworkSummary } from './backend.js';
import { NetworksRouter } from './routes.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-networks-'));
const sock = path.join(dir, 'api.sock');
let server: ApiServer;
const calls: string[] = [];
const net: NetworkSummary = {
  Name: 'n', Id: 'a'.repeat(64), Created: '2024-01-01T00:00:00Z', Scope: 'local', Driver: 'bridge', EnableIPv4: true, EnableIPv6: false,
  IPAM: { Driver: 'default', Options: {}, Config: [{ Subnet: '10.0.0.0/24', Gateway: '10.0.0.1' }] }, Internal: false, Attachable: false,
  Ingress: false, ConfigFrom: { Network: '' }, ConfigOnly: false, Containers: {}, Options: {}, Labels: {},
};

const backend: NetworkBackend = {
  networkList: async (f) => { calls.push(`list ${JSON.stringify(f)}`); return [net]; },
  networkInspect: async (ref) => { if (ref !== 'n') throw new NotFoundError(`network ${ref} not found`); return net; },
  networkCreate: async (req) => {
    calls.push(`create ${req.Name}`);
    if (req.Name === 'n') throw new ConflictError('network with name n already exists');
    return { Id: 'b'.repeat(64), Warning: '' };
  },
  networkRemove: async (ref) => { calls.push(`rm ${ref}`); if (ref === 'bridge') throw new ForbiddenError('bridge is a pre-defined network and cannot be removed'); },
  networkConnect: async (ref, c, cfg) => { calls.push(`connect ${ref} ${c} ${JSON.stringify(cfg)}`); },
  networkDisconnect: async (ref, c, force) => { calls.push(`disconnect ${ref} ${c} ${force}`); },
  networksPrune: async () => ({ NetworksDeleted: ['old'] }),
};

const request = (method: string, p: string, body?: string) => unixRequest(sock, method, p, body);

before(async () => {
  server = new ApiServer([new NetworksRouter(backend)], { serverVersion: '0.1.0', log: () => undefined });
  await server.listen({ proto: 'unix', addr: sock });
});
after(async () => { await server.close(); fs.rmSync(dir, { recursive: true, force: true }); });

test('list and inspect per version; 404s', async () => {
  const list = JSON.parse((await request('GET', '/networks')).body) as Array<Record<string, unknown>>;
  assert.equal('Containers' in list[0]!, false);
  assert.equal('Containers' in (JSON.parse((await request('GET', '/v1.27/networks')).body) as Array<Record<string, unknown>>)[0]!, true);
  assert.equal((JSON.parse((await request('GET', '/networks/n')).body) as Record<string, unknown>).Name, 'n');
  const missing = await request('GET', '/networks/x');
  assert.equal(missing.status, 404);
  assert.deepEqual(JSON.parse(missing.body), { message: 'network x not found' });
  assert.equal((await request('GET', '/v1.20/networks')).status, 404);
});

test('create 201, duplicate 409, remove 204 or 403, connect/disconnect 200, prune', async () => {
  const created = await request('POST', '/networks/create', '{"Name":"m"}');
  assert.equal(created.status, 201);
  assert.deepEqual(JSON.parse(created.body), { Id: 'b'.repeat(64), Warning: '' });
  assert.equal((await request('POST', '/networks/create', '{"Name":"n"}')).status, 409);
  assert.equal((await request('POST', '/networks/create', '')).status, 400);
  assert.equal((await request('DELETE', '/networks/m')).status, 204);
  assert.equal((await request('DELETE', '/networks/bridge')).status, 403);
  calls.length = 0;
  const c = await request('POST', '/networks/n/connect', '{"Container":"c1","EndpointConfig":{"Aliases":["x"]}}');
  assert.equal(c.status, 200);
  assert.equal(c.body, '');
  assert.equal((await request('POST', '/networks/n/disconnect', '{"Container":"c1","Force":true}')).status, 200);
  assert.equal((await request('POST', '/networks/n/connect', '{}')).status, 400);
  assert.deepEqual(calls, ['connect n c1 {"Aliases":["x"]}', 'disconnect n c1 true']);
  assert.deepEqual(JSON.parse((await request('POST', '/networks/prune')).body), { NetworksDeleted: ['old'] });
});
