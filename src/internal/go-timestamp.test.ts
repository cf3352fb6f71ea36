import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoDuration, parseTimestamp } from './go-timestamp.js';

test('Go durations', () => {
  assert.equal(parseGoDuration('24h'), 24 * 3_600_000);
  assert.equal(parseGoDuration('1h30m'), 90 * 60_000);
  assert.equal(parseGoDuration('1.5s'), 1500);
  assert.equal(parseGoDuration('10m'), 600_000);
  assert.equal(parseGoDuration('-2s'), -2000);
  assert.equal(parseGoDuration('10'), undefined);
  assert.equal(parseGoDuration('abc'), undefined);
});

test('timestamps: durations before now, unix seconds, RFC 3339; garbage is a 400', () => {
  const now = Date.parse('2024-01-02T00:00:00Z');
  assert.equal(parseTimestamp('1h', now), now - 3_600_000);
  assert.equal(parseTimestamp('1700000000', now), 1_700_000_000_000);
  assert.equal(parseTimestamp('1700000000.5', now), 1_700_000_000_500);
  assert.equal(parseTimestamp('2024-01-01T00:00:00Z', now), Date.parse('2024-01-01T00:00:00Z'));
  assert.throws(() => parseTimestamp('yesterday', now), { name: 'InvalidParameterError', message: 'failed to parse value as time or duration: "yesterday"' });
});
