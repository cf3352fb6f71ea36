import { test } from 'node:test';
import assert from 'node:assert/strict';
import { platformParams, shapeImageInspect, shapeImageSummary } from './shape.js';

test('image list shape: v1.12 has RepoTags, Size, VirtualSize, ParentId; RepoDigests from 1.18; Labels from 1.20', () => {
  const s = { Id: 'sha256:x', ParentId: '', RepoTags: ['a:1'], RepoDigests: [], Created: 1, Size: 2, SharedSize: -1, VirtualSize: 2, Labels: null, Containers: -1 };
  assert.deepEqual(shapeImageSummary(s, '1.41'), s);
  assert.deepEqual(Object.keys(shapeImageSummary(s, '1.12')).sort(), ['Created', 'Id', 'ParentId', 'RepoTags', 'Size', 'VirtualSize']);
  assert.deepEqual(Object.keys(shapeImageSummary(s, '1.18')).sort(), ['Created', 'Id', 'ParentId', 'RepoDigests', 'RepoTags', 'Size', 'VirtualSize']);
  assert.ok('Labels' in shapeImageSummary(s, '1.24') && !('Containers' in shapeImageSummary(s, '1.24')));
});

const summary = { Id: 'sha256:x', ParentId: '', RepoTags: [], RepoDigests: [], Created: 1, Size: 2, SharedSize: -1, Labels: null, Containers: 3 };

test('image list golden per version: 1.51+ counts, 1.44+ no VirtualSize, 1.43+ no <none> placeholders', () => {
  assert.deepEqual(shapeImageSummary(summary, '1.55'), summary);
  assert.deepEqual(shapeImageSummary(summary, '1.50'), { ...summary, Containers: -1 });
  assert.deepEqual(shapeImageSummary(summary, '1.43'), { ...summary, Containers: -1, VirtualSize: 2 });
  const v141 = shapeImageSummary(summary, '1.41');
  assert.deepEqual(v141, { ...summary, Containers: -1, VirtualSize: 2, RepoTags: ['<none>:<none>'], RepoDigests: ['<none>@<none>'] });
  assert.deepEqual(Object.keys(v141), ['Id', 'ParentId', 'RepoTags', 'RepoDigests', 'Created', 'Size', 'SharedSize', 'VirtualSize', 'Labels', 'Containers']);
});

const inspectData = {
  Id: 'sha256:x', RepoTags: ['a:1'], RepoDigests: [], Parent: '', Comment: '', Created: '0001-01-01T00:00:00Z', Container: 'c',
  ContainerConfig: { Hostname: 'c' }, DockerVersion: '', Author: '',
  Config: { Hostname: '', Domainname: '', User: '', AttachStdin: false, Tty: false, Env: ['PATH=/bin'], Cmd: ['sh'], Image: '', Volumes: null, WorkingDir: '', Entrypoint: null, OnBuild: null, Labels: null },
  Architecture: 'amd64', Os: 'linux', Size: 5, VirtualSize: 5, GraphDriver: { Name: 'overlayfs', Data: null },
  RootFS: { Type: 'layers', Layers: [] }, Metadata: { LastTagTime: '0001-01-01T00:00:00Z' },
};

test('image inspect golden per version', () => {
  assert.deepEqual(shapeImageInspect(inspectData, '1.43'), inspectData);
  const v144 = shapeImageInspect(inspectData, '1.44');
  assert.ok(!('VirtualSize' in v144) && !('Created' in v144) && 'Container' in v144);
  assert.ok(!('Container' in shapeImageInspect(inspectData, '1.45')) && !('ContainerConfig' in shapeImageInspect(inspectData, '1.45')));
  assert.deepEqual(shapeImageInspect(inspectData, '1.49').Config, inspectData.Config);
  assert.deepEqual(shapeImageInspect(inspectData, '1.50').Config, {
    User: '', Env: ['PATH=/bin'], Entrypoint: null, Cmd: ['sh'], Volumes: null, WorkingDir: '', Labels: null, OnBuild: null,
  });
  const v152 = shapeImageInspect(inspectData, '1.52');
  assert.deepEqual(v152.Config, { Env: ['PATH=/bin'], Cmd: ['sh'] });
  for (const k of ['Parent', 'Comment', 'DockerVersion', 'Author']) assert.ok(!(k in v152), k);
});

test('platform parameters: JSON objects, from their version on', () => {
  assert.equal(platformParams(['{"os":"linux"}'], '1.47', '1.48'), undefined);
  assert.deepEqual(platformParams(['{"os":"linux","architecture":"amd64"}'], '1.48', '1.48'), [{ os: 'linux', architecture: 'amd64' }]);
  assert.throws(() => platformParams(['linux/amd64'], '1.50', '1.48'), { name: 'InvalidParameterError' });
});
