import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFlags } from './flags.js';

test('defaults match the documented ones', () => {
  const f = parseFlags([]);
  assert.deepEqual(f.hosts, ['unix:///var/run/berth.sock']);
  assert.equal(f.dataRoot, '/var/lib/berth');
  assert.equal(f.execRoot, '/var/run/berth');
  assert.equal(f.containerdNamespace, 'berth');
  assert.equal(f.containerd, undefined);
});

test('repeatable -H and dockerd-style flags', () => {
  const f = parseFlags(['-H', 'unix:///tmp/a.sock', '--host', 'tcp://127.0.0.1:2375', '--data-root', '/d', '-D',
    '--containerd', 'unix:///run/c.sock', '--pidfile', '/p', '--group', 'adm']);
  assert.deepEqual(f.hosts, ['unix:///tmp/a.sock', 'tcp://127.0.0.1:2375']);
  assert.equal(f.dataRoot, '/d');
  assert.equal(f.logLevel, 'debug');
  assert.equal(f.containerd, '/run/c.sock');
  assert.equal(f.pidfile, '/p');
  assert.equal(f.group, 'adm');
  assert.throws(() => parseFlags(['--log-level', 'loud']), /invalid log level/);
});

test('registry flags: repeatable insecure registries and mirrors, transfer limits', () => {
  const d = parseFlags([]);
  assert.deepEqual([d.insecureRegistries, d.registryMirrors, d.maxConcurrentDownloads, d.maxConcurrentUploads], [[], [], 3, 5]);
  const f = parseFlags(['--insecure-registry', '10.0.0.0/8', '--insecure-registry', 'reg.local:5000', '--registry-mirror', 'https://m.example',
    '--max-concurrent-downloads', '6', '--max-concurrent-uploads', '2']);
  assert.deepEqual(f.insecureRegistries, ['10.0.0.0/8', 'reg.local:5000']);
  assert.deepEqual(f.registryMirrors, ['https://m.example']);
  assert.equal(f.maxConcurrentDownloads, 6);
  assert.equal(f.maxConcurrentUploads, 2);
  assert.throws(() => parseFlags(['--max-concurrent-downloads', '0']), /must be a positive integer/);
});
