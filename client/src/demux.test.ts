// The demultiplexer against every way a stream can be cut into chunks: headers and payloads split
// anywhere (down to one byte per chunk), empty frames, an error frame, a stream cut inside a frame.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demultiplex } from './demux.js';
import { StreamError } from './errors.js';

const frame = (id: number, payload: Buffer | string): Buffer => {
  const data = Buffer.from(payload);
  const h = Buffer.alloc(8);
  h[0] = id;
  h.writeUInt32BE(data.length, 4);
  return Buffer.concat([h, data]);
};

async function* chunks(all: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
  let at = 0;
  for (const c of [...cuts, all.length]) {
    yield all.subarray(at, c);
    at = c;
  }
}

async function run(all: Buffer, cuts: number[], mode: 'multiplexed' | 'sniff' = 'multiplexed'): Promise<{ stdout: string; stderr: string; frames: number }> {
  const out = { stdout: '', stderr: '', frames: 0 };
  for await (const f of demultiplex(chunks(all, cuts), mode)) { out[f.stream] += f.data.toString(); out.frames++; }
  return out;
}

test('frames cut at every position, and into one-byte chunks, come out whole and in order', async () => {
  const payloads: Array<[number, string]> = [[1, 'out one\n'], [2, 'err one\n'], [1, ''], [1, 'x'.repeat(70_000)], [2, 'e'], [1, 'last\n']];
  const all = Buffer.concat(payloads.map(([id, p]) => frame(id, p)));
  const want = {
    stdout: payloads.filter(([id]) => id === 1).map(([, p]) => p).join(''),
    stderr: payloads.filter(([id]) => id === 2).map(([, p]) => p).join(''),
    frames: payloads.length,
  };
  for (let cut = 0; cut <= 40; cut++) assert.deepEqual(await run(all, [cut]), want, `cut at ${cut}`);
  for (const cut of [70_000, 70_030, all.length - 3]) assert.deepEqual(await run(all, [cut]), want, `cut at ${cut}`);
  assert.deepEqual(await run(all, Array.from({ length: all.length - 1 }, (_, i) => i + 1).filter((i) => i < 100 || i > all.length - 100)), want, 'byte by byte at the ends');
  assert.deepEqual(await run(all, [3, 5, 9, 20, 21], 'sniff'), want, 'sniffed');
});

test('a frame on stream 3 is the server\'s error; a stream cut inside a frame is an error', async () => {
  await assert.rejects(run(Buffer.concat([frame(1, 'ok'), frame(3, 'boom\n')]), [11]), (e: unknown) => e instanceof StreamError && e.message === 'boom');
  const cut = Buffer.concat([frame(1, 'whole'), frame(2, 'cut short')]).subarray(0, 20);
  await assert.rejects(run(cut, [15]), (e: unknown) => e instanceof StreamError && /ended inside a frame/.test(e.message));
  await assert.rejects(run(frame(1, 'abc').subarray(0, 5), []), StreamError);
});

test('sniffing: a stream that does not start with a header passes through raw', async () => {
  const frames: string[] = [];
  for await (const f of demultiplex(chunks(Buffer.from('hello tty world\n'), [3]), 'sniff')) frames.push(`${f.stream}:${f.data.toString()}`);
  assert.equal(frames.map((f) => f.slice('stdout:'.length)).join(''), 'hello tty world\n');
  assert.ok(frames.every((f) => f.startsWith('stdout:')));
});
