import { test } from 'node:test';
import assert from 'node:assert/strict';
import { delegate } from './delegate.js';

test('delegate: picked methods stay bound to their owner; others are left out', () => {
  class Counter {
    private n = 0;
    bump(): number { return ++this.n; }
    peek(): number { return this.n; }
  }
  const c = new Counter();
  const picked = delegate(c, 'bump');
  const { bump } = picked;
  assert.equal(bump(), 1);
  assert.equal(picked.bump(), 2);
  assert.equal(c.peek(), 2);
  assert.deepEqual(Object.keys(picked), ['bump']);
});
