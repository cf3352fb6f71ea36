import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VolumeInfo } from './backend.js';
import { shapeVolume, shapeVolumeList } from './shape.js';

const v: VolumeInfo = { CreatedAt: '2024-01-01T00:00:00Z', Driver: 'local', Labels: null, Mountpoint: '/m', Name: 'n', Options: { type: 'tmpfs', device: 'tmpfs' }, Scope: 'local' };

test('volume shapes per version: CreatedAt 1.31, Options 1.25, Scope 1.24, Labels and Warnings 1.23', () => {
  assert.equal(shapeVolume(v, '1.55'), v);
  assert.deepEqual(Object.keys(shapeVolume(v, '1.30')), ['Driver', 'Labels', 'Mountpoint', 'Name', 'Options', 'Scope']);
  assert.deepEqual(Object.keys(shapeVolume(v, '1.24')), ['Driver', 'Labels', 'Mountpoint', 'Name', 'Scope']);
  assert.deepEqual(Object.keys(shapeVolume(v, '1.23')), ['Driver', 'Labels', 'Mountpoint', 'Name']);
  assert.deepEqual(shapeVolumeList({ Volumes: [v], Warnings: null }, '1.21'), { Volumes: [{ Driver: 'local', Mountpoint: '/m', Name: 'n' }] });
  assert.deepEqual(Object.keys(shapeVolumeList({ Volumes: [], Warnings: null }, '1.23')), ['Volumes', 'Warnings']);
});
