import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandLine, mergeEnv, mergeImageConfig } from './image-config.js';

test('image Cmd is used when the container gives neither Cmd nor Entrypoint', () => {
  const c = mergeImageConfig({ Image: 'x' }, { Cmd: ['sh'], Env: ['PATH=/bin'] });
  assert.deepEqual(commandLine(c), ['sh']);
  assert.deepEqual(c.Env, ['PATH=/bin']);
});

test('an Entrypoint from the user drops the image Cmd; a Cmd keeps the image Entrypoint', () => {
  assert.deepEqual(commandLine(mergeImageConfig({ Entrypoint: ['echo'] }, { Cmd: ['sh'] })), ['echo']);
  assert.deepEqual(commandLine(mergeImageConfig({ Cmd: ['a'] }, { Entrypoint: ['/init'], Cmd: ['sh'] })), ['/init', 'a']);
  assert.deepEqual(commandLine(mergeImageConfig({ Cmd: ['a'], Entrypoint: [''] }, { Entrypoint: ['/init'] })), ['a']);
});

test('env merges by key', () => {
  assert.deepEqual(mergeEnv(['PATH=/bin', 'A=1'], ['A=2', 'B=3', 'PATH']), ['A=2', 'B=3']);
});
