import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { createFifos, openExistingFifos } from './fifo-io.js';

function readAll(sock: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => (out += d));
    sock.on('end', () => resolve(out));
    sock.on('error', reject);
  });
}

test('createFifos makes FIFOs and reads what a writer sends, until the writer closes', async () => {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'berth-fifo-')), 'c1');
  try {
    const fifos = await createFifos(dir, { stdin: true, terminal: false });
    assert.deepEqual(fifos.paths, {
      stdin: path.join(dir, 'init-stdin'),
      stdout: path.join(dir, 'init-stdout'),
      stderr: path.join(dir, 'init-stderr'),
      terminal: false,
    });
    for (const p of [fifos.paths.stdin, fifos.paths.stdout, fifos.paths.stderr]) assert.ok(fs.statSync(p).isFIFO());
    assert.ok(fifos.stderr && fifos.stdin);

    const out = readAll(fifos.stdout);
    // the "shim" side: a blocking writer is fine here because our read end is already open
    const w = fs.openSync(fifos.paths.stdout, 'w');
    fs.writeSync(w, 'hello ');
    fs.writeSync(w, 'world');
    fs.closeSync(w);
    assert.equal(await out, 'hello world');

    // stdin: what we write comes out of the FIFO for the "shim" to read
    const r = fs.openSync(fifos.paths.stdin, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    await new Promise<void>((resolve) => fifos.stdin!.write('input', () => resolve()));
    const buf = Buffer.alloc(16);
    const n = fs.readSync(r, buf);
    fs.closeSync(r);
    assert.equal(buf.subarray(0, n).toString(), 'input');
    fifos.close();
    fifos.close();
  } finally {
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});

test('terminal processes get no stderr; a prefix names exec FIFOs; existing FIFOs are reopened', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-fifo-'));
  try {
    const a = await createFifos(dir, { stdin: false, terminal: true, prefix: 'exec1' });
    assert.equal(a.paths.stderr, '');
    assert.equal(a.paths.stdin, '');
    assert.equal(a.paths.stdout, path.join(dir, 'exec1-stdout'));
    assert.equal(a.stderr, undefined);
    assert.equal(a.stdin, undefined);
    a.close();
    // same FIFO again (restore path): no mkfifo error, data flows
    const b = await openExistingFifos(a.paths);
    const out = readAll(b.stdout);
    const w = fs.openSync(a.paths.stdout, 'w');
    fs.writeSync(w, 'again');
    fs.closeSync(w);
    assert.equal(await out, 'again');
    b.close();
    const c = await createFifos(dir, { stdin: false, terminal: true, prefix: 'exec1' });
    c.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
