import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shimGoneWhileJoining } from './grouped-runtime.js';

test('a shim socket gone between the check and containerd\'s dial is recognised; other create errors are not', () => {
  assert.equal(shimGoneWhileJoining(new Error('failed to start shim: start failed: dial unix /run/containerd/s/0b1c: connect: no such file or directory: unknown')), true);
  assert.equal(shimGoneWhileJoining(new Error('failed to start shim: start failed: dial unix /run/containerd/s/0b1c: no such file or directory')), true);
  assert.equal(shimGoneWhileJoining(new Error('failed to start shim: dial unix /run/containerd/s/0b1c: connect: connection refused')), true);
  assert.equal(shimGoneWhileJoining(new Error('failed to create shim task: OCI runtime create failed: exec: "nope": executable file not found in $PATH: no such file or directory')), false);
  assert.equal(shimGoneWhileJoining('failed to start shim: exec: no such file or directory'), false);
});
