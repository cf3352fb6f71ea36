import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDeviceCgroupRule, splitDev, withDevices, withPrivileged } from './devices.js';
import { containerRef, joinPath, withNamespace } from './namespaces.js';
import { buildSpec, withHostname } from './spec.js';

test('namespaces: host drops one, join uses the peer\'s /proc/<pid>/ns path, host UTS clears the hostname', () => {
  const spec = buildSpec([
    withHostname('h', 'example.com'),
    withNamespace('pid', { mode: 'host' }),
    withNamespace('ipc', { mode: 'join', path: joinPath(42, 'ipc') }),
    withNamespace('network', { mode: 'join', path: joinPath(42, 'network') }),
    withNamespace('uts', { mode: 'host' }),
  ]);
  const types = spec.linux.namespaces.map((n) => n.type);
  assert.ok(!types.includes('pid') && !types.includes('uts'));
  assert.deepEqual(spec.linux.namespaces.find((n) => n.type === 'ipc'), { type: 'ipc', path: '/proc/42/ns/ipc' });
  assert.deepEqual(spec.linux.namespaces.find((n) => n.type === 'network'), { type: 'network', path: '/proc/42/ns/net' });
  assert.equal(spec.hostname, '');
  assert.equal(containerRef('container:web'), 'web');
  assert.equal(containerRef('host'), undefined);
});

test('devices: dev_t split, a host device node with its cgroup rule, rules, privileged', () => {
  assert.deepEqual(splitDev(0x0103n), { major: 1, minor: 3 });
  assert.deepEqual(splitDev(BigInt((259 << 8) | 5)), { major: 259, minor: 5 });
  const spec = buildSpec([withDevices([{ PathOnHost: '/dev/null', PathInContainer: '/dev/mynull', CgroupPermissions: 'rw' }], ['c 10:* rwm'])]);
  const devices = spec.linux.devices as Array<{ path: string; type: string; major: number; minor: number }>;
  assert.deepEqual(devices.map((d) => [d.path, d.type, d.major, d.minor]), [['/dev/mynull', 'c', 1, 3]]);
  const rules = spec.linux.resources.devices;
  assert.deepEqual(rules.at(-2), { allow: true, type: 'c', major: 1, minor: 3, access: 'rw' });
  assert.deepEqual(rules.at(-1), { allow: true, type: 'c', major: 10, access: 'rwm' });
  assert.throws(() => buildSpec([withDevices([{ PathOnHost: '/dev/nonexistent-x', PathInContainer: '', CgroupPermissions: 'rwm' }], [])]),
    { message: 'error gathering device information while adding custom device "/dev/nonexistent-x": no such file or directory' });
  assert.throws(() => parseDeviceCgroupRule('x 1:2'), /invalid device cgroup rule format/);
  const priv = buildSpec([withPrivileged([])]);
  assert.deepEqual(priv.linux.maskedPaths, []);
  assert.deepEqual(priv.linux.resources.devices, [{ allow: true, access: 'rwm' }]);
  assert.ok(!priv.mounts.find((m) => m.destination === '/sys')?.options?.includes('ro'));
  const null0 = { path: '/dev/null', type: 'c' as const, major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 };
  const privMapped = buildSpec([withPrivileged([null0]), withDevices([
    { PathOnHost: '/dev/null', PathInContainer: '/dev/null', CgroupPermissions: 'rwm' },
    { PathOnHost: '/dev/null', PathInContainer: '/dev/null2', CgroupPermissions: 'rwm' },
  ], [])]);
  assert.deepEqual((privMapped.linux.devices as Array<{ path: string }>).map((d) => d.path), ['/dev/null', '/dev/null2'],
    'a mapping onto a device the privileged container already has is skipped');
});
