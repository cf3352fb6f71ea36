// Router tests for /images, /commit, /containers/{id}/changes and /system/df: the real ApiServer on a
// temporary unix socket with fake backends.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InvalidParameterError, NotFoundError } from '../../../errdefs/index.js';
import { ApiServer } from '../../server/server.js';
import type { ContainerFsBackend } from '../containers/fs-backend.js';
import { ContainerFsRouter } from '../containers/fs-routes.js';
import { DiskUsageRouter } from '../system/df-routes.js';
import type { ImageBackend } from './backend.js';
import type { RegistryBackend } from '../distribution/backend.js';
import { DistributionRouter } from '../distribution/routes.js';
import { ImagesRouter } from './routes.js';
import { unixRequest, type UnixResponse } from '../../server/unix-request.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-images-'));
const sock = path.join(dir, 'api.sock');
let server: ApiServer;
const calls: string[] = [];

const images = {
  imageInspect: async (name: string) => ({ Id: name, Os: 'linux', Architecture: 'amd64' }),
  imageTag: async (name: string, repo: string, tag: string) => { calls.push(`tag ${name} ${repo} ${tag}`); },
  imageRemove: async (name: string, o: { force: boolean; noprune: boolean }) => [{ Untagged: `${name} force=${o.force} noprune=${o.noprune}` }],
  imageHistory: async (name: string) => [{ Id: name }],
  imagePrune: async () => ({ ImagesDeleted: null, SpaceReclaimed: 0 }),
  imageSave: async (names: string[]) => {
    if (names.includes('nosuch')) throw new NotFoundError('No such image: nosuch:latest');
    return async (out: NodeJS.WritableStream) => { out.end(`tar of ${names.join(',')}`); };
  },
  validateImportTarget: () => undefined,
  imageImport: async () => 'sha256:new',
  imageLoad: async (_body: unknown, o: { quiet: boolean; onProgress: (p: object) => void }) => {
    calls.push(`load quiet=${o.quiet}`);
    throw new InvalidParameterError('unexpected EOF');
  },
} as unknown as ImageBackend;

const registry: RegistryBackend = {
  imagePull: async (o) => {
    if (o.fromImage === 'missing') throw new NotFoundError('manifest for missing:latest not found: manifest unknown: manifest unknown');
    o.onProgress({ status: `pull ${o.fromImage} tag=${o.tag ?? ''} platform=${o.platform ?? ''} auth=${o.authHeader ?? ''}` });
    throw new InvalidParameterError('failed later');
  },
  imagePush: async (o) => { o.onProgress({ status: `push ${o.name} tag=${o.tag ?? ''}` }); },
  login: async (body) => ({ IdentityToken: '', Status: `login ${JSON.stringify(body)}` }),
  distributionInspect: async (name) => ({ name }),
  imageSearch: async (term, o) => [{ star_count: o.limit, is_official: false, name: term, is_automated: false, description: '' }],
};

const fsBackend: ContainerFsBackend = {
  containerChanges: async () => [{ Path: '/a', Kind: 1 }],
  containerExport: async () => (async function* () { yield Buffer.from('tar'); })(),
  containerCommit: async (ref, o) => ({ Id: `${ref} pause=${o.pause} changes=${o.changes.join('|')} cmd=${JSON.stringify(o.config?.Cmd)}` }),
};

const request = (method: string, p: string, body?: string): Promise<UnixResponse> => unixRequest(sock, method, p, body);

before(async () => {
  server = new ApiServer([
    new ImagesRouter(images, registry), new ContainerFsRouter(fsBackend), new DistributionRouter(registry),
    new DiskUsageRouter({
      systemDiskUsage: async (types) => Object.fromEntries([...types].map((t) => [
        { image: 'ImageUsage', container: 'ContainerUsage', volume: 'VolumeUsage', 'build-cache': 'BuildCacheUsage' }[t],
        { ActiveCount: 0, TotalCount: 0, Reclaimable: 0, TotalSize: t === 'image' ? 1 : 0, Items: [] },
      ])),
    }),
  ], { serverVersion: '0.1.0', log: () => undefined });
  await server.listen({ proto: 'unix', addr: sock });
});
after(async () => { await server.close(); fs.rmSync(dir, { recursive: true, force: true }); });

test('tag answers 201; names with slashes and ports reach the backend whole', async () => {
  assert.equal((await request('POST', '/images/localhost:5000/a/b:1/tag?repo=x&tag=2')).status, 201);
  assert.deepEqual(calls, ['tag localhost:5000/a/b:1 x 2']);
  const noRepo = await request('POST', '/images/a/tag');
  assert.equal(noRepo.status, 400);
  assert.deepEqual(JSON.parse(noRepo.body), { message: 'invalid reference format' }); // dockerd's parser text
});

test('pull and push go to the registry backend: errors before the first message are HTTP errors, later ones in the stream', async () => {
  // without X-Registry-Auth the body must hold an auth config (dockerd's old-client form)
  const noAuth = await request('POST', '/images/localhost:5000/a/push?tag=1');
  assert.equal(noAuth.status, 400);
  assert.match(noAuth.body, /Bad parameters and missing X-Registry-Auth: EOF/);
  const push = await request('POST', '/images/localhost:5000/a/push?tag=1', '{}');
  assert.equal(push.status, 200);
  assert.deepEqual(JSON.parse(push.body.trim()), { status: 'push localhost:5000/a tag=1' });
  const missing = await request('POST', '/images/create?fromImage=missing&tag=latest');
  assert.equal(missing.status, 404);
  const pull = await request('POST', '/images/create?fromImage=a&tag=1&platform=linux/arm64');
  assert.equal(pull.status, 200);
  assert.deepEqual(pull.body.trim().split('\r\n').map((l) => JSON.parse(l)), [
    { status: 'pull a tag=1 platform=linux/arm64 auth=' },
    { errorDetail: { message: 'failed later' }, error: 'failed later' },
  ]);
  // `platform` exists from 1.32
  const old = await request('POST', '/v1.31/images/create?fromImage=a&tag=1&platform=linux/arm64');
  assert.match(old.body, /platform= auth=/);
  // push's `platform` (1.46): the image's own platform passes, another is dockerd's 404, bad JSON a 400
  const arm = encodeURIComponent(JSON.stringify({ os: 'linux', architecture: 'arm64' }));
  const amd = encodeURIComponent(JSON.stringify({ os: 'linux', architecture: 'amd64' }));
  assert.equal((await request('POST', `/v1.46/images/localhost:5000/a/push?tag=1&platform=${amd}`, '{}')).status, 200);
  const wrong = await request('POST', `/v1.46/images/localhost:5000/a/push?tag=1&platform=${arm}`, '{}');
  assert.deepEqual([wrong.status, JSON.parse(wrong.body).message], [404, 'image with reference localhost:5000/a:1 was found but does not match the specified platform: wanted linux/arm64, actual: linux/amd64']);
  assert.equal((await request('POST', '/v1.46/images/localhost:5000/a/push?platform=%7B', '{}')).status, 400);
  assert.equal((await request('POST', `/v1.45/images/localhost:5000/a/push?tag=1&platform=${arm}`, '{}')).status, 200, 'ignored before 1.46');
});

test('/auth, /distribution/{name}/json (1.30), /images/search', async () => {
  assert.deepEqual(JSON.parse((await request('POST', '/auth', '{"username":"u"}')).body), { IdentityToken: '', Status: 'login {"username":"u"}' });
  assert.deepEqual(JSON.parse((await request('GET', '/distribution/localhost:5000/a:1/json')).body), { name: 'localhost:5000/a:1' });
  assert.equal((await request('GET', '/v1.29/distribution/a/json')).status, 404);
  assert.deepEqual(JSON.parse((await request('GET', '/images/search?term=x&limit=5')).body), [{ star_count: 5, is_official: false, name: 'x', is_automated: false, description: '' }]);
  assert.equal((await request('GET', '/images/search?term=x&limit=500')).status, 400);
});

test('rmi, history, prune (from 1.25), unknown image actions', async () => {
  assert.deepEqual(JSON.parse((await request('DELETE', '/images/a/b?force=1&noprune=1')).body), [{ Untagged: 'a/b force=true noprune=true' }]);
  assert.deepEqual(JSON.parse((await request('GET', '/v1.24/images/x/history')).body), [{ Id: 'x' }]);
  assert.equal((await request('POST', '/v1.25/images/prune')).status, 200);
  assert.equal((await request('POST', '/v1.24/images/prune')).status, 404);
  assert.equal((await request('GET', '/images/x/bogus')).status, 404);
  // the router decodes the path once; "%" that is left is the name's own (a 400 from the backend, never a 500)
  assert.deepEqual(JSON.parse((await request('DELETE', '/images/a%25E0?force=1')).body), [{ Untagged: 'a%E0 force=true noprune=false' }]);
  assert.deepEqual(JSON.parse((await request('GET', '/images/a%25E0/history')).body), [{ Id: 'a%E0' }]);
});

test('save: errors before the first byte are plain JSON errors; names= repeats', async () => {
  const bad = await request('GET', '/images/get?names=busybox&names=nosuch');
  assert.equal(bad.status, 404);
  assert.deepEqual(JSON.parse(bad.body), { message: 'No such image: nosuch:latest' });
  assert.equal((await request('GET', '/images/get?names=a&names=b')).body, 'tar of a,b');
  assert.equal((await request('GET', '/images/a/b/get')).body, 'tar of a/b');
});

test('load answers 200 and reports a failed load inside the stream; quiet defaults to true', async () => {
  calls.length = 0;
  const r = await request('POST', '/images/load', 'not an archive');
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(r.body.trim()), { errorDetail: { message: 'unexpected EOF' }, error: 'unexpected EOF' });
  assert.equal((await request('POST', '/images/load?quiet=0', 'x')).status, 200);
  await request('POST', '/images/load?quiet=1', 'x');
  assert.deepEqual(calls, ['load quiet=true', 'load quiet=false', 'load quiet=true']);
});

test('import streams the new ID as a status message; fromImage is a pull', async () => {
  const r = await request('POST', '/images/create?fromSrc=-&repo=x', 'tarbytes');
  assert.equal(r.status, 200);
  assert.deepEqual(JSON.parse(r.body.trim()), { status: 'sha256:new' });
  assert.match((await request('POST', '/images/create?fromImage=busybox')).body, /pull busybox tag= /);
});

test('commit pauses by default from 1.13, takes changes and a Config body; diff and df', async () => {
  const c = await request('POST', '/commit?container=c1&changes=CMD%20x&changes=ENV%20a%3Db', '{"Cmd":["sh"]}');
  assert.equal(c.status, 201);
  assert.equal(JSON.parse(c.body).Id, 'c1 pause=true changes=CMD x|ENV a=b cmd=["sh"]');
  assert.match(JSON.parse((await request('POST', '/v1.12/commit?container=c1')).body).Id, /pause=false/);
  assert.deepEqual(JSON.parse((await request('GET', '/containers/c1/changes')).body), [{ Path: '/a', Kind: 1 }]);
  assert.equal((await request('GET', '/containers/c1/export')).body, 'tar');
  assert.equal(JSON.parse((await request('GET', '/v1.30/system/df')).body).BuildCache, undefined);
  assert.deepEqual(JSON.parse((await request('GET', '/system/df')).body).BuildCache, []);
});
