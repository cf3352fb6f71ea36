import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilterTime, parseGoDuration } from './go-time.js';

test('Go durations', () => {
  assert.equal(parseGoDuration('10m'), 600_000);
  assert.equal(parseGoDuration('24h'), 24 * 3_600_000);
  assert.equal(parseGoDuration('1h30m'), 5_400_000);
  assert.equal(parseGoDuration('1.5s'), 1500);
  assert.equal(parseGoDuration('-2s'), -2000);
  assert.equal(parseGoDuration('10'), undefined);
  assert.equal(parseGoDuration('abc'), undefined);
});

test('filter times: durations before now, unix seconds, dates; junk is a 400', () => {
  const now = Date.parse('2024-01-01T12:00:00Z');
  assert.equal(parseFilterTime('1h', now).toISOString(), '2024-01-01T11:00:00.000Z');
  assert.equal(parseFilterTime('1700000000', now).getTime(), 1_700_000_000_000);
  assert.equal(parseFilterTime('1700000000.5', now).getTime(), 1_700_000_000_500);
  assert.equal(parseFilterTime('2023-06-01T10:00:00Z', now).toISOString(), '2023-06-01T10:00:00.000Z');
  assert.throws(() => parseFilterTime('yesterday', now), { name: 'InvalidParameterError', message: 'failed to parse value as time or duration: "yesterday"' });
});
