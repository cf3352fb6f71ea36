import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shapeInspect, shapeSummary } from './shape.js';

test('list shape loses State before 1.23 and Labels before 1.18', () => {
  const s = { Id: 'x', State: 'running', Labels: {}, Mounts: [], HostConfig: {}, NetworkSettings: {}, ImageID: 'sha256:y' };
  assert.deepEqual(shapeSummary(s, '1.41'), s);
  assert.deepEqual(shapeSummary(s, '1.12'), { Id: 'x' });
  assert.ok('Labels' in shapeSummary(s, '1.18'));
});

test('inspect shape: State.Status from 1.21, Volumes maps before 1.20', () => {
  const c = { Id: 'x', State: { Status: 'running', Running: true }, Mounts: [], Platform: 'linux' };
  const old = shapeInspect(c, '1.18');
  assert.deepEqual(old.State, { Running: true });
  assert.deepEqual(old.Volumes, {});
  assert.ok(!('Platform' in old));
  assert.deepEqual(shapeInspect(c, '1.41'), c);
});
