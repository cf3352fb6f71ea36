import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkSummary } from './backend.js';
import { shapeConnectRequest, shapeNetwork } from './shape.js';

const n: NetworkSummary = {
  Name: 'n', Id: 'i', Created: 'c', Scope: 'local', Driver: 'bridge', EnableIPv4: true, EnableIPv6: false,
  IPAM: { Driver: 'default', Options: {}, Config: [] }, Internal: false, Attachable: false, Ingress: false,
  ConfigFrom: { Network: '' }, ConfigOnly: false, Containers: {}, Options: {}, Labels: {},
};

test('networks per version', () => {
  assert.deepEqual(Object.keys(shapeNetwork(n, '1.55', true)), Object.keys(n).filter((k) => k !== 'Containers'));
  assert.equal('Containers' in shapeNetwork(n, '1.55', false), true);
  assert.equal('Containers' in shapeNetwork(n, '1.27', true), true);
  assert.equal('EnableIPv4' in shapeNetwork(n, '1.46', false), false);
  const v121 = shapeNetwork(n, '1.21', false);
  for (const k of ['Created', 'Attachable', 'Ingress', 'ConfigOnly', 'Internal', 'EnableIPv6', 'Labels']) assert.equal(k in v121, false, k);
  assert.deepEqual(Object.keys(v121), ['Name', 'Id', 'Scope', 'Driver', 'IPAM', 'Containers', 'Options']);
});

test('inspect\'s Status is 1.52\'s; connect\'s GwPriority 1.48\'s, its MacAddress kept at every version', () => {
  const status = { IPAM: { Subnets: { '10.0.0.0/24': { IPsInUse: 4, DynamicIPsAvailable: 252 } } } };
  assert.deepEqual(shapeNetwork({ ...n, Status: status }, '1.52', false).Status, status);
  assert.equal('Status' in shapeNetwork({ ...n, Status: status }, '1.51', false), false);
  assert.deepEqual(shapeConnectRequest({ GwPriority: 3, MacAddress: 'm' }, '1.47'), { MacAddress: 'm' });
  assert.deepEqual(shapeConnectRequest({ GwPriority: 3, MacAddress: 'm' }, '1.48'), { GwPriority: 3, MacAddress: 'm' });
});
