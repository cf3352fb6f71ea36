import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { listRotated, readJsonLog, type LogRecord, type ReadJsonLogOptions } from './json-file-reader.js';
import { JsonFileWriter } from './json-file-writer.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-rotate-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => {
  const d = path.join(dir, String(n++));
  fs.mkdirSync(d);
  return path.join(d, 'c-json.log');
};

async function collect(p: string, o: Partial<ReadJsonLogOptions> = {}): Promise<string[]> {
  const out: LogRecord[] = [];
  for await (const r of readJsonLog(p, { stdout: true, stderr: true, follow: false, ...o })) out.push(r);
  return out.map((r) => r.line.toString());
}

const lines = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => `line ${String(from + i).padStart(5, '0')}\n`);

describe('json-file rotation', () => {
  for (const compress of [false, true]) {
    it(`keeps max-file files of at most max-size bytes and reads them back in order (compress=${compress})`, async () => {
      const p = fresh();
      const w = new JsonFileWriter(p, { maxSize: 2000, maxFile: 3, compress });
      const all = lines(0, 300);
      // one write per line, awaited, so every record is its own write
      for (const l of all) {
        w.write('stdout', Buffer.from(l));
        await w.drain();
      }
      await w.close();
      const files = await listRotated(p);
      assert.deepEqual(files.map((f) => path.basename(f)), compress ? ['c-json.log.2.gz', 'c-json.log.1.gz'] : ['c-json.log.2', 'c-json.log.1']);
      for (const f of [...files, p]) {
        if (!compress) assert.ok(fs.statSync(f).size <= 2000, `${f} is ${fs.statSync(f).size} bytes`);
      }
      const got = await collect(p);
      // the newest records, contiguous and in order, ending with the last one written
      assert.ok(got.length > 30 && got.length < 300, `kept ${got.length}`);
      assert.deepEqual(got, all.slice(all.length - got.length));
      // tail reaches into rotated files
      const tail = await collect(p, { tail: got.length - 5 });
      assert.deepEqual(tail, got.slice(5));
      assert.deepEqual(await collect(p, { tail: 3 }), all.slice(-3));
    });
  }

  it('splits a batch at record boundaries', async () => {
    const p = fresh();
    const w = new JsonFileWriter(p, { maxSize: 1000, maxFile: 5 });
    const all = lines(0, 40);
    w.write('stdout', Buffer.from(all.join(''))); // one write() call: one batch
    await w.close();
    for (const f of [...(await listRotated(p)), p]) {
      const text = fs.readFileSync(f, 'utf8');
      assert.ok(text.length <= 1000 && text.endsWith('}\n'), `${f}: ${text.length}`);
    }
    assert.deepEqual(await collect(p), all);
  });

  it('truncates in place with max-file 1', async () => {
    const p = fresh();
    const w = new JsonFileWriter(p, { maxSize: 500, maxFile: 1 });
    for (const l of lines(0, 50)) {
      w.write('stderr', Buffer.from(l));
      await w.drain();
    }
    await w.close();
    assert.deepEqual(await listRotated(p), []);
    assert.ok(fs.statSync(p).size <= 500);
    const got = await collect(p);
    assert.deepEqual(got, lines(50 - got.length, 50));
  });

  it('a follower keeps up across rotations without losing or repeating a record', async () => {
    const p = fresh();
    const w = new JsonFileWriter(p, { maxSize: 3000, maxFile: 10 });
    let running = true;
    const ac = new AbortController();
    const seen: string[] = [];
    const reader = (async () => {
      for await (const r of readJsonLog(p, { stdout: true, stderr: true, follow: true, signal: ac.signal, isRunning: () => running, pollIntervalMs: 20 })) {
        seen.push(r.line.toString());
      }
    })();
    const all = lines(0, 400);
    for (let i = 0; i < all.length; i++) {
      w.write('stdout', Buffer.from(all[i]!));
      if (i % 7 === 0) await new Promise((r) => setTimeout(r, 1));
      await w.drain();
    }
    await w.close();
    running = false;
    await reader;
    assert.deepEqual(seen, all);
  });

  it('writes attrs into every record', async () => {
    const p = fresh();
    const w = new JsonFileWriter(p, { attrs: { app: 'web', TEAM: 'a b' } });
    w.write('stdout', Buffer.from('x\n'));
    await w.close();
    const text = fs.readFileSync(p, 'utf8');
    assert.match(text, /^\{"log":"x\\n","stream":"stdout","attrs":\{"app":"web","TEAM":"a b"\},"time":"[^"]+"\}\n$/);
    const recs: LogRecord[] = [];
    for await (const r of readJsonLog(p, { stdout: true, stderr: true, follow: false })) recs.push(r);
    assert.deepEqual(recs[0]!.attrs, { app: 'web', TEAM: 'a b' });
  });
});
