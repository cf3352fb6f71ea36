import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shapeInitRequest } from './shape.js';

test('swarm init: DefaultAddrPool/SubnetSize dropped before 1.39, DataPathPort before 1.40', () => {
  const req = { ListenAddr: '0.0.0.0:2377', DefaultAddrPool: ['10.10.0.0/8'], SubnetSize: 24, DataPathPort: 4789 };
  assert.deepEqual(shapeInitRequest(req, '1.41'), req);
  assert.deepEqual(shapeInitRequest(req, '1.39'), { ListenAddr: '0.0.0.0:2377', DefaultAddrPool: ['10.10.0.0/8'], SubnetSize: 24 });
  assert.deepEqual(shapeInitRequest(req, '1.38'), { ListenAddr: '0.0.0.0:2377' });
});
