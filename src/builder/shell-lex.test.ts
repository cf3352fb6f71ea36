import assert from 'node:assert/strict';
import { test } from 'node:test';
import { envMap, processWord, processWords } from './shell-lex.js';

const env = envMap(['A=apple', 'EMPTY=', 'P=/usr/local']);

test('plain, braced and modified substitutions', () => {
  assert.equal(processWord('$A', env), 'apple');
  assert.equal(processWord('${A}pie', env), 'applepie');
  assert.equal(processWord('${NOPE:-x}', env), 'x');
  assert.equal(processWord('${EMPTY:-x}', env), 'x');
  assert.equal(processWord('${EMPTY-x}', env), '');
  assert.equal(processWord('${A:+set}', env), 'set');
  assert.equal(processWord('${NOPE:+set}', env), '');
  assert.equal(processWord('${NOPE:-$P/bin}', env), '/usr/local/bin');
  assert.throws(() => processWord('${NOPE:?must be set}', env), /NOPE: must be set/);
});

test('quotes and escapes', () => {
  assert.equal(processWord("'$A'", env), '$A');
  assert.equal(processWord('"$A b"', env), 'apple b');
  assert.equal(processWord('\\$A', env), '$A');
  assert.equal(processWord('`$A', env, '`'), '$A');
  assert.equal(processWord('a$', env), 'a$');
});

test('word splitting keeps quoted spaces and drops empty expansions', () => {
  assert.deepEqual(processWords('a "b c" $A $NOPE d', env), ['a', 'b c', 'apple', 'd']);
  assert.deepEqual(processWords('"" x', env), ['', 'x']);
});
