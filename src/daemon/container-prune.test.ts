import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerRecord } from './container.js';
import { prunePredicate } from './container-prune.js';

const rec = (created: string, labels: Record<string, string>): ContainerRecord => ({ created, config: { Labels: labels } }) as unknown as ContainerRecord;
const now = Date.parse('2024-01-02T00:00:00Z');
const old = rec('2024-01-01T00:00:00Z', { keep: 'yes', team: 'a' });
const recent = rec('2024-01-01T23:59:00Z', { team: 'b' });

test('until: created before the time (durations relative to now)', () => {
  const p = prunePredicate({ until: ['1h'] }, now);
  assert.equal(p(old), true);
  assert.equal(p(recent), false);
  assert.equal(prunePredicate({}, now)(recent), true);
});

test('label and label!', () => {
  assert.equal(prunePredicate({ label: ['team=a'] }, now)(old), true);
  assert.equal(prunePredicate({ label: ['team=a'] }, now)(recent), false);
  assert.equal(prunePredicate({ 'label!': ['keep'] }, now)(old), false);
  assert.equal(prunePredicate({ 'label!': ['keep'] }, now)(recent), true);
});

test('invalid prune filters', () => {
  assert.throws(() => prunePredicate({ status: ['exited'] }), /Invalid filter 'status'/);
  assert.throws(() => prunePredicate({ until: ['1h', '2h'] }), /more than one until filter specified/);
  assert.throws(() => prunePredicate({ until: ['soon'] }), /failed to parse value as time or duration: "soon"/);
});
