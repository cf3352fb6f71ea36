import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateName, validateName } from './names.js';

test('names: dockerd validation rule and message', () => {
  assert.equal(validateName('/web'), 'web');
  assert.equal(validateName('a.b-c_d'), 'a.b-c_d');
  assert.throws(() => validateName('bad name!'), /Invalid container name \(bad name!\), only \[a-zA-Z0-9\]\[a-zA-Z0-9_.-\] are allowed/);
  assert.throws(() => validateName('x'), /Invalid container name/);
});

test('generated names avoid taken ones', () => {
  const taken = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const n = generateName((x) => taken.has(x));
    assert.match(n, /^[a-z]+_[a-z]+[0-9]?$/);
    assert.ok(!taken.has(n));
    taken.add(n);
  }
});
