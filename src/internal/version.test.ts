import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareVersions, versionGte, versionLt } from './version.js';

test('versions compare numerically, not lexically', () => {
  assert.ok(versionLt('1.9', '1.12'));
  assert.ok(versionGte('1.41', '1.41'));
  assert.ok(compareVersions('1.24', '1.3') > 0);
});
