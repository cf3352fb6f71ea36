import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Readable, Writable } from 'node:stream';
import { parseDetachKeys } from './detach-keys.js';
import { pumpOutput, pumpStdin, waitForDrain } from './stream-pumps.js';

test('pumpStdin copies until EOF, or stops at the detach keys without forwarding them', async () => {
  const out: Buffer[] = [];
  const sink = new Writable({ write(c: Buffer, _e, cb) { out.push(c); cb(); } });
  const how = await pumpStdin(Readable.from([Buffer.from('ab'), Buffer.from('c')]), async () => sink, Buffer.alloc(0));
  assert.equal(how, 'eof');
  assert.equal(Buffer.concat(out).toString(), 'abc');
  out.length = 0;
  const keys = parseDetachKeys('ctrl-p,ctrl-q');
  const detached = await pumpStdin(Readable.from([Buffer.from([104, 16]), Buffer.from([17, 105])]), async () => sink, keys);
  assert.equal(detached, 'detach');
  assert.deepEqual([...Buffer.concat(out)], [104]);
});

test('pumpOutput pauses the source while the consumer is behind and resolves at its end', async () => {
  const source = new PassThrough();
  const seen: string[] = [];
  let release: () => void = () => undefined;
  const done = pumpOutput(source, (c) => {
    seen.push(c.toString());
    return seen.length === 1 ? new Promise<void>((r) => { release = r; }) : undefined;
  });
  source.write('one');
  await new Promise((r) => setImmediate(r));
  assert.equal(source.isPaused(), true);
  release();
  await new Promise((r) => setImmediate(r));
  assert.equal(source.isPaused(), false);
  source.end('two');
  await done;
  assert.deepEqual(seen, ['one', 'two']);
});

test('waitForDrain resolves at once for a writable that is not full', async () => {
  await waitForDrain(new PassThrough());
});
