import assert from 'node:assert/strict';
import test from 'node:test';
import { linkAlias } from './link-remove.js';

test('a HostConfig.Links entry names its alias in every form dockerd and clients write', () => {
  assert.equal(linkAlias('db:mydb'), 'mydb');
  assert.equal(linkAlias('/db:/web/mydb'), 'mydb');
  assert.equal(linkAlias('db'), 'db');
});
