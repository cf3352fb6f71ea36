import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractBoolFlags } from './bool-flags.js';

test('boolean flags with and without a value; absent ones stay absent', () => {
  const r = extractBoolFlags(['--tls=false', '-H', 'tcp://x:1', '--tlsverify', '--other=1'], ['tls', 'tlsverify', 'live-restore']);
  assert.deepEqual(r.rest, ['-H', 'tcp://x:1', '--other=1']);
  assert.equal(r.values.get('tls'), false);
  assert.equal(r.values.get('tlsverify'), true);
  assert.equal(r.values.has('live-restore'), false);
  assert.throws(() => extractBoolFlags(['--tls=maybe'], ['tls']), /invalid argument "maybe" for "--tls" flag/);
});
