import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidParameterError } from '../errdefs/index.js';
import { goAtoi } from './go-strconv.js';

test('goAtoi parses what Go\'s strconv.Atoi parses', () => {
  assert.equal(goAtoi('40'), 40);
  assert.equal(goAtoi('+7'), 7);
  assert.equal(goAtoi('-3'), -3);
  assert.equal(goAtoi('007'), 7);
});

test('goAtoi refuses the rest with Go\'s texts, as invalid parameters', () => {
  for (const [v, text] of [
    ['abc', 'strconv.Atoi: parsing "abc": invalid syntax'],
    ['', 'strconv.Atoi: parsing "": invalid syntax'],
    ['1.5', 'strconv.Atoi: parsing "1.5": invalid syntax'],
    [' 1', 'strconv.Atoi: parsing " 1": invalid syntax'],
    ['9223372036854775808', 'strconv.Atoi: parsing "9223372036854775808": value out of range'],
  ] as const) {
    assert.throws(() => goAtoi(v), (err: unknown) => err instanceof InvalidParameterError && (err as Error).message === text, v);
  }
});
