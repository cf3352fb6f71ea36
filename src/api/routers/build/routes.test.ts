// Router tests for /build: the real ApiServer on a temporary unix socket with a fake builder.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InvalidParameterError } from '../../../errdefs/index.js';
import { ApiServer } from '../../server/server.js';
import { unixRequest } from '../../server/unix-request.js';
import type { BuildBackend, BuildOptions } from './backend.js';
import { BuildRouter } from './routes.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-build-'));
const sock = path.join(dir, 'api.sock');
let server: ApiServer;
let seen: BuildOptions | undefined;
const step = Object.assign(new InvalidParameterError("The command '/bin/sh -c exit 3' returned a non-zero code: 3"), { code: 3 });

const backend: BuildBackend = {
  build: async (body, o, out) => {
    seen = o;
    for await (const _ of body) { /* drain */ }
    if (o.dockerfile === 'syntax') throw new InvalidParameterError('dockerfile parse error line 2: unknown instruction: FOO');
    out.stream('Step 1/1 : FROM busybox\n');
    out.aux({ ID: 'sha256:abc' });
    if (o.dockerfile === 'fail') throw step;
    return 'sha256:abc';
  },
  buildPrune: async () => ({ CachesDeleted: null, SpaceReclaimed: 0 }),
  buildCancel: async () => undefined,
};

const request = (method: string, p: string, body?: string) => unixRequest(sock, method, p, body);
const lines = (body: string): unknown[] => body.trim().split(/\r?\n/).map((l) => JSON.parse(l) as unknown);

before(async () => {
  server = new ApiServer([new BuildRouter(backend)], { serverVersion: '0.1.0', log: () => undefined });
  await server.listen({ proto: 'unix', addr: sock });
});
after(async () => { await server.close(); fs.rmSync(dir, { recursive: true, force: true }); });

test('parameters as dockerd reads them', async () => {
  const q = 't=a:1&t=b&q=0&nocache=1&rm=0&buildargs={"X":"1","Y":null}&labels={"l":"v"}&target=t&shmsize=1024&memory=5&extrahosts=h:1.2.3.4&cachefrom=["c"]';
  const r = await request('POST', `/build?${q}`, '');
  assert.equal(r.status, 200);
  assert.deepEqual(seen?.tags, ['a:1', 'b']);
  assert.equal(seen?.noCache, true);
  assert.equal(seen?.remove, false);
  assert.deepEqual(seen?.buildArgs, { X: '1', Y: null });
  assert.deepEqual(seen?.labels, { l: 'v' });
  assert.equal(seen?.shmSize, 1024);
  assert.deepEqual(seen?.extraHosts, ['h:1.2.3.4']);
  assert.deepEqual(seen?.cacheFrom, ['c']);
  await request('POST', '/build?forcerm=1&rm=0', '');
  assert.equal(seen?.remove, true, 'forcerm implies rm');
  assert.equal((await request('POST', '/build?buildargs={bad', '')).status, 400);
});

test('the stream: aux from 1.30 and not with q; -q prints the ID; errors before output are plain, after it in the stream', async () => {
  assert.deepEqual(lines((await request('POST', '/build', '')).body), [{ stream: 'Step 1/1 : FROM busybox\n' }, { aux: { ID: 'sha256:abc' } }]);
  assert.deepEqual(lines((await request('POST', '/v1.29/build', '')).body), [{ stream: 'Step 1/1 : FROM busybox\n' }]);
  assert.deepEqual(lines((await request('POST', '/build?q=1', '')).body), [{ stream: 'sha256:abc\n' }]);
  const syntax = await request('POST', '/build?dockerfile=syntax', '');
  assert.equal(syntax.status, 400);
  assert.match(syntax.body, /unknown instruction: FOO/);
  const failed = lines((await request('POST', '/build?dockerfile=fail', '')).body);
  assert.deepEqual(failed[failed.length - 1], { errorDetail: { code: 3, message: step.message }, error: step.message });
  assert.deepEqual(lines((await request('POST', '/build?dockerfile=fail&q=1', '')).body), [{ stream: 'Step 1/1 : FROM busybox\n' }, { errorDetail: { code: 3, message: step.message }, error: step.message }]);
});

test('prune and cancel', async () => {
  assert.deepEqual(JSON.parse((await request('POST', '/build/prune')).body), { CachesDeleted: null, SpaceReclaimed: 0 });
  assert.equal((await request('POST', '/v1.30/build/prune')).status, 404);
  assert.equal((await request('POST', '/build/cancel')).status, 400);
  assert.equal((await request('POST', '/build/cancel?id=x')).status, 200);
});
