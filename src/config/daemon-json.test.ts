import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDaemonJson, readDaemonJson } from './daemon-json.js';

test('dockerd keys with their types are accepted', () => {
  const c = parseDaemonJson(JSON.stringify({
    'log-level': 'debug', labels: ['a=b'], hosts: ['unix:///x.sock'], 'insecure-registries': ['r:5000'], 'max-concurrent-downloads': 2,
    bip: '10.9.0.1/24', 'default-address-pools': [{ base: '10.10.0.0/16', size: 24 }], 'log-opts': { 'max-size': '10m' },
    'default-ulimits': { nofile: { Name: 'nofile', Hard: 64000, Soft: 64000 } }, runtimes: { crun: { path: '/usr/bin/crun' } },
    'live-restore': true, 'shutdown-timeout': 30, tlsverify: true,
  }));
  assert.equal(c['log-level'], 'debug');
  assert.deepEqual(c['default-address-pools'], [{ base: '10.10.0.0/16', size: 24 }]);
});

test('unknown keys, wrong types and bad values are refused with dockerd\'s errors', () => {
  assert.throws(() => parseDaemonJson('{"debug":true,"zeta":1,"alpha":2}'), /^Error: the following directives don't match any configuration option: alpha, zeta$/);
  assert.throws(() => parseDaemonJson('{"debug":"yes"}'), /json: cannot unmarshal string into Go struct field Config.debug of type bool/);
  assert.throws(() => parseDaemonJson('{"labels":"a=b"}'), /Config.labels of type \[\]string/);
  assert.throws(() => parseDaemonJson('[1]'), /cannot unmarshal array/);
  assert.throws(() => parseDaemonJson('{"debug":'), /invalid character/);
  assert.throws(() => parseDaemonJson('{"log-level":"loud"}'), /invalid logging level: loud/);
  assert.throws(() => parseDaemonJson('{"labels":["nolabel"]}'), /bad attribute format: nolabel/);
  assert.throws(() => parseDaemonJson('{"max-concurrent-downloads":-1}'), /invalid max concurrent downloads: -1/);
});

test('a missing default file is empty; a named one must exist', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cfg-'));
  try {
    const missing = path.join(dir, 'daemon.json');
    assert.deepEqual(readDaemonJson(missing, false), {});
    assert.throws(() => readDaemonJson(missing, true), /unable to configure the Docker daemon with file .*daemon.json: open .*: no such file or directory/);
    fs.writeFileSync(missing, '{"bogus":1}');
    assert.throws(() => readDaemonJson(missing, false), /unable to configure the Docker daemon with file .*: the following directives don't match any configuration option: bogus/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
