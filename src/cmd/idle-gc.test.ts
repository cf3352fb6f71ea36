import assert from 'node:assert/strict';
import test from 'node:test';
import { IDLE_INTERVALS, MIN_GROWTH_BYTES, shouldCollect } from './idle-gc.js';

test('collects only after enough idle intervals in a row, when the heap grew since the last collection', () => {
  const base = 10 * MIN_GROWTH_BYTES;
  assert.equal(shouldCollect(IDLE_INTERVALS, base + MIN_GROWTH_BYTES, base), true);
  assert.equal(shouldCollect(IDLE_INTERVALS + 5, base + 2 * MIN_GROWTH_BYTES, base), true);
  // not idle long enough (a pause between bursts): never, however much the heap grew
  assert.equal(shouldCollect(IDLE_INTERVALS - 1, base + 100 * MIN_GROWTH_BYTES, base), false);
  assert.equal(shouldCollect(0, base + 100 * MIN_GROWTH_BYTES, base), false);
  // idle but nothing new to give back: not again
  assert.equal(shouldCollect(IDLE_INTERVALS, base + MIN_GROWTH_BYTES - 1, base), false);
  assert.equal(shouldCollect(IDLE_INTERVALS, base, base), false);
});
