import { test } from 'node:test';
import assert from 'node:assert/strict';
import dnsPacket from 'dns-packet';
import { answer } from './dns-server.js';

const rcode = (b: Buffer): string => (dnsPacket.decode(b) as unknown as { rcode: string }).rcode;

const query = (name: string, type: 'A' | 'AAAA'): Buffer =>
  dnsPacket.encode({ type: 'query', id: 7, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name, class: 'IN' }] });

const lookup = (client: string, name: string, family: 4 | 6): string[] | undefined => {
  if (client !== '10.0.0.3') return undefined;
  if (name === 'web') return family === 4 ? ['10.0.0.2'] : [];
  if (name === 'dual') return family === 4 ? ['10.0.0.4'] : ['fd00:be::4'];
  return undefined;
};

test('known names get their A records, AAAA an empty answer', () => {
  const a = dnsPacket.decode(answer(query('web.', 'A'), '10.0.0.3', lookup)!);
  assert.equal(a.id, 7);
  assert.equal(rcode(answer(query('web.', 'A'), '10.0.0.3', lookup)!), 'NOERROR');
  assert.deepEqual(a.answers?.map((x) => (x as { data: string }).data), ['10.0.0.2']);
  const aaaa = dnsPacket.decode(answer(query('WEB', 'AAAA'), '10.0.0.3', lookup)!);
  assert.equal(rcode(answer(query('WEB', 'AAAA'), '10.0.0.3', lookup)!), 'NOERROR');
  assert.deepEqual(aaaa.answers, []);
});

test('unknown names, and askers the network does not know, get SERVFAIL (nothing is forwarded)', () => {
  assert.equal(rcode(answer(query('example.com', 'A'), '10.0.0.3', lookup)!), 'SERVFAIL');
  assert.equal(rcode(answer(query('web', 'A'), '10.0.0.9', lookup)!), 'SERVFAIL');
  assert.equal(answer(Buffer.from('junk'), '10.0.0.3', lookup), undefined);
});

test('names with an IPv6 address get their AAAA records', () => {
  const aaaa = dnsPacket.decode(answer(query('dual', 'AAAA'), '10.0.0.3', lookup)!);
  assert.deepEqual(aaaa.answers?.map((x) => [x.type, (x as { data: string }).data]), [['AAAA', 'fd00:be::4']]);
  const a = dnsPacket.decode(answer(query('dual', 'A'), '10.0.0.3', lookup)!);
  assert.deepEqual(a.answers?.map((x) => (x as { data: string }).data), ['10.0.0.4']);
});
