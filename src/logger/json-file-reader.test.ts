import assert from 'node:assert/strict';
import fs from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findTailStart, readJsonLog, type LogRecord, type ReadJsonLogOptions } from './json-file-reader.js';
import { JsonFileWriter } from './json-file-writer.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-jsonlog-r-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const tmp = (): string => path.join(dir, `log-${n++}.json`);

const BASE = Date.parse('2024-01-01T00:00:00Z');
/** record i: stream stderr when i % 4 === 3, time BASE + i seconds + i ns */
function rec(i: number): string {
  const t = new Date(BASE + i * 1000).toISOString().slice(0, 19);
  return `{"log":"line ${i}\\n","stream":"${i % 4 === 3 ? 'stderr' : 'stdout'}","time":"${t}.${String(i % 1e9).padStart(9, '0').replace(/0+$/, '') || '0'}Z"}\n`;
}

async function collect(p: string, o: Partial<ReadJsonLogOptions>): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  for await (const r of readJsonLog(p, { stdout: true, stderr: true, follow: false, ...o })) out.push(r);
  return out;
}
const texts = (rs: LogRecord[]): string[] => rs.map((r) => r.line.toString());

describe('readJsonLog', () => {
  const BIG = 100_000;
  let big = '';
  before(() => {
    big = tmp();
    const parts: string[] = [];
    for (let i = 0; i < BIG; i++) parts.push(rec(i));
    fs.writeFileSync(big, parts.join(''));
  });

  it('reads every record with stream, bytes and time', async () => {
    const rs = await collect(big, {});
    assert.equal(rs.length, BIG);
    assert.equal(rs[5].line.toString(), 'line 5\n');
    assert.equal(rs[3].stream, 'stderr');
    assert.equal(rs[5].timeText, '2024-01-01T00:00:05.000000005Z');
    assert.equal(rs[5].time.getTime(), BASE + 5000);
  });

  it('tails the last N records of a big file by reading backwards', async () => {
    const t0 = process.hrtime.bigint();
    const rs = await collect(big, { tail: 10 });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    assert.deepEqual(texts(rs), Array.from({ length: 10 }, (_, k) => `line ${BIG - 10 + k}\n`));
    assert.ok(ms < 200, `tail 10 took ${ms} ms`);
    assert.equal((await collect(big, { tail: 0 })).length, 0);
    assert.equal((await collect(big, { tail: BIG + 5 })).length, BIG);
    assert.equal((await collect(big, { tail: -1 })).length, BIG);
    // tail crossing many 64 KiB blocks
    const rs2 = await collect(big, { tail: 30_000 });
    assert.equal(rs2.length, 30_000);
    assert.equal(rs2[0].line.toString(), `line ${BIG - 30_000}\n`);
  });

  it('counts tail over all streams, then filters streams (dockerd semantics)', async () => {
    const rs = await collect(big, { tail: 8, stderr: false });
    // of the last 8 records, 2 are stderr
    assert.deepEqual(texts(rs), [BIG - 8, BIG - 7, BIG - 6, BIG - 4, BIG - 3, BIG - 2].map((i) => `line ${i}\n`));
    const errs = await collect(big, { tail: 8, stdout: false });
    assert.deepEqual(texts(errs), [`line ${BIG - 5}\n`, `line ${BIG - 1}\n`]);
    assert.ok(errs.every((r) => r.stream === 'stderr'));
    assert.equal((await collect(big, { stdout: false, stderr: false })).length, 0);
  });

  it('filters by since/until with nanosecond precision', async () => {
    const p = tmp();
    fs.writeFileSync(p, Array.from({ length: 20 }, (_, i) => rec(i)).join(''));
    const rs = await collect(p, { since: new Date(BASE + 5000), until: new Date(BASE + 9000) });
    // record 9 is at 9 s + 9 ns: after `until`
    assert.deepEqual(texts(rs), [5, 6, 7, 8].map((i) => `line ${i}\n`));
    // record 5 at 5 s + 5 ns is at/after since = 5 s; record 0 exactly at BASE is included by since = BASE
    assert.equal((await collect(p, { since: new Date(BASE) })).length, 20);
    // tail applies first, since after it
    assert.deepEqual(texts(await collect(p, { tail: 3, since: new Date(BASE + 18_000) })), ['line 18\n', 'line 19\n']);
  });

  it('skips a half-written last line when not following; reads an empty log; a missing file is empty', async () => {
    const p = tmp();
    fs.writeFileSync(p, rec(0) + rec(1) + rec(2).slice(0, 20));
    assert.deepEqual(texts(await collect(p, {})), ['line 0\n', 'line 1\n']);
    assert.deepEqual(texts(await collect(p, { tail: 1 })), ['line 1\n']);
    const e = tmp();
    fs.writeFileSync(e, '');
    assert.equal((await collect(e, { tail: 5 })).length, 0);
    assert.equal((await collect(path.join(dir, 'nope.json'), {})).length, 0);
  });

  it('findTailStart handles lines longer than a block', async () => {
    const p = tmp();
    const long = `{"log":"${'z'.repeat(200_000)}\\n","stream":"stdout","time":"2024-01-01T00:00:00Z"}\n`;
    fs.writeFileSync(p, rec(0) + long + rec(1));
    const fh = await open(p, 'r');
    try {
      const size = (await fh.stat()).size;
      assert.equal((await findTailStart(fh, size, 2)).pos, rec(0).length);
      assert.equal((await findTailStart(fh, size, 3)).pos, 0);
    } finally {
      await fh.close();
    }
    const rs = await collect(p, { tail: 2 });
    assert.equal(rs[0].line.length, 200_001);
  });

  it('round-trips what JsonFileWriter wrote, bytes and escapes intact', async () => {
    const p = tmp();
    const w = new JsonFileWriter(p);
    w.write('stdout', Buffer.from('<b>é\t"q"\n'));
    w.write('stderr', Buffer.from('partial'));
    await w.close();
    const rs = await collect(p, {});
    assert.deepEqual(rs.map((r) => [r.stream, r.line.toString()]), [['stdout', '<b>é\t"q"\n'], ['stderr', 'partial']]);
    assert.match(rs[0].timeText, /^\d{4}-\d{2}-\d{2}T[\d:]{8}(\.\d+)?Z$/);
  });

  it('follows appended records, completes a half-written line, and stops on abort', async () => {
    const p = tmp();
    fs.writeFileSync(p, rec(0) + rec(1));
    const ac = new AbortController();
    const got: string[] = [];
    const done = (async () => {
      for await (const r of readJsonLog(p, { stdout: true, stderr: true, follow: true, tail: 1, signal: ac.signal })) {
        got.push(r.line.toString());
      }
    })();
    const waitFor = async (count: number): Promise<void> => {
      const deadline = Date.now() + 5000;
      while (got.length < count) {
        if (Date.now() > deadline) throw new Error(`timed out with ${JSON.stringify(got)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    await waitFor(1);
    const r2 = rec(2);
    fs.appendFileSync(p, r2.slice(0, 15)); // half a record: must not be yielded yet
    await new Promise((r) => setTimeout(r, 400));
    assert.deepEqual(got, ['line 1\n']);
    fs.appendFileSync(p, r2.slice(15) + rec(3));
    await waitFor(3);
    const w = new JsonFileWriter(p);
    w.write('stdout', Buffer.from('from writer\n'));
    await w.close();
    await waitFor(4);
    ac.abort();
    await done;
    assert.deepEqual(got, ['line 1\n', 'line 2\n', 'line 3\n', 'from writer\n']);
  });

  it('ends a follow once isRunning() is false and the file is drained; until ends it too', async () => {
    const p = tmp();
    fs.writeFileSync(p, rec(0));
    let running = true;
    const got: string[] = [];
    const done = (async () => {
      for await (const r of readJsonLog(p, { stdout: true, stderr: true, follow: true, isRunning: () => running, pollIntervalMs: 20 })) {
        got.push(r.line.toString());
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    fs.appendFileSync(p, rec(1) + rec(2));
    running = false; // the container stopped after writing its last records
    await done;
    assert.deepEqual(got, ['line 0\n', 'line 1\n', 'line 2\n']);

    const q = tmp();
    fs.writeFileSync(q, rec(0) + rec(1) + rec(2));
    const rs: LogRecord[] = [];
    for await (const r of readJsonLog(q, { stdout: true, stderr: true, follow: true, until: new Date(BASE + 1000) })) rs.push(r);
    assert.deepEqual(texts(rs), ['line 0\n']);
  });

  it('follows a log that does not exist yet', async () => {
    const p = tmp();
    const ac = new AbortController();
    const got: string[] = [];
    const done = (async () => {
      for await (const r of readJsonLog(p, { stdout: true, stderr: true, follow: true, signal: ac.signal, pollIntervalMs: 20 })) {
        got.push(r.line.toString());
        ac.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 50));
    fs.writeFileSync(p, rec(7));
    await done;
    assert.deepEqual(got, ['line 7\n']);
  });
});
