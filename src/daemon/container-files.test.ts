import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDnsSettings, extraHostLines, hostsFile, resolvConf } from './container-files.js';

test('resolv.conf drops loopback nameservers and falls back to public ones', () => {
  assert.equal(resolvConf('search lan\nnameserver 127.0.0.53\n'), 'search lan\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n');
  assert.equal(resolvConf('nameserver 10.0.0.1\n'), 'nameserver 10.0.0.1\n');
});

test('hosts has localhost and the hostname', () => {
  const h = hostsFile('abc', '');
  assert.match(h, /^127\.0\.0\.1\tlocalhost$/m);
  assert.match(h, /\tabc$/m);
});

test('Dns/DnsSearch/DnsOptions replace the host\'s lines; ExtraHosts become hosts lines', () => {
  const base = 'search lan\nnameserver 10.0.0.1\noptions rotate\n';
  assert.equal(applyDnsSettings(base, {}), base);
  assert.equal(applyDnsSettings(base, { Dns: ['9.9.9.9', '1.1.1.1'], DnsSearch: ['a.example'], DnsOptions: ['ndots:2'] }),
    'nameserver 9.9.9.9\nnameserver 1.1.1.1\nsearch a.example\noptions ndots:2\n');
  assert.deepEqual(extraHostLines(['foo:1.2.3.4', 'v6:::1']), ['1.2.3.4\tfoo', '::1\tv6']);
});
