import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostsFile, resolvConf } from './container-files.js';

test('resolv.conf drops loopback nameservers and falls back to public ones', () => {
  assert.equal(resolvConf('search lan\nnameserver 127.0.0.53\n'), 'search lan\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n');
  assert.equal(resolvConf('nameserver 10.0.0.1\n'), 'nameserver 10.0.0.1\n');
});

test('hosts has localhost and the hostname', () => {
  const h = hostsFile('abc', '');
  assert.match(h, /^127\.0\.0\.1\tlocalhost$/m);
  assert.match(h, /\tabc$/m);
});
