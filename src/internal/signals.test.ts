import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSignal } from './signals.js';

test('parses signal names and numbers like dockerd', () => {
  assert.equal(parseSignal('SIGKILL'), 9);
  assert.equal(parseSignal('hup'), 1);
  assert.equal(parseSignal('15'), 15);
  assert.equal(parseSignal('SIGRTMIN+3'), 37);
  assert.throws(() => parseSignal('SIGNOPE'), /Invalid signal: SIGNOPE/);
  assert.throws(() => parseSignal('0'), /Invalid signal/);
});
