import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mountArgs, mountPoints } from './host-mounts.js';

test('mountinfo: mount points with octal escapes', () => {
  const info = '22 1 8:1 / / rw - ext4 /dev/vda rw\n40 22 0:5 / /var/lib/x\\040y rw - tmpfs tmpfs rw\n';
  assert.deepEqual([...mountPoints(info)], ['/', '/var/lib/x y']);
});

test('mount(8) arguments: type, options, bind', () => {
  assert.deepEqual(mountArgs({ device: 'tmpfs', target: '/v', type: 'tmpfs', options: 'size=10m' }), ['-t', 'tmpfs', '-o', 'size=10m', '--', 'tmpfs', '/v']);
  assert.deepEqual(mountArgs({ device: '/src', target: '/v', type: 'bind', options: 'ro' }), ['-o', 'bind,ro', '--', '/src', '/v']);
  assert.deepEqual(mountArgs({ device: '/dev/sdb1', target: '/v', type: '', options: '' }), ['--', '/dev/sdb1', '/v']);
});
