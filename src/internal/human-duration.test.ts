import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration } from './human-duration.js';

test('matches go-units HumanDuration', () => {
  assert.equal(humanDuration(500), 'Less than a second');
  assert.equal(humanDuration(1000), '1 second');
  assert.equal(humanDuration(5000), '5 seconds');
  assert.equal(humanDuration(61000), 'About a minute');
  assert.equal(humanDuration(5 * 60000), '5 minutes');
  assert.equal(humanDuration(3600000), 'About an hour');
  assert.equal(humanDuration(3 * 86400000), '3 days');
});
