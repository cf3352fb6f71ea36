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

test('Config.Env is merged as dockerd stores it: container env first, then the image env it does not override', () => {
  const image = { Env: ['PATH=/bin', 'A=1', 'B=2'] };
  assert.deepEqual(mergeImageConfig({ Env: ['A=9', 'C=3'] }, image).Env, ['A=9', 'C=3', 'PATH=/bin', 'B=2']);
  assert.deepEqual(mergeImageConfig({}, image).Env, ['PATH=/bin', 'A=1', 'B=2']);
  // "KEY" without a value stays as sent and hides the image's KEY
  assert.deepEqual(mergeImageConfig({ Env: ['PATH'] }, image).Env, ['PATH', 'A=1', 'B=2']);
});

test('empty ExposedPorts/Volumes from the client take the image\'s (null Volumes, no ExposedPorts when it has none), as dockerd stores them', () => {
  assert.equal(mergeImageConfig({ Volumes: {}, ExposedPorts: {} }, {}).Volumes, null);
  assert.ok(!('ExposedPorts' in mergeImageConfig({ Volumes: {}, ExposedPorts: {} }, {})), 'omitted when empty, as dockerd');
  assert.deepEqual(mergeImageConfig({ ExposedPorts: {} }, { ExposedPorts: { '53/udp': {} } }).ExposedPorts, { '53/udp': {} });
  assert.deepEqual(mergeImageConfig({ Volumes: {} }, { Volumes: { '/v': {} } }).Volumes, { '/v': {} });
  assert.deepEqual(mergeImageConfig({ ExposedPorts: { '80/tcp': {} } }, { ExposedPorts: { '53/udp': {} } }).ExposedPorts, { '53/udp': {}, '80/tcp': {} });
});
