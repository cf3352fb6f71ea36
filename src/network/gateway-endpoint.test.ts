import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatewayEndpoint } from './container-networking.js';
import { emptyEndpoint, type NetworkRecord } from './types.js';

const net = (Name: string, Internal = false): NetworkRecord => ({ Name, Internal } as unknown as NetworkRecord);
const ep = (GwPriority: number): ReturnType<typeof emptyEndpoint> => ({ ...emptyEndpoint(), GwPriority });

test('default gateway: highest GwPriority, ties to the name that sorts first, never an internal network', () => {
  const a = net('a'); const b = net('b'); const i = net('i', true);
  assert.equal(gatewayEndpoint([[b, ep(0)], [a, ep(0)]]), a);
  assert.equal(gatewayEndpoint([[a, ep(0)], [b, ep(5)]]), b);
  assert.equal(gatewayEndpoint([[i, ep(9)], [b, ep(-1)]]), b);
  assert.equal(gatewayEndpoint([[i, ep(0)]]), undefined);
});
