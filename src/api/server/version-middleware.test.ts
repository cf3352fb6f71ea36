import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkVersion, splitVersion } from './version-middleware.js';

test('splits a version prefix and defaults unversioned paths to the newest', () => {
  assert.deepEqual(splitVersion('/v1.24/containers/json'), { version: '1.24', path: '/containers/json', requested: '1.24' });
  assert.deepEqual(splitVersion('/containers/json'), { version: '1.55', path: '/containers/json' });
});

test('rejects versions outside the supported range with dockerd texts', () => {
  assert.throws(() => checkVersion('1.11'), /client version 1.11 is too old. Minimum supported API version is 1.12, please upgrade your client to a newer version/);
  assert.throws(() => checkVersion('1.56'), /client version 1.56 is too new. Maximum supported API version is 1.55/);
  checkVersion('1.12');
  checkVersion('1.41');
  checkVersion('1.55');
});
