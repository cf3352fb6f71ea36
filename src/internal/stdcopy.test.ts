import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Demuxer, frame, StreamId } from './stdcopy.js';

test('frame writes the 8-byte header and payload', () => {
  const f = frame(StreamId.Stderr, Buffer.from('hi'));
  assert.deepEqual([...f], [2, 0, 0, 0, 0, 0, 0, 2, 104, 105]);
});

test('demuxer reassembles frames split across chunks', () => {
  const seen: Array<[number, string]> = [];
  const d = new Demuxer((s, p) => seen.push([s, p.toString()]));
  const all = Buffer.concat([frame(StreamId.Stdout, Buffer.from('hello ')), frame(StreamId.Stderr, Buffer.from('err'))]);
  for (let i = 0; i < all.length; i += 3) d.push(all.subarray(i, i + 3));
  assert.deepEqual(seen, [[1, 'hello '], [2, 'err']]);
});
