import { test } from 'node:test';
import assert from 'node:assert/strict';
import { processEnv } from './process-env.js';

test('HOME is added when missing or empty, as runc does; a set HOME is kept', () => {
  assert.deepEqual(processEnv(['A=1'], 'h', false, '/'), ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=h', 'A=1', 'HOME=/']);
  assert.ok(processEnv(['HOME='], 'h', false, '/root').includes('HOME=/root'));
  assert.ok(processEnv(['HOME=/x'], 'h', true, '/root').includes('HOME=/x'));
});
