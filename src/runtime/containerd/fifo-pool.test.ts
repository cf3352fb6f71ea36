import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { createFifos } from './fifo-io.js';
import { FifoPool } from './fifo-pool.js';

test('the pool hands out FIFOs by rename, refills itself, and makes them on the spot when empty', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-fifo-pool-'));
  try {
    fs.mkdirSync(path.join(root, 'pool'));
    fs.writeFileSync(path.join(root, 'pool', 'stale'), 'left by a previous daemon');
    const pool = new FifoPool(path.join(root, 'pool'), { batch: 4, low: 2 });
    assert.deepEqual(fs.readdirSync(path.join(root, 'pool')), [], 'leftovers are removed');
    await pool.warm();
    assert.equal(pool.size, 4);
    // more than the pool holds: 4 renamed, the rest made by mkfifo; every one a FIFO
    const targets = Array.from({ length: 6 }, (_, i) => path.join(root, `f${i}`));
    await pool.place(targets);
    for (const t of targets) assert.ok(fs.statSync(t).isFIFO(), t);
    assert.equal(fs.statSync(targets[0]!).mode & 0o777, 0o600);
    await pool.warm();
    assert.ok(pool.size >= 2, `refilled: ${pool.size}`);

    const fifos = await createFifos(path.join(root, 'c1'), { stdin: true, terminal: false }, pool);
    for (const p of [fifos.paths.stdin, fifos.paths.stdout, fifos.paths.stderr]) assert.ok(fs.statSync(p).isFIFO());
    // a writer's bytes arrive at our read end
    const got = new Promise<string>((resolve) => fifos.stdout.once('data', (b: Buffer) => resolve(b.toString())));
    const w = fs.openSync(fifos.paths.stdout, fs.constants.O_WRONLY);
    fs.writeSync(w, 'hello');
    assert.equal(await got, 'hello');
    fs.closeSync(w);
    fifos.close();
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
