import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withKeysAfter, withoutKeys } from './object-keys.js';

test('withKeysAfter inserts after the named key, keeping the order of the rest', () => {
  assert.deepEqual(Object.keys(withKeysAfter({ a: 1, b: 2, c: 3 }, 'a', { x: 0, y: 0 })), ['a', 'x', 'y', 'b', 'c']);
  assert.deepEqual(Object.keys(withKeysAfter({ a: 1 }, 'missing', { x: 0 })), ['a', 'x']);
  assert.deepEqual(withKeysAfter({ a: 1, x: 5 }, 'a', { x: 0 }), { a: 1, x: 0 }, 'an existing key is replaced in the new place');
});

test('withoutKeys copies', () => {
  const o = { a: 1, b: 2 };
  assert.deepEqual(withoutKeys(o, 'b'), { a: 1 });
  assert.deepEqual(o, { a: 1, b: 2 });
});
