import { test } from 'node:test';
import assert from 'node:assert/strict';
import { securityOptions } from './system-info.js';

test('info SecurityOptions: the default seccomp profile, cgroupns on cgroup v2 (dockerd\'s fillSecurityOptions)', () => {
  assert.deepEqual(securityOptions(false, true), ['name=seccomp,profile=default']);
  assert.deepEqual(securityOptions(true, true), ['name=seccomp,profile=default', 'name=cgroupns']);
  assert.deepEqual(securityOptions(false, false), []);
});
