import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chainId, chainIds } from './chain-id.js';

const d = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;

test('chain ID of one layer is its diff ID', () => {
  assert.equal(chainId([d('a')]), d('a'));
});

test('chain ID follows the OCI recurrence', () => {
  const [a, b, c] = [d('a'), d('b'), d('c')];
  const ab = `sha256:${createHash('sha256').update(`${a} ${b}`).digest('hex')}`;
  const abc = `sha256:${createHash('sha256').update(`${ab} ${c}`).digest('hex')}`;
  assert.deepEqual(chainIds([a, b, c]), [a, ab, abc]);
  assert.equal(chainId([a, b, c]), abc);
});

test('no layers: no chain ID', () => {
  assert.equal(chainId([]), undefined);
  assert.deepEqual(chainIds([]), []);
});
