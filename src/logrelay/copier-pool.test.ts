import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mkfifos } from '../runtime/containerd/fifo-pool.js';
import { copierAlive } from './copier.js';
import { CopierPool } from './copier-pool.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-copiers-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(what: string, fn: () => boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (fn()) return;
    await sleep(20);
  }
  assert.fail(`timed out waiting for ${what}`);
}

function alive(pid: number): boolean {
  try {
    return !/\) [ZX] /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch { return false; }
}

/** Takes a copier, retrying while the pool's are still on their way to open(2). */
async function takeOne(pool: CopierPool, fifo: string, spool: string): Promise<NonNullable<ReturnType<CopierPool['take']>>> {
  for (let i = 0; i < 500; i++) {
    const c = pool.take(fifo, spool);
    if (c) return c;
    await sleep(20);
  }
  assert.fail('the pool never handed out a copier');
}

test('nothing is spawned before the first take; a taken copier copies its renamed FIFO into its renamed spool, byte for byte', async () => {
  const dir = path.join(tmp, 'pool1');
  const pool = new CopierPool(dir, { size: 2, makeFifos: mkfifos });
  assert.equal(pool.available, 0);
  assert.equal(fs.existsSync(dir), false);
  assert.equal(pool.take(path.join(tmp, 'x'), path.join(tmp, 'x.spool')), undefined); // empty: the caller spawns
  await until('a filled pool, one bigger for the miss', () => pool.available === 3);

  const cdir = path.join(tmp, 'c1');
  fs.mkdirSync(cdir);
  const fifo = path.join(cdir, 'init-stdout');
  const spool = `${fifo}.spool`;
  const copier = await takeOne(pool, fifo, spool);
  assert.ok(fs.statSync(fifo).isFIFO());
  assert.ok(copierAlive(copier.pid, spool), 'known by its stdout, the renamed spool');
  const payload = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
  const w = fs.openSync(fifo, 'w'); // the shim's open: meets the copier's, begun on the pool's name
  fs.writeSync(w, payload);
  fs.closeSync(w);
  await until('the copier to end at EOF', () => !alive(copier.pid)); // (it is unref'd: its exit event keeps no test alive)
  assert.deepEqual(fs.readFileSync(spool), payload);
  await until('the pool refilled', () => pool.available >= 3);
  pool.dispose();
  assert.equal(pool.available, 0);
});

test('a new pool on the same directory ends the copiers an earlier berthd left idle, not those serving a container', async () => {
  const dir = path.join(tmp, 'pool2');
  const first = new CopierPool(dir, { size: 3, makeFifos: mkfifos });
  first.refill();
  await until('a filled pool', () => first.available === 3);
  const cdir = path.join(tmp, 'c2');
  fs.mkdirSync(cdir);
  const fifo = path.join(cdir, 'init-stdout');
  const serving = await takeOne(first, fifo, `${fifo}.spool`);
  const w = fs.openSync(fifo, 'w');
  await until('the copier to open its FIFO', () => fs.readFileSync(`/proc/${serving.pid}/wchan`, 'utf8') !== 'wait_for_partner');
  await until('the refill', () => first.available >= 3);
  const pids = ((first as unknown as { ready: { pid: number }[] }).ready).map((e) => e.pid);
  assert.ok(pids.length >= 3 && pids.every(alive), `idle copiers: ${pids.map((p) => `${p}:${alive(p)}`).join(' ')}`);
  await until('the idle copiers to block in open(2)', () => pids.every((p) => fs.readFileSync(`/proc/${p}/wchan`, 'utf8') === 'wait_for_partner'));
  // "killed with -9": the first pool is forgotten without dispose()
  const second = new CopierPool(dir, { size: 3, makeFifos: mkfifos });
  await until('the idle copiers to end', () => !pids.some(alive));
  assert.ok(alive(serving.pid), 'the copier serving a container is left alone');
  fs.writeSync(w, 'still here\n');
  fs.closeSync(w);
  await until('the serving copier to end at EOF', () => !alive(serving.pid));
  assert.equal(fs.readFileSync(`${fifo}.spool`, 'utf8'), 'still here\n');
  second.dispose();
});

test('a pool grown by a burst of takes shrinks back to its first size once takes stop, ending the extra copiers', async () => {
  const dir = path.join(tmp, 'pool3');
  const pool = new CopierPool(dir, { size: 2, makeFifos: mkfifos, shrinkAfterMs: 1500 });
  // a burst: every take finds the pool short, and the pool grows by one per miss
  for (let i = 0; i < 6; i++) pool.take(path.join(tmp, `burst-${i}`), path.join(tmp, `burst-${i}.spool`));
  await until('the grown pool refilled', () => pool.available === 8);
  const grown = ((pool as unknown as { ready: { pid: number }[] }).ready).map((e) => e.pid);
  await until('the pool back to its first size', () => pool.available === 2);
  const kept = ((pool as unknown as { ready: { pid: number }[] }).ready).map((e) => e.pid);
  assert.deepEqual(kept, grown.slice(0, 2), 'the oldest are kept');
  await until('the extra copiers ended', () => grown.slice(2).every((p) => !alive(p)));
  assert.ok(kept.every(alive), 'the kept copiers still wait');
  assert.equal(fs.readdirSync(dir).length, 4, 'two FIFOs and two spools left in the pool directory');
  pool.dispose();
});
