import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pickUlaSubnet, bigToIp6, cidr6Text, contains6, firstHost6, ip6ToBig, nextFree6, overlaps6, parseCidr6 } from './ipam6.js';

test('IPv6 text round-trips in RFC 5952 form', () => {
  for (const [a, b] of [['fd00:1::', 'fd00:1::'], ['FD00:0001:0:0:0:0:0:5', 'fd00:1::5'], ['::1', '::1'], ['::', '::'],
    ['fd00:0:0:1:0:0:0:1', 'fd00:0:0:1::1'], ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], ['fd00:1:2:3:4:5:6:7', 'fd00:1:2:3:4:5:6:7'],
    ['::ffff:1.2.3.4', '::ffff:102:304']] as const) {
    assert.equal(bigToIp6(ip6ToBig(a)!), b);
  }
  assert.equal(ip6ToBig('fd00::g'), undefined);
  assert.equal(ip6ToBig('10.0.0.1'), undefined);
});

test('IPv6 subnets: parse, contain, overlap, gateway and next free address', () => {
  const s = parseCidr6('fd00:be:1::7/64')!;
  assert.equal(cidr6Text(s), 'fd00:be:1::/64');
  assert.equal(parseCidr6('fd00::/129'), undefined);
  assert.ok(contains6(s, ip6ToBig('fd00:be:1::ffff')!));
  assert.ok(!contains6(s, ip6ToBig('fd00:be:2::1')!));
  assert.ok(overlaps6(s, parseCidr6('fd00:be::/32')!));
  assert.ok(!overlaps6(s, parseCidr6('fd00::/64')!));
  const gw = firstHost6(s);
  assert.equal(bigToIp6(gw), 'fd00:be:1::1');
  assert.equal(bigToIp6(nextFree6(s, undefined, new Set([gw]))!), 'fd00:be:1::2');
  assert.equal(bigToIp6(nextFree6(s, parseCidr6('fd00:be:1::100/120'), new Set([gw]))!), 'fd00:be:1::100');
});

test('the default IPv6 pool: a ULA /64 of the host\'s /48, the next one when it is in use', () => {
  const first = pickUlaSubnet('seed', [])!;
  assert.match(cidr6Text(first), /^fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::\/64$/);
  assert.equal(cidr6Text(pickUlaSubnet('seed', [])!), cidr6Text(first));
  const second = pickUlaSubnet('seed', [first])!;
  assert.equal(second.base - first.base, 1n << 64n);
});
