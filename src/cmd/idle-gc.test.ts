import assert from 'node:assert/strict';
import test from 'node:test';
import { IDLE_UTILIZATION, MIN_GROWTH_BYTES, shouldCollect } from './idle-gc.js';

test('collects only on an idle loop whose heap grew since the last collection', () => {
  const base = 10 * MIN_GROWTH_BYTES;
  assert.equal(shouldCollect(0, base + MIN_GROWTH_BYTES, base), true);
  assert.equal(shouldCollect(IDLE_UTILIZATION / 2, base + 2 * MIN_GROWTH_BYTES, base), true);
  // busy: never, however much the heap grew
  assert.equal(shouldCollect(IDLE_UTILIZATION, base + 100 * MIN_GROWTH_BYTES, base), false);
  assert.equal(shouldCollect(0.5, base + 100 * MIN_GROWTH_BYTES, base), false);
  // idle but nothing new to give back: not again
  assert.equal(shouldCollect(0, base + MIN_GROWTH_BYTES - 1, base), false);
  assert.equal(shouldCollect(0, base, base), false);
});
