import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFlags } from '../cmd/flags.js';
import { checkConflicts, mergeFile, settingsOf } from './merge.js';

test('a key given as a flag and in the file is dockerd\'s conflict', () => {
  const flags = parseFlags(['-D', '--label', 'a=b', '--data-root', '/d']);
  assert.throws(() => checkConflicts(flags, { debug: false, labels: ['c=d'], 'log-level': 'info' }),
    /^Error: the following directives are specified both as a flag and in the configuration file: debug: \(from flag: true, from file: false\), labels: \(from flag: \[a=b\], from file: \[c=d\]\)$/);
  assert.throws(() => checkConflicts(parseFlags(['-H', 'unix:///a.sock']), { hosts: ['unix:///b.sock'] }), /hosts: \(from flag: \[unix:\/\/\/a.sock\], from file: \[unix:\/\/\/b.sock\]\)/);
  assert.throws(() => checkConflicts(parseFlags(['--tls=false']), { tls: true }), /tls: \(from flag: false, from file: true\)/);
  checkConflicts(flags, { 'log-level': 'warn', hosts: ['unix:///x.sock'] });
});

test('file values replace defaults; flags keep theirs; typed settings for the other areas', () => {
  const flags = parseFlags(['--data-root', '/d']);
  const file = { 'log-level': 'debug', labels: ['a=b'], 'exec-root': '/e', 'live-restore': true, tlsverify: true,
    'insecure-registries': ['r:5000'], 'max-concurrent-downloads': 7, bip: '10.9.0.1/24', dns: ['10.0.0.2'] };
  const merged = mergeFile(flags, file);
  assert.equal(merged.dataRoot, '/d');
  assert.equal(merged.execRoot, '/e');
  assert.equal(merged.logLevel, 'debug');
  assert.deepEqual(merged.labels, ['a=b']);
  assert.equal(merged.liveRestore, true);
  assert.equal(merged.tlsVerify, true);
  const s = settingsOf(merged, file);
  assert.deepEqual(s.registries, { insecure: ['r:5000'], mirrors: [] });
  assert.deepEqual(s.concurrency, { downloads: 7, uploads: 5, downloadAttempts: 5 });
  assert.equal(s.network.bip, '10.9.0.1/24');
  assert.deepEqual(s.network.dns, ['10.0.0.2']);
  assert.equal(s.shutdownTimeout, 15);
  assert.equal(mergeFile(parseFlags([]), { debug: true }).logLevel, 'debug');
});

test('IPv6 on the default bridge from the file (ipv6, fixed-cidr-v6); --ipv6 and the file conflict', () => {
  const file = { ipv6: true, 'fixed-cidr-v6': 'fd00:be::/64' };
  const s = settingsOf(mergeFile(parseFlags([]), file), file);
  assert.equal(s.network.ipv6, true);
  assert.equal(s.network.fixedCidrV6, 'fd00:be::/64');
  assert.throws(() => checkConflicts(parseFlags(['--ipv6']), { ipv6: false }), /ipv6: \(from flag: set, from file: false\)/);
  assert.ok(parseFlags(['--ipv6', '--fixed-cidr-v6', 'fd00:be::/64']).given.has('ipv6'));
});

test('the log relay: on by default, --log-relay=false or the file turn it off; --log-relay and the file conflict', () => {
  assert.equal(parseFlags([]).logRelay, true);
  assert.equal(parseFlags(['--log-relay']).logRelay, true);
  assert.equal(parseFlags(['--log-relay=false']).logRelay, false);
  assert.equal(settingsOf(mergeFile(parseFlags([]), {}), {}).logRelay, undefined);
  assert.equal(settingsOf(mergeFile(parseFlags([]), { 'log-relay': true }), { 'log-relay': true }).logRelay, true);
  assert.equal(settingsOf(mergeFile(parseFlags([]), { 'log-relay': false }), { 'log-relay': false }).logRelay, false);
  assert.throws(() => checkConflicts(parseFlags(['--log-relay']), { 'log-relay': false }), /log-relay: \(from flag: set, from file: false\)/);
});

test('the default bridge from the file (bridge, ip-forward, ip-masq); -b/--bridge and the file conflict', () => {
  const file = { bridge: 'br-x', 'ip-forward': false, 'ip-masq': false };
  const s = settingsOf(mergeFile(parseFlags([]), file), file);
  assert.equal(s.network.bridge, 'br-x');
  assert.equal(s.network.ipForward, false);
  assert.equal(s.network.ipMasq, false);
  assert.throws(() => checkConflicts(parseFlags(['-b', 'br0']), { bridge: 'br-x' }), /bridge: \(from flag: set, from file: br-x\)/);
  assert.throws(() => checkConflicts(parseFlags(['--ip-forward=false']), { 'ip-forward': false }), /ip-forward: \(from flag: set, from file: false\)/);
});
