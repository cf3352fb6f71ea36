import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shapeImageSummary } from './shape.js';

test('image list shape: v1.12 has RepoTags, Size, VirtualSize, ParentId; RepoDigests from 1.18; Labels from 1.20', () => {
  const s = { Id: 'sha256:x', ParentId: '', RepoTags: ['a:1'], RepoDigests: [], Created: 1, Size: 2, SharedSize: -1, VirtualSize: 2, Labels: null, Containers: -1 };
  assert.deepEqual(shapeImageSummary(s, '1.41'), s);
  assert.deepEqual(Object.keys(shapeImageSummary(s, '1.12')).sort(), ['Created', 'Id', 'ParentId', 'RepoTags', 'Size', 'VirtualSize']);
  assert.deepEqual(Object.keys(shapeImageSummary(s, '1.18')).sort(), ['Created', 'Id', 'ParentId', 'RepoDigests', 'RepoTags', 'Size', 'VirtualSize']);
  assert.ok('Labels' in shapeImageSummary(s, '1.24') && !('Containers' in shapeImageSummary(s, '1.24')));
});
