import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilters } from './filters.js';

test('both filter encodings parse to lists', () => {
  assert.deepEqual(parseFilters('{"name":["a","b"]}'), { name: ['a', 'b'] });
  assert.deepEqual(parseFilters('{"status":{"running":true,"exited":false}}'), { status: ['running'] });
  assert.deepEqual(parseFilters(undefined), {});
  assert.throws(() => parseFilters('{nope'), /invalid filter/);
});
