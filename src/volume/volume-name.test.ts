import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidParameterError } from '../errdefs/index.js';
import { anonymousVolumeName, isAnonymousName, validateVolumeName } from './volume-name.js';

test('volume names: dockerd pattern and messages', () => {
  for (const ok of ['ab', 'a1', 'data_1.x-y', '0abc']) assert.doesNotThrow(() => validateVolumeName(ok));
  assert.throws(() => validateVolumeName('a'), (e: unknown) => e instanceof InvalidParameterError && /too short/.test(e.message));
  assert.throws(() => validateVolumeName('bad/name'), {
    message: '"bad/name" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path',
  });
  for (const bad of ['-ab', '.x', '..', 'a b', 'x!']) assert.throws(() => validateVolumeName(bad), InvalidParameterError);
  assert.ok(isAnonymousName(anonymousVolumeName()));
});
