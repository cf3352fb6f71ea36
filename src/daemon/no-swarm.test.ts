import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidParameterError, NotImplementedError, SwarmUnavailableError, statusCodeOf } from '../errdefs/index.js';
import { NOT_A_MANAGER, NOT_IN_SWARM, NoSwarm } from './no-swarm.js';

const s = new NoSwarm();

test('outside a swarm: manager requests and unlock say "not a swarm manager", leave "not part of a swarm", both 503', async () => {
  await assert.rejects(s.clusterRequest({ op: 'list', object: 'node', filters: {} }), (e: Error) => e instanceof SwarmUnavailableError && e.message === NOT_A_MANAGER);
  await assert.rejects(s.swarmUnlock(), (e: Error) => e instanceof SwarmUnavailableError && e.message === NOT_A_MANAGER);
  await assert.rejects(s.swarmLeave(), (e: Error) => e instanceof SwarmUnavailableError && e.message === NOT_IN_SWARM);
  assert.equal(statusCodeOf(new SwarmUnavailableError(NOT_A_MANAGER)), 503);
  assert.equal(NOT_A_MANAGER, 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.');
});

test('init and join: dockerd\'s request checks, then not implemented', async () => {
  await assert.rejects(s.swarmInit({}), (e: Error) => e instanceof InvalidParameterError && e.message === 'invalid ListenAddr "": invalid empty address');
  await assert.rejects(s.swarmInit({ ListenAddr: '0.0.0.0:2377', Spec: { Name: 'other' } }), { message: 'swarm spec must be named "default"' });
  await assert.rejects(s.swarmInit({ ListenAddr: '0.0.0.0:2377' }), NotImplementedError);
  await assert.rejects(s.swarmJoin({ ListenAddr: '0.0.0.0:2377' }), { message: 'at least 1 RemoteAddr is required to join' });
  await assert.rejects(s.swarmJoin({ ListenAddr: '0.0.0.0:2377', RemoteAddrs: [''] }), { message: 'invalid remoteAddr "": invalid empty address' });
  await assert.rejects(s.swarmJoin({ ListenAddr: '0.0.0.0:2377', RemoteAddrs: ['10.0.0.1:2377'] }), NotImplementedError);
});
