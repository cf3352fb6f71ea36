import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { encodeGoJsonBytesJs, goJsonString } from './go-json-string.js';
import { JsonFileWriter, MAX_PARTIAL_LINE, type LogStream } from './json-file-writer.js';
import { formatRfc3339Nano, formatRfc3339NanoFixed, nowEpochNanos, parseRfc3339Nano } from './rfc3339-nano.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-jsonlog-w-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const tmp = (): string => path.join(dir, `log-${n++}.json`);

interface Rec {
  log?: string;
  stream: string;
  time: string;
}
const records = (p: string): Rec[] =>
  fs
    .readFileSync(p, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Rec);

const T = new Date('2024-01-01T12:00:00.123Z');

describe('JsonFileWriter', () => {
  it('writes one record per line in dockerd format, file mode 0640', async () => {
    const p = tmp();
    const w = new JsonFileWriter(p);
    w.write('stdout', Buffer.from('hello\nworld\n'), T);
    w.write('stderr', Buffer.from('oops\n'), T);
    await w.close();
    assert.equal(
      fs.readFileSync(p, 'utf8'),
      '{"log":"hello\\n","stream":"stdout","time":"2024-01-01T12:00:00.123Z"}\n' +
        '{"log":"world\\n","stream":"stdout","time":"2024-01-01T12:00:00.123Z"}\n' +
        '{"log":"oops\\n","stream":"stderr","time":"2024-01-01T12:00:00.123Z"}\n',
    );
    assert.equal(fs.statSync(p).mode & 0o777, 0o640 & ~process.umask());
  });

  it('appends to an existing file', async () => {
    const p = tmp();
    fs.writeFileSync(p, '{"log":"old\\n","stream":"stdout","time":"2024-01-01T00:00:00Z"}\n');
    const w = new JsonFileWriter(p);
    w.write('stdout', Buffer.from('new\n'), T);
    await w.close();
    assert.deepEqual(records(p).map((r) => r.log), ['old\n', 'new\n']);
  });

  it('buffers incomplete tails per stream until their newline', async () => {
    const p = tmp();
    const w = new JsonFileWriter(p);
    w.write('stdout', Buffer.from('hel'), T);
    w.write('stderr', Buffer.from('e1'), T);
    w.write('stdout', Buffer.from('lo wo'), T);
    w.write('stderr', Buffer.from('\n'), T);
    w.write('stdout', Buffer.from('rld\nnext'), T);
    await w.drain();
    assert.deepEqual(records(p).map((r) => [r.stream, r.log]), [
      ['stderr', 'e1\n'],
      ['stdout', 'hello world\n'],
    ]);
    await w.close(); // the unterminated tail is written without '\n'
    assert.deepEqual(records(p).map((r) => r.log).at(-1), 'next');
  });

  it('cuts lines into 16 KiB partial records as dockerd does', async () => {
    const p = tmp();
    const w = new JsonFileWriter(p);
    const long = 'a'.repeat(MAX_PARTIAL_LINE * 2 + 10);
    // in one chunk
    w.write('stdout', Buffer.from(`${long}\n`), T);
    // the same line dribbled in small chunks must give the same records
    for (let i = 0; i < long.length; i += 1000) w.write('stderr', Buffer.from(long.slice(i, i + 1000)), T);
    w.write('stderr', Buffer.from('\n'), T);
    // exactly 16 KiB of text: a partial, then the newline alone
    w.write('stdout', Buffer.from(`${'b'.repeat(MAX_PARTIAL_LINE)}\n`), T);
    await w.close();
    const recs = records(p);
    const expect = ['a'.repeat(MAX_PARTIAL_LINE), 'a'.repeat(MAX_PARTIAL_LINE), 'a'.repeat(10) + '\n'];
    assert.deepEqual(recs.filter((r) => r.stream === 'stdout').slice(0, 3).map((r) => r.log), expect);
    assert.deepEqual(recs.filter((r) => r.stream === 'stderr').map((r) => r.log), expect);
    assert.deepEqual(recs.filter((r) => r.stream === 'stdout').slice(3).map((r) => r.log), ['b'.repeat(MAX_PARTIAL_LINE), '\n']);
  });

  it('escapes like Go (HTML characters, control bytes, U+2028, invalid UTF-8 per byte)', async () => {
    assert.equal(goJsonString(Buffer.from('<a href="x">&amp;</a>')), '"\\u003ca href=\\"x\\"\\u003e\\u0026amp;\\u003c/a\\u003e"');
    assert.equal(goJsonString(Buffer.from('tab\there\r\n\\ \x00\x1f\x7f')), '"tab\\u0009here\\r\\n\\\\ \\u0000\\u001f\x7f"');
    assert.equal(goJsonString(Buffer.from('é ✓ 😀 \u2028\u2029')), '"é ✓ 😀 \\u2028\\u2029"');
    // lone continuation byte, truncated 3-byte sequence, surrogate, overlong, > U+10FFFF
    assert.equal(goJsonString(Buffer.from([0x61, 0x80, 0x62])), '"a\\ufffdb"');
    assert.equal(goJsonString(Buffer.from([0xe2, 0x82, 0x41])), '"\\ufffd\\ufffdA"');
    assert.equal(goJsonString(Buffer.from([0xed, 0xa0, 0x80])), '"\\ufffd\\ufffd\\ufffd"');
    assert.equal(goJsonString(Buffer.from([0xc0, 0xaf])), '"\\ufffd\\ufffd"');
    assert.equal(goJsonString(Buffer.from([0xf4, 0x90, 0x80, 0x80])), '"\\ufffd\\ufffd\\ufffd\\ufffd"');
    // a literal U+FFFD is valid UTF-8 and stays as is
    assert.equal(goJsonString(Buffer.from('\ufffd')), '"\ufffd"');

    const p = tmp();
    const w = new JsonFileWriter(p);
    w.write('stdout', Buffer.concat([Buffer.from('<&>\t'), Buffer.from([0xff]), Buffer.from('\n')]), T);
    await w.close();
    const text = fs.readFileSync(p, 'utf8');
    assert.ok(text.startsWith('{"log":"\\u003c\\u0026\\u003e\\u0009\\ufffd\\n","stream":"stdout"'), text);
    assert.equal(records(p)[0].log, '<&>\t\ufffd\n');
  });

  it('stamps records with RFC3339Nano nanosecond times in UTC', async () => {
    assert.equal(formatRfc3339Nano(1704110400123456789n), '2024-01-01T12:00:00.123456789Z');
    assert.equal(formatRfc3339Nano(1704110400123400000n), '2024-01-01T12:00:00.1234Z');
    assert.equal(formatRfc3339Nano(1704110400000000000n), '2024-01-01T12:00:00Z');
    assert.equal(formatRfc3339NanoFixed(1704110400120000000n), '2024-01-01T12:00:00.120000000Z');
    assert.equal(parseRfc3339Nano('2024-01-01T12:00:00.1234Z'), 1704110400123400000n);
    assert.equal(parseRfc3339Nano('2024-01-01T14:00:00.000000001+02:00'), 1704110400000000001n);
    assert.equal(parseRfc3339Nano('yesterday'), undefined);

    const before = BigInt(Date.now()) * 1_000_000n;
    const p = tmp();
    const w = new JsonFileWriter(p);
    for (let i = 0; i < 50; i++) w.write('stdout', Buffer.from(`${i}\n`));
    await w.close();
    const afterNs = (BigInt(Date.now()) + 1n) * 1_000_000n;
    const times = records(p).map((r) => r.time);
    let prev = 0n;
    let subMs = 0;
    for (const t of times) {
      assert.match(t, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d*[1-9])?Z$/);
      const ns = parseRfc3339Nano(t)!;
      assert.ok(ns >= before && ns <= afterNs, `${t} within the test's wall-clock window`);
      assert.ok(ns > prev, 'strictly increasing');
      prev = ns;
      if (ns % 1_000_000n !== 0n) subMs++;
    }
    assert.ok(subMs > 40, 'sub-millisecond digits present');
    // the clock stays within the millisecond Date.now() reports
    const a = Date.now();
    const ns = nowEpochNanos();
    const b = Date.now();
    assert.ok(ns >= BigInt(a) * 1_000_000n && ns < (BigInt(b) + 1n) * 1_000_000n);
  });

  it('keeps strict order and loses nothing under many interleaved writes', async () => {
    const p = tmp();
    const w = new JsonFileWriter(p);
    const N = 20_000;
    let writes = 0;
    for (let i = 0; i < N; i++) {
      const s = i % 3 === 0 ? 'stderr' : 'stdout';
      // split each line across two writes for half of them
      const line = `line ${i} ${'x'.repeat(i % 50)}\n`;
      if (i % 2 === 0) {
        w.write(s, Buffer.from(line));
        writes++;
      } else {
        w.write(s, Buffer.from(line.slice(0, 4)));
        w.write(s, Buffer.from(line.slice(4)));
        writes += 2;
      }
      if (i % 1000 === 0) await new Promise((r) => setImmediate(r)); // let writes interleave
    }
    await w.close();
    const recs = records(p);
    assert.equal(recs.length, N);
    recs.forEach((r, i) => {
      assert.equal(r.log, `line ${i} ${'x'.repeat(i % 50)}\n`);
      assert.equal(r.stream, i % 3 === 0 ? 'stderr' : 'stdout');
    });
    assert.ok(writes > N);
  });

  it('rejects writes after close and closes idempotently', async () => {
    const w = new JsonFileWriter(tmp());
    w.write('stdout', Buffer.from('x'));
    const c1 = w.close();
    assert.equal(w.close(), c1);
    await c1;
    assert.throws(() => w.write('stdout', Buffer.from('y\n')), /closed/);
  });

  it('returns false past the high-water mark and drains', async () => {
    const w = new JsonFileWriter(tmp(), { highWaterMark: 1024 });
    // the first write goes straight to the disk; the next ones wait for it
    w.write('stdout', Buffer.from('a'.repeat(100) + '\n'));
    let ok = true;
    for (let i = 0; i < 50 && ok; i++) ok = w.write('stdout', Buffer.from('b'.repeat(100) + '\n'));
    assert.equal(ok, false);
    await w.drain();
    assert.equal(w.bufferedBytes, 0);
    await w.close();
  });
});

describe('JsonFileWriter byte-exactness (whole lines encoded in one WebAssembly pass)', () => {
  /**
   * The file dockerd writes for `writes` (all stamped with T), stated independently of the writer:
   * per stream, each line cut into 16 KiB pieces from its start (partial records, no `\n`), then the
   * rest with `\n`; at close, what is left of an unterminated line the same way, without `\n`.
   */
  function expected(writes: Array<[LogStream, Buffer]>, attrsJson = ''): Buffer {
    const out: Buffer[] = [];
    const tails: Record<LogStream, Buffer> = { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) };
    const time = formatRfc3339Nano(BigInt(T.getTime()) * 1_000_000n);
    const record = (stream: LogStream, text: Buffer, newline: boolean): void => {
      const esc = Buffer.alloc(text.length * 6 + 8);
      const n = encodeGoJsonBytesJs(text, 0, text.length, esc, 0);
      out.push(Buffer.from('{"log":"'), esc.subarray(0, n), Buffer.from(`${newline ? '\\n' : ''}","stream":"${stream}"${attrsJson},"time":"${time}"}\n`));
    };
    const pieces = (stream: LogStream, line: Buffer, newline: boolean): void => {
      let p = 0;
      while (line.length - p >= MAX_PARTIAL_LINE) { record(stream, line.subarray(p, p + MAX_PARTIAL_LINE), false); p += MAX_PARTIAL_LINE; }
      if (newline || p < line.length) record(stream, line.subarray(p), newline);
    };
    for (const [stream, chunk] of writes) {
      let all = Buffer.concat([tails[stream], chunk]);
      let nl: number;
      while ((nl = all.indexOf(10)) !== -1) { pieces(stream, all.subarray(0, nl), true); all = all.subarray(nl + 1); }
      // whole 16 KiB pieces of an unterminated line are written as they arrive
      let p = 0;
      while (all.length - p >= MAX_PARTIAL_LINE) { record(stream, all.subarray(p, p + MAX_PARTIAL_LINE), false); p += MAX_PARTIAL_LINE; }
      tails[stream] = Buffer.from(all.subarray(p));
    }
    for (const stream of ['stdout', 'stderr'] as const) if (tails[stream].length > 0) pieces(stream, tails[stream], false);
    return sameTimes(Buffer.concat(out));
  }

  /** Tails flushed at close are stamped with the time of the close: times are compared apart. */
  function sameTimes(file: Buffer): Buffer {
    // an escaped log text holds no bare `"`: this matches record endings only
    return Buffer.from(file.toString('latin1').replace(/,"time":"[0-9T:.Z-]+"\}\n/g, ',"time":"T"}\n'), 'latin1');
  }

  let round = 0;
  async function written(writes: Array<[LogStream, Buffer]>, attrs?: Record<string, string>): Promise<Buffer> {
    const p = tmp();
    // sync (records written from the module's memory) and background writes, in turn
    const w = new JsonFileWriter(p, { sync: round++ % 2 === 0, ...(attrs ? { attrs } : {}) });
    for (const [stream, chunk] of writes) w.write(stream, chunk, T);
    await w.close();
    const file = fs.readFileSync(p);
    // every record but the flushed tails has T
    const time = formatRfc3339Nano(BigInt(T.getTime()) * 1_000_000n);
    const flushedAt = file.toString('latin1').split('\n').filter((l) => l !== '' && !l.endsWith(`,"time":"${time}"}`));
    assert.ok(flushedAt.length <= 2, `records not stamped with T: ${flushedAt.length}`);
    return sameTimes(file);
  }

  /** `data` cut into chunks of random sizes up to `max`, on random streams when `both`. */
  function chunked(data: Buffer, max: number, both: boolean): Array<[LogStream, Buffer]> {
    const writes: Array<[LogStream, Buffer]> = [];
    for (let p = 0; p < data.length;) {
      const n = 1 + Math.floor(Math.random() * max);
      writes.push([both && Math.random() < 0.3 ? 'stderr' : 'stdout', data.subarray(p, p + n)]);
      p += n;
    }
    return writes;
  }

  it('random bytes (invalid UTF-8, control bytes, \\r\\n) in random chunks, both streams', async () => {
    for (let t = 0; t < 30; t++) {
      const data = crypto.randomBytes(50_000 + Math.floor(Math.random() * 200_000));
      const writes = chunked(data, t % 3 === 0 ? 300 : 70_000, t % 2 === 0);
      assert.ok((await written(writes)).equals(expected(writes)), `round ${t}`);
    }
  });

  it('long lines: exactly 16 KiB, multiples of it, one byte either side, split across writes', async () => {
    const lines: Buffer[] = [];
    for (const len of [0, 1, MAX_PARTIAL_LINE - 1, MAX_PARTIAL_LINE, MAX_PARTIAL_LINE + 1, 2 * MAX_PARTIAL_LINE, 3 * MAX_PARTIAL_LINE + 7, 300_000]) {
      // valid multi-byte text, so that the 16 KiB cuts fall inside sequences too
      lines.push(Buffer.from('é€😀a\r'.repeat(Math.ceil(len / 11))).subarray(0, len), Buffer.from('\r\n'));
    }
    const data = Buffer.concat(lines);
    for (const max of [data.length, 70_000, 16_384, 5_000]) {
      const writes = chunked(data, max, false);
      assert.ok((await written(writes)).equals(expected(writes)), `chunks up to ${max}`);
    }
  });

  it('text lines with attrs, \\r\\n endings, U+2028, and a partial line at exit', async () => {
    const text = Buffer.from(Array.from({ length: 5000 }, (_, i) => `line ${i} <tag> & "q" \\ \t\u2028é\r\n`).join('') + 'no newline at the end');
    const attrs = { label: 'x"y', env: 'a\u2028b' };
    const writes = chunked(text, 9000, true);
    assert.ok((await written(writes, attrs)).equals(expected(writes, `,"attrs":${JSON.stringify(attrs)}`)));
  });

  it('a line longer than the module takes at once (256 KiB) and a chunk of many short lines', async () => {
    const long = Buffer.concat([crypto.randomBytes(700_000).map((b) => (b === 10 ? 11 : b)), Buffer.from('\n')]);
    const short = Buffer.from('a\n'.repeat(400_000));
    for (const data of [long, short, Buffer.concat([short, long, short])]) {
      const writes: Array<[LogStream, Buffer]> = [['stdout', data]];
      assert.ok((await written(writes)).equals(expected(writes)));
    }
  });

  it('sync with max-size: files rotate between whole records, nothing lost or reordered', async () => {
    const p = tmp();
    const w = new JsonFileWriter(p, { sync: true, maxSize: 50_000, maxFile: 1000 });
    const data = Buffer.concat([crypto.randomBytes(300_000), Buffer.from('x\n'.repeat(20_000)), crypto.randomBytes(100_000)]);
    const writes = chunked(data, 70_000, true);
    for (const [stream, chunk] of writes) w.write(stream, chunk, T);
    await w.close();
    const files = fs.readdirSync(path.dirname(p)).filter((f) => f.startsWith(`${path.basename(p)}.`)).map((f) => Number(f.split('.').pop()));
    files.sort((a, b) => b - a);
    const parts = [...files.map((k) => fs.readFileSync(`${p}.${k}`)), fs.readFileSync(p)];
    assert.ok(files.length > 10);
    for (const part of parts) {
      // a file over max-size holds a single record (larger than max-size itself)
      if (part.length > 50_000) assert.equal(part.indexOf(10), part.length - 1);
      assert.equal(part[part.length - 1], 10);
    }
    assert.ok(sameTimes(Buffer.concat(parts)).equals(expected(writes)));
  });
});
