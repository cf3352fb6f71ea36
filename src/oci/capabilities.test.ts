import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveCapabilities, kernelCapabilities, normalizeCapabilities, withCapabilities } from './capabilities.js';
import { buildSpec, DEFAULT_CAPABILITIES } from './spec.js';

test('capability names are normalized; unknown ones are refused with dockerd\'s text', () => {
  assert.deepEqual(normalizeCapabilities(['net_admin', 'CAP_SYS_TIME', 'all']), ['CAP_NET_ADMIN', 'CAP_SYS_TIME', 'ALL']);
  assert.throws(() => normalizeCapabilities(['FOO']), { message: 'unknown capability: "CAP_FOO"' });
});

test('drops apply to the defaults, adds on top, ALL expands, privileged gets everything', () => {
  const caps = effectiveCapabilities(['NET_ADMIN'], ['CHOWN'], false);
  assert.ok(caps.includes('CAP_NET_ADMIN'));
  assert.ok(!caps.includes('CAP_CHOWN'));
  assert.equal(caps.length, DEFAULT_CAPABILITIES.length);
  assert.deepEqual(effectiveCapabilities(['CHOWN'], ['ALL'], false), ['CAP_CHOWN']);
  assert.deepEqual(effectiveCapabilities(['ALL'], [], false), kernelCapabilities());
  assert.deepEqual(effectiveCapabilities([], ['ALL'], true), kernelCapabilities());
  const spec = buildSpec([withCapabilities(['CAP_KILL'])]);
  assert.deepEqual(spec.process.capabilities, { bounding: ['CAP_KILL'], effective: ['CAP_KILL'], permitted: ['CAP_KILL'] });
});
