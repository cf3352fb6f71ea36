import { test } from 'node:test';
import assert from 'node:assert/strict';
import { platformParams, shapeImageInspect, shapeImageSummary } from './shape.js';

test('image list shape: Labels from 1.17 and RepoDigests from 1.18 (CHANGELOG); SharedSize and Containers at every version', () => {
  const s = { Id: 'sha256:x', ParentId: '', RepoTags: ['a:1'], RepoDigests: ['a@sha256:1'], Created: 1, Size: 2, SharedSize: -1, VirtualSize: 2, Labels: null, Containers: -1 };
  assert.deepEqual(shapeImageSummary(s, '1.41'), s);
  assert.deepEqual(Object.keys(shapeImageSummary(s, '1.12')).sort(), ['Containers', 'Created', 'Id', 'ParentId', 'RepoTags', 'SharedSize', 'Size', 'VirtualSize']);
  assert.deepEqual(Object.keys(shapeImageSummary(s, '1.16')).sort(), ['Containers', 'Created', 'Id', 'ParentId', 'RepoTags', 'SharedSize', 'Size', 'VirtualSize']);
  assert.deepEqual(Object.keys(shapeImageSummary(s, '1.17')).sort(), ['Containers', 'Created', 'Id', 'Labels', 'ParentId', 'RepoTags', 'SharedSize', 'Size', 'VirtualSize']);
  assert.deepEqual(Object.keys(shapeImageSummary(s, '1.18')).sort(), ['Containers', 'Created', 'Id', 'Labels', 'ParentId', 'RepoDigests', 'RepoTags', 'SharedSize', 'Size', 'VirtualSize']);
});

test('image list before 1.43: an empty RepoTags or RepoDigests beside a filled one is null (dockerd)', () => {
  const tagged = { Id: 'sha256:x', ParentId: '', RepoTags: ['a:1'], RepoDigests: [], Created: 1, Size: 2, SharedSize: -1, Labels: null, Containers: -1 };
  assert.deepEqual(shapeImageSummary(tagged, '1.41'), { ...tagged, RepoDigests: null, VirtualSize: 2 });
  assert.deepEqual(shapeImageSummary(tagged, '1.24'), { ...tagged, RepoDigests: null, VirtualSize: 2 });
  assert.deepEqual(shapeImageSummary(tagged, '1.43'), { ...tagged, VirtualSize: 2 });
  const digestOnly = { ...tagged, RepoTags: [], RepoDigests: ['a@sha256:1'] };
  assert.deepEqual(shapeImageSummary(digestOnly, '1.42').RepoTags, null);
  assert.deepEqual(shapeImageSummary(digestOnly, '1.55').RepoTags, []);
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

test('image inspect golden at old versions: RepoTags and RepoDigests from 1.21 (CHANGELOG); RootFS and Metadata at every version', () => {
  const v120 = shapeImageInspect(inspectData, '1.20');
  const { RepoTags: _t, RepoDigests: _d, ...rest } = inspectData;
  assert.deepEqual(v120, rest);
  assert.deepEqual(shapeImageInspect(inspectData, '1.12'), rest);
  assert.deepEqual(shapeImageInspect(inspectData, '1.21'), inspectData);
  assert.deepEqual(shapeImageInspect(inspectData, '1.24'), inspectData);
});

test('platform parameters: JSON objects, from their version on', () => {
  assert.equal(platformParams(['{"os":"linux"}'], '1.47', '1.48'), undefined);
  assert.deepEqual(platformParams(['{"os":"linux","architecture":"amd64"}'], '1.48', '1.48'), [{ os: 'linux', architecture: 'amd64' }]);
  assert.throws(() => platformParams(['linux/amd64'], '1.50', '1.48'), { name: 'InvalidParameterError' });
});
