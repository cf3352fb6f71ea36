import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAuthHeader, authFromBody } from './auth-config.js';
import { indexNameOf } from './endpoints.js';
import { parseManifest, parsePlatform, selectPlatform } from './manifest.js';
import { humanSize, progressText } from './progress.js';
import { isInsecureRegistry, DEFAULT_REGISTRY_CONFIG } from './registry-config.js';
import { parseRegistryErrors, translatePullError } from './registry-errors.js';
import { parseWwwAuthenticate } from './www-authenticate.js';
import { parseNormalizedNamed } from '../image/reference.js';
import { NotFoundError, SystemError, UnauthorizedError } from '../errdefs/errors.js';

test('WWW-Authenticate: bearer with quoted params, basic, several challenges', () => {
  assert.deepEqual(parseWwwAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"'), [
    { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' } },
  ]);
  assert.deepEqual(parseWwwAuthenticate('Basic realm="berth-test"'), [{ scheme: 'basic', params: { realm: 'berth-test' } }]);
  assert.deepEqual(parseWwwAuthenticate(['Basic realm=x', 'Bearer realm="r", error="insufficient_scope"']).map((c) => c.scheme), ['basic', 'bearer']);
  assert.deepEqual(parseWwwAuthenticate(undefined), []);
});

test('X-Registry-Auth: base64url JSON without padding; "auth" field; garbage is anonymous', () => {
  const json = JSON.stringify({ username: 'alice', password: 'p>?', serveraddress: '127.0.0.1:5000' });
  const url = Buffer.from(json).toString('base64url');
  assert.deepEqual(decodeAuthHeader(url), { username: 'alice', password: 'p>?', serveraddress: '127.0.0.1:5000' });
  assert.deepEqual(decodeAuthHeader(Buffer.from(json).toString('base64')), { username: 'alice', password: 'p>?', serveraddress: '127.0.0.1:5000' });
  assert.deepEqual(decodeAuthHeader('!!!'), {});
  assert.deepEqual(decodeAuthHeader(undefined), {});
  assert.deepEqual(authFromBody({ auth: Buffer.from('bob:pw').toString('base64') }), { auth: Buffer.from('bob:pw').toString('base64'), username: 'bob', password: 'pw' });
});

test('index names as dockerd resolves them', () => {
  assert.equal(indexNameOf(undefined), 'docker.io');
  assert.equal(indexNameOf('https://index.docker.io/v1/'), 'docker.io');
  assert.equal(indexNameOf('127.0.0.1:5000'), '127.0.0.1:5000');
  assert.equal(indexNameOf('http://localhost:5000/v2/'), 'localhost:5000');
});

test('loopback is insecure by default; --insecure-registry names and CIDRs', async () => {
  assert.equal(await isInsecureRegistry('127.0.0.1:5000', DEFAULT_REGISTRY_CONFIG), true);
  assert.equal(await isInsecureRegistry('localhost:5000', DEFAULT_REGISTRY_CONFIG), true);
  assert.equal(await isInsecureRegistry('10.1.2.3:5000', DEFAULT_REGISTRY_CONFIG), false);
  assert.equal(await isInsecureRegistry('10.1.2.3:5000', { ...DEFAULT_REGISTRY_CONFIG, insecureRegistries: ['10.0.0.0/8'] }), true);
  assert.equal(await isInsecureRegistry('10.1.2.3:5000', { ...DEFAULT_REGISTRY_CONFIG, insecureRegistries: ['10.1.2.3:5000'] }), true);
});

test('manifest lists: the host platform, a requested one, variants, and no match', () => {
  const list = parseManifest(Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:a', size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:b', size: 1, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:c', size: 1, platform: { os: 'linux', architecture: 'amd64' } },
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:d', size: 1, platform: { os: 'unknown', architecture: 'unknown' } },
    ],
  })), '');
  assert.equal(list.kind, 'index');
  if (list.kind !== 'index') return;
  assert.equal(selectPlatform(list.index, parsePlatform('linux/amd64'), 'x').digest, 'sha256:c');
  assert.equal(selectPlatform(list.index, parsePlatform('linux/arm64'), 'x').digest, 'sha256:b');
  assert.equal(selectPlatform(list.index, parsePlatform('linux/arm64/v8'), 'x').digest, 'sha256:b');
  assert.equal(selectPlatform(list.index, parsePlatform('linux/aarch64'), 'x').digest, 'sha256:b');
  assert.throws(() => selectPlatform(list.index, parsePlatform('linux/s390x'), 'x'), /no matching manifest for linux\/s390x in the manifest list entries/);
  assert.throws(() => parsePlatform('linux'), /unknown operating system or architecture/);
  assert.throws(() => parseManifest(Buffer.from('{"schemaVersion":1}'), ''), /schema 1 support has been removed/);
});

test('progress text as the daemon formats it for clients that print it', () => {
  assert.equal(humanSize(1024), '1.024kB');
  assert.equal(humanSize(2_300_000), '2.3MB');
  assert.equal(humanSize(999), '999B');
  assert.equal(progressText(0, 0), '');
  assert.equal(progressText(512, 1024), `[${'='.repeat(25)}>${' '.repeat(25)}]     512B/1.024kB`);
  assert.equal(progressText(1024, 1024), `[${'='.repeat(50)}>]  1.024kB/1.024kB`);
});

test('registry errors in errcode\'s words; pull errors translated as dockerd does', () => {
  const unknown = parseRegistryErrors(404, 'Not Found', '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"nope"}}]}');
  assert.equal(unknown.message, 'manifest unknown: manifest unknown');
  const ref = parseNormalizedNamed('127.0.0.1:5000/x:nope');
  const t = translatePullError(unknown, ref);
  assert.ok(t instanceof NotFoundError);
  assert.equal(t.message, 'manifest for 127.0.0.1:5000/x:nope not found: manifest unknown: manifest unknown');
  const denied = translatePullError(parseRegistryErrors(403, 'Forbidden', '{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}'), parseNormalizedNamed('busybox:latest'));
  assert.equal(denied.message, "pull access denied for busybox, repository does not exist or may require 'docker login': denied: requested access to the resource is denied");
  // never a 401 for a pull: the CLI would prompt for credentials
  assert.ok(translatePullError(new UnauthorizedError('no basic auth credentials'), ref) instanceof SystemError);
  assert.equal(parseRegistryErrors(502, 'Bad Gateway', '<html>').message, 'unexpected status code 502 Bad Gateway');
});

test('Docker Hub: mirrors first, then registry-1.docker.io over verified HTTPS; others by host', async () => {
  const { endpointsFor } = await import('./endpoints.js');
  const hub = await endpointsFor('docker.io', { ...DEFAULT_REGISTRY_CONFIG, mirrors: ['https://mirror.example/'] });
  assert.deepEqual(hub.map((e) => [e.base.href, e.tls.verify, e.mirror]), [['https://mirror.example/', true, true], ['https://registry-1.docker.io/', true, false]]);
  const local = await endpointsFor('127.0.0.1:5000', { ...DEFAULT_REGISTRY_CONFIG, certsDirs: [] });
  assert.deepEqual(local.map((e) => [e.base.href, e.tls.verify]), [['https://127.0.0.1:5000/', false], ['http://127.0.0.1:5000/', false]]);
  const remote = await endpointsFor('10.9.8.7:443', { ...DEFAULT_REGISTRY_CONFIG, certsDirs: [] });
  assert.deepEqual(remote.map((e) => [e.base.href, e.tls.verify]), [['https://10.9.8.7/', true]]);
  assert.equal(parseNormalizedNamed('busybox').name(), 'docker.io/library/busybox');
  assert.equal(parseNormalizedNamed('busybox').path, 'library/busybox');
});

test('X-Registry-Config: every registry\'s credentials; the one for an index name', async () => {
  const { decodeRegistryConfigHeader, authFor } = await import('./auth-config.js');
  const header = Buffer.from(JSON.stringify({
    'https://index.docker.io/v1/': { username: 'hub', password: 'a' },
    '127.0.0.1:5000': { username: 'local', password: 'b' },
  })).toString('base64url');
  const configs = decodeRegistryConfigHeader(header);
  assert.equal(authFor(configs, 'docker.io').username, 'hub');
  assert.equal(authFor(configs, '127.0.0.1:5000').username, 'local');
  assert.deepEqual(authFor(configs, 'other:1'), {});
  assert.deepEqual(decodeRegistryConfigHeader('%%%'), {});
});
