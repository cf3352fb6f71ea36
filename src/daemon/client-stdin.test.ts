import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { closesStdin, copyClientStdin, type ClientStdinOptions } from './client-stdin.js';

async function* chunks(...parts: string[]): AsyncIterable<Buffer> {
  for (const p of parts) yield Buffer.from(p);
}

function harness(o: Partial<ClientStdinOptions>): { options: ClientStdinOptions; written: () => string; closedIO: () => boolean } {
  const target = new PassThrough();
  const got: Buffer[] = [];
  target.on('data', (c: Buffer) => got.push(c));
  let closed = false;
  return {
    options: {
      target: async () => target, tty: false, detachKeys: Buffer.alloc(0), closeOnEof: true,
      closeIO: async () => { closed = true; }, ...o,
    },
    written: () => Buffer.concat(got).toString(),
    closedIO: () => closed,
  };
}

test('dockerd closes the process stdin only at EOF, with StdinOnce (or exec) and no TTY', () => {
  assert.equal(closesStdin('eof', { tty: false, closeOnEof: true }), true);
  assert.equal(closesStdin('eof', { tty: true, closeOnEof: true }), false);
  assert.equal(closesStdin('eof', { tty: false, closeOnEof: false }), false);
  assert.equal(closesStdin('detach', { tty: true, closeOnEof: true }), false);
});

test('EOF without a TTY: bytes delivered, then CloseIO; the client stream goes on', async () => {
  const h = harness({});
  assert.equal(await copyClientStdin(chunks('a', 'b'), h.options), 'stdin-closed');
  assert.equal(h.written(), 'ab');
  assert.equal(h.closedIO(), true);
});

test('EOF on a TTY (the CLI closing the connection on ctrl-p ctrl-q) keeps stdin open', async () => {
  const h = harness({ tty: true, detachKeys: Buffer.from([16, 17]) });
  assert.equal(await copyClientStdin(chunks('ls\n'), h.options), 'detached');
  assert.equal(h.written(), 'ls\n');
  assert.equal(h.closedIO(), false);
});

test('detach keys end the copy before the rest and keep stdin open', async () => {
  const h = harness({ tty: true, detachKeys: Buffer.from([16, 17]) });
  assert.equal(await copyClientStdin(chunks('x\u0010', '\u0011more'), h.options), 'detached');
  assert.equal(h.written(), 'x');
  assert.equal(h.closedIO(), false);
});
