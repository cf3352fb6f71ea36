import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrText, contains, intToIp, ipToInt, macFromIp, nextFree, overlaps, parseAddressPool, parseAddrPrefix, parseCidr, pickSubnet } from './ipam.js';

test('addresses and CIDRs parse and print', () => {
  assert.equal(ipToInt('10.1.2.3'), 0x0a010203);
  assert.equal(intToIp(0xac110001), '172.17.0.1');
  assert.equal(ipToInt('256.1.1.1'), undefined);
  assert.equal(cidrText(parseCidr('172.17.5.9/16')!), '172.17.0.0/16');
  assert.equal(parseCidr('172.17.5.9/16', true), undefined);
  assert.equal(parseCidr('nonsense'), undefined);
  const bip = parseAddrPrefix('10.9.0.7/24')!;
  assert.equal(intToIp(bip.addr), '10.9.0.7');
  assert.equal(cidrText(bip.cidr), '10.9.0.0/24');
});

test('overlap and containment', () => {
  assert.equal(overlaps(parseCidr('10.0.0.0/8')!, parseCidr('10.5.0.0/16')!), true);
  assert.equal(overlaps(parseCidr('10.0.0.0/25')!, parseCidr('10.0.0.128/25')!), false);
  assert.equal(contains(parseCidr('10.0.0.0/24')!, ipToInt('10.0.0.200')!), true);
  assert.equal(contains(parseCidr('10.0.0.0/24')!, ipToInt('10.0.1.1')!), false);
});

test('the next free address skips network, broadcast and what is taken, within the range', () => {
  const subnet = parseCidr('10.0.0.0/24')!;
  const taken = new Set([ipToInt('10.0.0.1')!, ipToInt('10.0.0.2')!]);
  assert.equal(intToIp(nextFree(subnet, undefined, taken)!), '10.0.0.3');
  assert.equal(intToIp(nextFree(subnet, parseCidr('10.0.0.128/25'), taken)!), '10.0.0.128');
  const full = new Set(Array.from({ length: 254 }, (_, i) => subnet.base + 1 + i));
  assert.equal(nextFree(subnet, undefined, full), undefined);
});

test('subnets come from the pools, avoiding those in use', () => {
  const pools = [parseAddressPool('base=10.10.0.0/16,size=24')];
  assert.equal(cidrText(pickSubnet(pools, [])!), '10.10.0.0/24');
  assert.equal(cidrText(pickSubnet(pools, [parseCidr('10.10.0.0/23')!])!), '10.10.2.0/24');
  assert.throws(() => parseAddressPool('base=10.10.0.0/16,size=8'), /invalid default address pool/);
});

test('MAC addresses derive from the IPv4 address as dockerd does', () => {
  assert.equal(macFromIp(ipToInt('172.17.0.2')!), '02:42:ac:11:00:02');
});
