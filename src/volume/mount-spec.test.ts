import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVolumeBind, parseVolumeMount, parseVolumesFrom } from './mount-spec.js';

test('Binds: named and anonymous volumes, modes as inspect shows them; binds left alone', () => {
  assert.deepEqual(parseVolumeBind('data:/d'), { destination: '/d', name: 'data', readOnly: false, mode: 'z', copyData: true, driver: '', driverOpts: {}, labels: {} });
  assert.equal(parseVolumeBind('data:/d:ro')?.readOnly, true);
  assert.equal(parseVolumeBind('data:/d:ro')?.mode, 'ro');
  assert.equal(parseVolumeBind('data:/d:nocopy')?.copyData, false);
  assert.equal(parseVolumeBind('/anon')?.name, '');
  assert.equal(parseVolumeBind('/anon')?.mode, '');
  assert.equal(parseVolumeBind('/host:/d'), undefined);
  assert.throws(() => parseVolumeBind('v1:x'), { message: `invalid volume specification: 'v1:x': invalid mount config for type "volume": invalid mount path: 'x' mount path must be absolute` });
  assert.throws(() => parseVolumeBind('v1:/x:shared'), { message: `invalid volume specification: 'v1:/x:shared': invalid mount config for type "volume": field BindOptions must not be specified` });
  assert.throws(() => parseVolumeBind('v1:/x:foo'), { message: 'invalid mode: foo' });
  assert.throws(() => parseVolumeBind('v1:/x:ro,rw'), { message: 'invalid mode: ro,rw' });
});

test('Mounts type=volume: nocopy, driver options, labels', () => {
  const v = parseVolumeMount({ Type: 'volume', Source: 'm1', Target: '/m1', ReadOnly: true, VolumeOptions: { NoCopy: true, Labels: { a: 'b' }, DriverConfig: { Name: 'local', Options: { type: 'tmpfs', device: 'tmpfs' } } } });
  assert.deepEqual(v, { destination: '/m1', name: 'm1', readOnly: true, mode: 'z', copyData: false, driver: 'local', driverOpts: { type: 'tmpfs', device: 'tmpfs' }, labels: { a: 'b' } });
  assert.equal(parseVolumeMount({ Type: 'volume', Target: '/x' }).name, '');
  assert.throws(() => parseVolumeMount({ Type: 'volume', Target: '/x', BindOptions: {} }), /BindOptions must not be specified/);
});

test('VolumesFrom modes', () => {
  assert.deepEqual(parseVolumesFrom('c1'), { ref: 'c1', readOnly: undefined });
  assert.deepEqual(parseVolumesFrom('c1:ro'), { ref: 'c1', readOnly: true });
  assert.deepEqual(parseVolumesFrom('c1:rw'), { ref: 'c1', readOnly: false });
  assert.throws(() => parseVolumesFrom('c1:bad'), { message: 'invalid mode: bad' });
});
