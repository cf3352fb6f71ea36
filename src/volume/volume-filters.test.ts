import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listPredicate, prunePredicate, type FilterableVolume } from './volume-filters.js';

const vols: FilterableVolume[] = [
  { name: 'data1', driver: 'local', labels: { k: 'v' }, inUse: true },
  { name: 'cache', driver: 'local', labels: { k: 'w' }, inUse: false },
  { name: 'other', driver: 'local', labels: {}, inUse: false },
];
const names = (p: (v: FilterableVolume) => boolean): string[] => vols.filter(p).map((v) => v.name);

test('volume list filters: dangling, name (part), driver (whole), label', () => {
  assert.deepEqual(names(listPredicate({})), ['data1', 'cache', 'other']);
  assert.deepEqual(names(listPredicate({ dangling: ['true'] })), ['cache', 'other']);
  assert.deepEqual(names(listPredicate({ dangling: ['0'] })), ['data1']);
  assert.deepEqual(names(listPredicate({ name: ['ata', 'ach'] })), ['data1', 'cache']);
  assert.deepEqual(names(listPredicate({ driver: ['loc'] })), []);
  assert.deepEqual(names(listPredicate({ label: ['k'] })), ['data1', 'cache']);
  assert.deepEqual(names(listPredicate({ label: ['k=w'] })), ['cache']);
  assert.throws(() => listPredicate({ dangling: ['maybe'] }), { message: "Invalid filter 'dangling=[maybe]'" });
  assert.throws(() => listPredicate({ bogus: ['x'] }), { message: "Invalid filter 'bogus'" });
});

test('volume prune filters: unused only, label and label!, all from 1.42', () => {
  assert.deepEqual(names(prunePredicate({}, true).matches), ['cache', 'other']);
  assert.deepEqual(names(prunePredicate({ label: ['k'] }, true).matches), ['cache']);
  assert.deepEqual(names(prunePredicate({ 'label!': ['k'] }, true).matches), ['other']);
  assert.equal(prunePredicate({ all: ['true'] }, true).all, true);
  assert.throws(() => prunePredicate({ all: ['true'] }, false), { message: "Invalid filter 'all'" });
});
