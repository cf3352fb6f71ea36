import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSpec, DEFAULT_CAPABILITIES, withBindFile, withProcessArgs, withTerminal, withUser } from './spec.js';

test('default spec has dockerd defaults and options apply in order', () => {
  const spec = buildSpec([
    withProcessArgs(['echo', 'hi']),
    withUser(1000, 1000, [27]),
    withTerminal(true, { height: 24, width: 80 }),
    withBindFile('/etc/hosts', '/data/hosts'),
  ]);
  assert.deepEqual(spec.process.args, ['echo', 'hi']);
  assert.deepEqual(spec.process.user, { uid: 1000, gid: 1000, additionalGids: [27] });
  assert.deepEqual(spec.process.consoleSize, { height: 24, width: 80 });
  assert.equal(spec.process.capabilities.bounding.length, DEFAULT_CAPABILITIES.length);
  assert.ok(spec.linux.maskedPaths.includes('/proc/kcore'));
  assert.ok(spec.mounts.some((m) => m.destination === '/dev/shm' && m.options?.includes('size=65536k')));
  assert.equal(spec.mounts.filter((m) => m.destination === '/etc/hosts').length, 1);
});
