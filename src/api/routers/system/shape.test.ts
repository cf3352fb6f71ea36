import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shapeInfo, shapeVersion } from './shape.js';
import type { VersionResult } from './backend.js';

const v: VersionResult = {
  Platform: { Name: 'Berth' }, Components: [], Version: '0.1.0', ApiVersion: '1.41', MinAPIVersion: '1.12',
  GitCommit: '', GoVersion: 'node', Os: 'linux', Arch: 'amd64', KernelVersion: '6', BuildTime: '',
};

test('version: components only from 1.35, MinAPIVersion from 1.25', () => {
  assert.ok('Components' in shapeVersion(v, '1.41'));
  assert.ok(!('Components' in shapeVersion(v, '1.30')));
  assert.ok('MinAPIVersion' in shapeVersion(v, '1.30'));
  assert.ok(!('MinAPIVersion' in shapeVersion(v, '1.12')));
});

test('info: state counts only from 1.24', () => {
  const info = { Containers: 3, ContainersRunning: 1, ContainersPaused: 0, ContainersStopped: 2 };
  assert.deepEqual(shapeInfo(info, '1.18'), { Containers: 3 });
  assert.deepEqual(shapeInfo(info, '1.41'), info);
});
