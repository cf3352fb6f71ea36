import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeSnapshotter } from './image-fakes.js';
import { sweepTempSnapshots } from './sweep.js';

test('the sweep removes interrupted working snapshots only', async () => {
  const s = new FakeSnapshotter();
  await s.prepare('sha256:base-extract', undefined);
  await s.commit('sha256:base', 'sha256:base-extract');
  await s.prepare('extract-0123-sha256:next', 'sha256:base');
  await s.view('commit-view-abc', 'sha256:base');
  await s.view('size-1-sha256:base', 'sha256:base');
  await s.prepare('container-id', 'sha256:base');
  assert.deepEqual((await sweepTempSnapshots(s)).sort(), ['commit-view-abc', 'extract-0123-sha256:next', 'size-1-sha256:base']);
  assert.deepEqual([...s.snapshots.keys()].sort(), ['container-id', 'sha256:base']);
});
