import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventMessage } from '../../../events/types.js';
import { negotiateEventsContentType } from './routes.js';
import { shapeEvent } from './shape.js';

const start: EventMessage = {
  Type: 'container', Action: 'start', Actor: { ID: 'abc', Attributes: { image: 'busybox', name: 'web' } },
  scope: 'local', time: 1700000000, timeNano: 1700000000123456789n,
};
const vol: EventMessage = { ...start, Type: 'volume', Action: 'create', Actor: { ID: 'data', Attributes: { driver: 'local' } } };

test('pre-1.22 shape: status/id/from/time (timeNano from 1.21); only container and image events', () => {
  assert.equal(shapeEvent(start, '1.20'), '{"status":"start","id":"abc","from":"busybox","time":1700000000}');
  assert.equal(shapeEvent(start, '1.21'), '{"status":"start","id":"abc","from":"busybox","time":1700000000,"timeNano":1700000000123456789}');
  assert.equal(shapeEvent(vol, '1.21'), undefined);
});

test('1.22–1.51 carry both forms, scope from 1.30; 1.52 drops the old fields', () => {
  assert.equal(shapeEvent(start, '1.24'),
    '{"status":"start","id":"abc","from":"busybox","Type":"container","Action":"start","Actor":{"ID":"abc","Attributes":{"image":"busybox","name":"web"}},"time":1700000000,"timeNano":1700000000123456789}');
  assert.equal(shapeEvent(vol, '1.41'),
    '{"Type":"volume","Action":"create","Actor":{"ID":"data","Attributes":{"driver":"local"}},"scope":"local","time":1700000000,"timeNano":1700000000123456789}');
  assert.equal(shapeEvent(start, '1.52'),
    '{"Type":"container","Action":"start","Actor":{"ID":"abc","Attributes":{"image":"busybox","name":"web"}},"scope":"local","time":1700000000,"timeNano":1700000000123456789}');
});

test('content negotiation from 1.52 (jsonl from 1.53)', () => {
  assert.equal(negotiateEventsContentType('application/x-ndjson', '1.51'), 'application/json');
  assert.equal(negotiateEventsContentType('application/x-ndjson', '1.52'), 'application/x-ndjson');
  assert.equal(negotiateEventsContentType('application/jsonl', '1.52'), 'application/json');
  assert.equal(negotiateEventsContentType('text/plain, application/jsonl', '1.53'), 'application/jsonl');
  assert.equal(negotiateEventsContentType('application/json-seq', '1.55'), 'application/json-seq');
  assert.equal(negotiateEventsContentType(undefined, '1.55'), 'application/json');
});
