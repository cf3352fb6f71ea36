import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NotFoundError } from '../errdefs/index.js';
import { checkVolumesFrom } from './volumes-from.js';

const lookup = (ref: string): unknown => {
  if (ref !== 'data') throw new NotFoundError(`No such container: ${ref}`);
  return {};
};

test('every VolumesFrom source must exist; a missing one is a 400 with dockerd\'s text', () => {
  checkVolumesFrom(['data', 'data:ro'], lookup);
  checkVolumesFrom(undefined, lookup);
  assert.throws(() => checkVolumesFrom(['data', 'parent', 'other:ro'], lookup), { name: 'InvalidParameterError', message: 'No such container: parent' });
  assert.throws(() => checkVolumesFrom([''], lookup), { message: 'volumes-from specification cannot be an empty string' });
});
