import { test } from 'node:test';
import assert from 'node:assert/strict';
import { portMap, portRequests, summaryPorts } from './port-bindings.js';

test('port requests from bindings, ranges and -P', () => {
  const r = portRequests({ '80/tcp': {}, '53/udp': {}, '9000/tcp': {} }, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }], '81/tcp': [{ HostPort: '9000-9002' }] }, true);
  assert.deepEqual(r.map((p) => [p.key, p.hostIp, p.hostPortFrom, p.hostPortTo]), [
    ['80/tcp', '127.0.0.1', 8080, 8080], ['81/tcp', '', 9000, 9002], ['53/udp', '', 0, 0], ['9000/tcp', '', 0, 0],
  ]);
  assert.throws(() => portRequests(null, { 'x/tcp': [] }, false), /invalid port specification/);
  assert.throws(() => portRequests(null, { '80/tcp': [{ HostPort: 'abc' }] }, false), /invalid port specification/);
});

test('NetworkSettings.Ports and the list Ports', () => {
  const ports = portMap({ '80/tcp': {}, '443/tcp': {} }, { '80/tcp': [] }, [{ key: '80/tcp', hostIp: '127.0.0.1', hostPort: 8080 }]);
  assert.deepEqual(ports, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }], '443/tcp': null });
  assert.deepEqual(summaryPorts(ports), [
    { IP: '127.0.0.1', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }, { PrivatePort: 443, Type: 'tcp' },
  ]);
});
