import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DetachScanner, parseDetachKeys } from './detach-keys.js';

test('parses detach keys', () => {
  assert.deepEqual([...parseDetachKeys('ctrl-p,ctrl-q')], [16, 17]);
  assert.deepEqual([...parseDetachKeys('ctrl-a,a')], [1, 97]);
  assert.throws(() => parseDetachKeys('ctrl-foo'), /Invalid detach keys/);
});

test('scanner detects the sequence across chunks and forwards other bytes', () => {
  const s = new DetachScanner(parseDetachKeys('ctrl-p,ctrl-q'));
  assert.deepEqual(s.push(Buffer.from([104, 16])), { forward: Buffer.from([104]), detach: false });
  assert.deepEqual(s.push(Buffer.from([105])), { forward: Buffer.from([16, 105]), detach: false });
  assert.equal(s.push(Buffer.from([16, 17])).detach, true);
});
