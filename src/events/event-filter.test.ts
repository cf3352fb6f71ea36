import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventMatches } from './event-filter.js';
import type { EventMessage } from './types.js';

const ev = (Type: EventMessage['Type'], Action: string, ID: string, Attributes: Record<string, string> = {}): EventMessage =>
  ({ Type, Action, Actor: { ID, Attributes }, scope: 'local', time: 1, timeNano: 1n });

const c = ev('container', 'start', 'abcdef0123', { name: 'web', image: 'busybox:latest', team: 'a' });
const img = ev('image', 'tag', 'sha256:1234', { name: 'busybox:latest' });

test('container filter: ID prefix or name; other types do not match', () => {
  assert.ok(eventMatches({ container: ['web'] }, c));
  assert.ok(eventMatches({ container: ['abcd'] }, c));
  assert.ok(!eventMatches({ container: ['db'] }, c));
  assert.ok(!eventMatches({ container: ['web'] }, img));
});

test('type, event (fuzzy for exec_* and health_status), label, image, scope', () => {
  assert.ok(eventMatches({ type: ['container'] }, c));
  assert.ok(!eventMatches({ type: ['image'] }, c));
  assert.ok(eventMatches({ event: ['start', 'die'] }, c));
  assert.ok(!eventMatches({ event: ['die'] }, c));
  assert.ok(eventMatches({ event: ['health_status'] }, ev('container', 'health_status: healthy', 'x')));
  assert.ok(!eventMatches({ event: ['health'] }, ev('container', 'health_status: healthy', 'x')));
  assert.ok(eventMatches({ label: ['team=a'] }, c));
  assert.ok(eventMatches({ label: ['team'] }, c));
  assert.ok(!eventMatches({ label: ['team=b'] }, c));
  assert.ok(eventMatches({ image: ['busybox'] }, c));
  assert.ok(eventMatches({ image: ['busybox:latest'] }, img));
  assert.ok(eventMatches({ image: ['sha256:1234'] }, img));
  assert.ok(!eventMatches({ image: ['alpine'] }, img));
  assert.ok(eventMatches({ scope: ['local'] }, c));
  assert.ok(!eventMatches({ scope: ['swarm'] }, c));
  assert.ok(eventMatches({ volume: ['data'] }, ev('volume', 'create', 'data', { driver: 'local' })));
});
