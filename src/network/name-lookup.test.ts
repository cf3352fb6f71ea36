import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lookupName, type NamedContainer } from './name-lookup.js';
import { emptyEndpoint, type EndpointSettings } from './types.js';

const ep = (ip: string, names: string[] | null, links: string[] | null = null): EndpointSettings =>
  ({ ...emptyEndpoint('n'), EndpointID: 'e', IPAddress: ip, DNSNames: names, Links: links });

const all: NamedContainer[] = [
  { name: 'web', networks: { front: ep('10.0.0.2', ['web', 'abc123', 'www']) } },
  { name: 'asker', networks: { front: ep('10.0.0.3', ['asker'], ['web:site']) } },
  { name: 'far', networks: { back: ep('10.1.0.2', ['far']) } },
  { name: 'plain', networks: { bridge: ep('172.17.0.2', null) } },
  { name: 'dual', networks: { front: { ...ep('10.0.0.4', ['dual']), GlobalIPv6Address: 'fd00:be::4', GlobalIPv6PrefixLen: 64 } } },
];
const user = (n: string): boolean => n !== 'bridge';

test('names, aliases, short IDs and link aliases on the asker\'s networks', () => {
  assert.deepEqual(lookupName(all, user, '10.0.0.3', 'web'), ['10.0.0.2']);
  assert.deepEqual(lookupName(all, user, '10.0.0.3', 'www'), ['10.0.0.2']);
  assert.deepEqual(lookupName(all, user, '10.0.0.3', 'abc123'), ['10.0.0.2']);
  assert.deepEqual(lookupName(all, user, '10.0.0.3', 'site'), ['10.0.0.2']);
});

test('nothing across networks, nothing for askers on the default bridge', () => {
  assert.equal(lookupName(all, user, '10.0.0.3', 'far'), undefined);
  assert.equal(lookupName(all, user, '172.17.0.2', 'web'), undefined);
  assert.equal(lookupName(all, user, '10.0.0.3', 'nosuch'), undefined);
});

test('IPv6 (AAAA): the endpoints\' IPv6 addresses; a name without one exists with no address', () => {
  assert.deepEqual(lookupName(all, user, '10.0.0.3', 'dual', 6), ['fd00:be::4']);
  assert.deepEqual(lookupName(all, user, '10.0.0.3', 'dual', 4), ['10.0.0.4']);
  assert.deepEqual(lookupName(all, user, '10.0.0.3', 'web', 6), []);
  assert.equal(lookupName(all, user, '10.0.0.3', 'nosuch', 6), undefined);
});
