import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostsWithAddresses, resolvForNetwork } from './sandbox-files.js';

test('the hostname maps to the container addresses instead of loopback', () => {
  const hosts = '127.0.0.1\tlocalhost\n127.0.1.1\tabc\n10.0.0.9\tx\n';
  assert.equal(hostsWithAddresses(hosts, ['10.0.0.2'], 'abc', ''), '127.0.0.1\tlocalhost\n10.0.0.9\tx\n10.0.0.2\tabc\n');
  assert.equal(hostsWithAddresses(hosts, [], 'abc', 'dom'), '127.0.0.1\tlocalhost\n10.0.0.9\tx\n127.0.1.1\tabc.dom abc\n');
});

test('user-defined networks resolve through 127.0.0.11, search and options kept', () => {
  assert.equal(resolvForNetwork('nameserver 1.2.3.4\nsearch example.org\n'), 'nameserver 127.0.0.11\nsearch example.org\noptions ndots:0\n');
  assert.equal(resolvForNetwork('nameserver 1.2.3.4\noptions ndots:2\n'), 'nameserver 127.0.0.11\noptions ndots:2\n');
});
