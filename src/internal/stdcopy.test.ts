import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { Demuxer, frame, StreamId, writeFrame } from './stdcopy.js';

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

test('writeFrame: small payloads copied into one frame, large ones as header + payload in one corked write', async () => {
  const calls: Buffer[][] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) { calls.push([chunk]); cb(); },
    writev(chunks, cb) { calls.push(chunks.map((c) => c.chunk as Buffer)); cb(); },
  });
  const small = Buffer.from('hello');
  const large = Buffer.alloc(64 * 1024, 7);
  assert.equal(writeFrame(out, StreamId.Stdout, small), true);
  writeFrame(out, StreamId.Stderr, large);
  await new Promise((r) => setImmediate(r));
  assert.equal(calls.length, 2);
  assert.deepEqual(Buffer.concat(calls.flat()), Buffer.concat([frame(StreamId.Stdout, small), frame(StreamId.Stderr, large)]));
  // the large payload is passed on as it is, not copied
  assert.equal(calls[1]!.length, 2);
  assert.equal(calls[1]![1], large);
});
