import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runcOptionsAny } from './runc-options.js';

test('runc options: binary_name is field 6 (length-delimited), under the bare type URL', () => {
  const any = runcOptionsAny({ binaryName: '/usr/bin/crun' });
  assert.equal(any.type_url, 'containerd.runc.v1.Options');
  assert.deepEqual([...any.value.subarray(0, 2)], [0x32, 13]);
  assert.equal(any.value.subarray(2).toString(), '/usr/bin/crun');
  const long = runcOptionsAny({ binaryName: `/${'x'.repeat(199)}` });
  assert.deepEqual([...long.value.subarray(0, 3)], [0x32, 0xc8, 0x01]);
});
