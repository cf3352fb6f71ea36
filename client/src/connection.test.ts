import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { DockerClient, parseHost, resolveEndpoint, splitReference } from './index.js';

test('DOCKER_HOST forms: unix, tcp (2375), tcp with TLS (https, 2376)', () => {
  assert.deepEqual(resolveEndpoint({ env: {} }), { kind: 'unix', socketPath: '/var/run/docker.sock' });
  assert.deepEqual(resolveEndpoint({ env: { DOCKER_HOST: 'unix:///run/berth.sock' } }), { kind: 'unix', socketPath: '/run/berth.sock' });
  assert.deepEqual(resolveEndpoint({ env: { DOCKER_HOST: 'tcp://127.0.0.1' } }), { kind: 'tcp', hostname: '127.0.0.1', port: 2375 });
  assert.deepEqual(parseHost('tcp://[::1]:2376', { ca: 'x' }), { kind: 'tcp', hostname: '::1', port: 2376, tls: { ca: 'x' } });
  assert.throws(() => parseHost('ssh://me@host'), /unsupported Docker host scheme: ssh/);
});

test('DOCKER_TLS_VERIFY reads ca.pem, cert.pem and key.pem from DOCKER_CERT_PATH', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-certs-'));
  try {
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) fs.writeFileSync(path.join(dir, f), `${f} content`);
    const e = resolveEndpoint({ env: { DOCKER_HOST: 'tcp://127.0.0.1:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir } });
    assert.equal(e.kind, 'tcp');
    assert.equal(e.kind === 'tcp' && e.tls?.ca?.toString(), 'ca.pem content');
    assert.equal(e.kind === 'tcp' && e.tls?.key?.toString(), 'key.pem content');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('DOCKER_API_VERSION pins the version of a client configured from the environment', async () => {
  const client = new DockerClient({ env: { DOCKER_HOST: 'unix:///nonexistent.sock', DOCKER_API_VERSION: '1.40' } });
  assert.equal(await client.apiVersion(), '1.40');
});

test('image references split into fromImage and tag the way the CLI sends them', () => {
  assert.deepEqual(splitReference('busybox'), { fromImage: 'busybox', tag: 'latest' });
  assert.deepEqual(splitReference('localhost:5000/team/app:v2'), { fromImage: 'localhost:5000/team/app', tag: 'v2' });
  assert.deepEqual(splitReference('localhost:5000/app'), { fromImage: 'localhost:5000/app', tag: 'latest' });
  assert.deepEqual(splitReference('app@sha256:abc'), { fromImage: 'app', tag: 'sha256:abc' });
});
