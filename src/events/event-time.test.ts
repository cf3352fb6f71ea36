import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEventTime } from './event-time.js';

test('since/until: unix seconds with fractions, durations in whole seconds, RFC 3339, junk is a 400', () => {
  const now = Date.parse('2024-01-01T12:00:00.750Z');
  assert.equal(parseEventTime(undefined, now), undefined);
  assert.equal(parseEventTime('', now), undefined);
  assert.equal(parseEventTime('1700000000', now), 1_700_000_000_000_000_000n);
  assert.equal(parseEventTime('1700000000.5', now), 1_700_000_000_500_000_000n);
  assert.equal(parseEventTime('1700000000.000000001', now), 1_700_000_000_000_000_001n);
  assert.equal(parseEventTime('0s', now), BigInt(Date.parse('2024-01-01T12:00:00Z')) * 1_000_000n);
  assert.equal(parseEventTime('10m', now), BigInt(Date.parse('2024-01-01T11:50:00Z')) * 1_000_000n);
  assert.equal(parseEventTime('2023-06-01T10:00:00.123456789Z', now), BigInt(Date.parse('2023-06-01T10:00:00Z')) * 1_000_000n + 123_456_789n);
  assert.equal(parseEventTime('2023-06-01T10:00:00+02:00', now), BigInt(Date.parse('2023-06-01T08:00:00Z')) * 1_000_000n);
  assert.throws(() => parseEventTime('yesterday', now), /strconv.ParseInt: parsing "yesterday": invalid syntax/);
});
