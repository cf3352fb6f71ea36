import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DiskUsage } from './df-backend.js';
import { dfContainer, legacyImage, shapeDiskUsage } from './df-shape.js';

const usage = <T>(Items: T[], TotalSize = 0): { ActiveCount: number; TotalCount: number; Reclaimable: number; TotalSize: number; Items: T[] } =>
  ({ ActiveCount: 0, TotalCount: Items.length, Reclaimable: 0, TotalSize, Items });

const du: DiskUsage = {
  ImageUsage: usage([{ Id: 'sha256:a', RepoTags: ['busybox:latest'], RepoDigests: [], Size: 10, SharedSize: 0 }], 10),
  ContainerUsage: usage([{ Id: 'c1', SizeRw: 0, SizeRootFs: 10 }, { Id: 'c2', SizeRw: 5, SizeRootFs: 15 }]),
  VolumeUsage: usage([]),
  BuildCacheUsage: usage([]),
};

test('df 1.41 golden: legacy lists, BuilderSize, null RepoDigests, SizeRw omitted when 0', () => {
  assert.deepEqual(shapeDiskUsage(du, '1.41', false), {
    LayersSize: 10,
    Images: [{ Id: 'sha256:a', RepoTags: ['busybox:latest'], RepoDigests: null, Size: 10, SharedSize: 0, VirtualSize: 10 }],
    Containers: [{ Id: 'c1', SizeRootFs: 10 }, { Id: 'c2', SizeRw: 5, SizeRootFs: 15 }],
    Volumes: [],
    BuildCache: [],
    BuilderSize: 0,
  });
});

test('df: BuilderSize only from 1.31 to 1.41 (CHANGELOG v1.42), BuildCache from 1.31', () => {
  assert.ok(!('BuilderSize' in shapeDiskUsage(du, '1.30', false)) && !('BuildCache' in shapeDiskUsage(du, '1.30', false)));
  assert.equal(shapeDiskUsage(du, '1.31', false).BuilderSize, 0);
  assert.ok(!('BuilderSize' in shapeDiskUsage(du, '1.42', false)));
});

test('df images: <none> placeholders and nil lists before 1.43, empty arrays from 1.43', () => {
  assert.deepEqual(legacyImage({ RepoTags: [], RepoDigests: [], Size: 1 }, '1.42'), { RepoTags: ['<none>:<none>'], RepoDigests: ['<none>@<none>'], Size: 1, VirtualSize: 1 });
  assert.deepEqual(legacyImage({ RepoTags: [], RepoDigests: ['b@sha256:x'], Size: 1 }, '1.42'), { RepoTags: null, RepoDigests: ['b@sha256:x'], Size: 1, VirtualSize: 1 });
  assert.deepEqual(legacyImage({ RepoTags: ['b:1'], RepoDigests: [], Size: 1 }, '1.43'), { RepoTags: ['b:1'], RepoDigests: [], Size: 1, VirtualSize: 1 });
  assert.deepEqual(legacyImage({ RepoTags: ['b:1'], RepoDigests: [], Size: 1 }, '1.44'), { RepoTags: ['b:1'], RepoDigests: [], Size: 1 });
});

test('df containers: SizeRw/SizeRootFs omitted when 0, in the legacy list and in ContainerUsage (1.52)', () => {
  assert.deepEqual(dfContainer({ Id: 'x', SizeRw: 0, SizeRootFs: 0 }), { Id: 'x' });
  const v152 = shapeDiskUsage(du, '1.52', true);
  assert.deepEqual((v152.ContainerUsage as { Items: unknown[] }).Items, [{ Id: 'c1', SizeRootFs: 10 }, { Id: 'c2', SizeRw: 5, SizeRootFs: 15 }]);
  assert.ok(!('Containers' in v152));
});
