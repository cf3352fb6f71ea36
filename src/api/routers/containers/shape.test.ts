import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logsContentType, shapeInspect, shapeSummary } from './shape.js';

test('list shape: State/Mounts from 1.23, HostConfig/NetworkSettings 1.22, ImageID 1.21, Labels 1.18', () => {
  const s = { Id: 'x', Names: ['/a'], State: 'running', Labels: {}, Mounts: [], HostConfig: {}, NetworkSettings: {}, ImageID: 'sha256:y' };
  assert.deepEqual(shapeSummary(s, '1.41'), s);
  assert.deepEqual(Object.keys(shapeSummary(s, '1.22')).sort(), ['HostConfig', 'Id', 'ImageID', 'Labels', 'Names', 'NetworkSettings']);
  assert.deepEqual(Object.keys(shapeSummary(s, '1.21')).sort(), ['Id', 'ImageID', 'Labels', 'Names']);
  assert.deepEqual(Object.keys(shapeSummary(s, '1.18')).sort(), ['Id', 'Labels', 'Names']);
  assert.deepEqual(shapeSummary(s, '1.12'), { Id: 'x', Names: ['/a'] });
});

const current = {
  Id: 'x',
  State: { Status: 'running', Running: true, Dead: false },
  Mounts: [{ Source: '/host', Destination: '/data', RW: false }],
  Platform: 'linux',
  Config: { Image: 'busybox' },
  HostConfig: { Memory: 1024, CpuShares: 2, CpusetCpus: '0', MemorySwap: 0, VolumeDriver: '' },
  NetworkSettings: { Networks: {}, IPAddress: '' },
};

test('inspect 1.41 and 1.24 keep the current shape (minus Platform)', () => {
  assert.deepEqual(shapeInspect(current, '1.41'), current);
  const v124 = shapeInspect(current, '1.24');
  assert.ok(!('Platform' in v124));
  assert.deepEqual(v124.State, current.State);
});

test('inspect 1.18: Volumes/VolumesRW, no Mounts, State without Status/Dead, resources in Config', () => {
  const old = shapeInspect(current, '1.18');
  assert.deepEqual(old.State, { Running: true });
  assert.deepEqual(old.Volumes, { '/data': '/host' });
  assert.deepEqual(old.VolumesRW, { '/data': false });
  assert.ok(!('Mounts' in old));
  assert.equal(old.ExecDriver, 'native-0.2');
  assert.deepEqual(old.Config, {
    Image: 'busybox', Memory: 1024, MemorySwap: 0, CpuShares: 2, Cpuset: '0', VolumeDriver: '',
    MacAddress: '', NetworkDisabled: false, ExposedPorts: null,
  });
  assert.deepEqual(old.NetworkSettings, { IPAddress: '' });
});

test('inspect 1.20 has Mounts but no Status; 1.21 Status but no Dead', () => {
  const v120 = shapeInspect(current, '1.20');
  assert.ok('Mounts' in v120 && !('Volumes' in v120));
  assert.deepEqual(v120.State, { Running: true });
  assert.deepEqual(shapeInspect(current, '1.21').State, { Status: 'running', Running: true });
});

test('logs Content-Type: raw-stream up to 1.41 and for TTY; multiplexed-stream from 1.42 without TTY', () => {
  assert.equal(logsContentType('1.41', false), 'application/vnd.docker.raw-stream');
  assert.equal(logsContentType('1.12', true), 'application/vnd.docker.raw-stream');
  assert.equal(logsContentType('1.42', true), 'application/vnd.docker.raw-stream');
  assert.equal(logsContentType('1.42', false), 'application/vnd.docker.multiplexed-stream');
});
