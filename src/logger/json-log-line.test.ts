import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { decodeJsonLogLine, LineArena, type DecodedLine } from './json-log-line.js';
import { goJsonString } from './go-json-string.js';

/** What the JSON.parse path makes of a line (the reader's reference behaviour). */
function reference(raw: Buffer): { stream: string; line: string; timeText: string } | undefined {
  let obj: { log?: unknown; stream?: unknown; time?: unknown };
  try {
    obj = JSON.parse(raw.toString('utf8')) as typeof obj;
  } catch {
    return undefined;
  }
  if (typeof obj !== 'object' || obj === null) return undefined;
  return {
    stream: obj.stream === 'stderr' ? 'stderr' : 'stdout',
    line: (typeof obj.log === 'string' ? Buffer.from(obj.log, 'utf8') : Buffer.alloc(0)).toString('hex'),
    timeText: typeof obj.time === 'string' ? obj.time : '',
  };
}

/** The fast path's result for `raw`, decoded from inside a larger buffer (as the reader does). */
function decode(raw: Buffer, arena: LineArena): { stream: string; line: Buffer; timeText: string } | undefined {
  const pad = Buffer.from('xx\n');
  const block = Buffer.concat([pad, raw, pad]);
  const d: DecodedLine = { stream: 'stdout', buf: Buffer.alloc(0), lineStart: 0, lineEnd: 0, timeEnd: 0 };
  if (!decodeJsonLogLine(block, pad.length, pad.length + raw.length, arena, d)) return undefined;
  return { stream: d.stream, line: d.buf.subarray(d.lineStart, d.lineEnd), timeText: d.buf.toString('latin1', d.lineEnd, d.timeEnd) };
}

function check(raw: Buffer, arena: LineArena, mustBeFast: boolean): void {
  const fast = decode(raw, arena);
  if (fast === undefined) {
    assert.ok(!mustBeFast, `fast path refused ${raw.toString('hex')}`);
    return;
  }
  assert.deepEqual({ stream: fast.stream, line: fast.line.toString('hex'), timeText: fast.timeText }, reference(raw), raw.toString('hex'));
}

function randomBytes(rnd: () => number, n: number): Buffer {
  const pick = rnd();
  const b = crypto.randomBytes(n);
  if (pick < 0.3) return b; // anything, mostly invalid UTF-8 and control bytes
  if (pick < 0.6) {
    for (let i = 0; i < n; i++) b[i] = 0x20 + (b[i]! % 0x60); // printable ASCII, quotes, backslashes
    return b;
  }
  const pieces = ['a', 'é', '€', '😀', '\u2028', '\u2029', '\n', '\r', '\t', '"', '\\', '<', '&', '\u0000', '\u007f', '\ud800'];
  return Buffer.from(Array.from({ length: n }, () => pieces[Math.floor(rnd() * pieces.length)]).join(''), 'utf8');
}

describe('decodeJsonLogLine', () => {
  it('decodes what the writer writes exactly as JSON.parse does, and always takes the fast path', () => {
    const arena = new LineArena();
    const rnd = Math.random;
    const kept: Array<[Buffer, string]> = [];
    for (let t = 0; t < 5000; t++) {
      const src = randomBytes(rnd, Math.floor(rnd() * 300));
      const stream = t % 3 === 0 ? 'stderr' : 'stdout';
      const nl = t % 2 === 0 ? '\\n' : '';
      const raw = Buffer.from(`{"log":${goJsonString(src).slice(0, -1)}${nl}","stream":"${stream}","time":"2024-05-01T10:00:00.${t}Z"}`, 'utf8');
      check(raw, arena, true);
      if (t % 100 === 0) kept.push([raw, decode(raw, arena)!.line.toString('hex')]);
    }
    // earlier lines are never overwritten by later ones
    for (const [raw, hex] of kept) assert.equal(reference(raw)!.line, hex);
  });

  it('agrees with JSON.parse (or defers to it) on JSON.stringify output and damaged lines', () => {
    const arena = new LineArena();
    const rnd = Math.random;
    for (let t = 0; t < 5000; t++) {
      const text = randomBytes(rnd, Math.floor(rnd() * 200)).toString(t % 2 === 0 ? 'utf8' : 'latin1');
      let raw = Buffer.from(`{"log":${JSON.stringify(text)},"stream":"stdout","time":"2024-05-01T10:00:00Z"}`, 'utf8');
      if (t % 3 === 0) {
        // damage a few bytes: the fast path must refuse or agree with JSON.parse
        raw = Buffer.from(raw);
        for (let k = 0; k < 3; k++) raw[Math.floor(rnd() * raw.length)] = Math.floor(rnd() * 256);
      }
      check(raw, arena, false);
    }
  });

  it('handles every escape form and defers on anything outside the exact form', () => {
    const arena = new LineArena();
    const ok = (s: string): void => check(Buffer.from(s, 'utf8'), arena, true);
    ok('{"log":"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20AC\\ufffd","stream":"stdout","time":"t"}');
    ok('{"log":"","stream":"stderr","time":""}');
    ok('{"log":"é€😀","stream":"stdout","time":"2024-01-01T00:00:00Z"}');
    const refused = [
      '{"log":"\\ud83d\\ude00","stream":"stdout","time":"t"}', // surrogate pair
      '{"log":"\\udc00","stream":"stdout","time":"t"}', // lone surrogate
      '{"log":"x","stream":"stdout","attrs":{"a":"b"},"time":"t"}',
      '{"log":"x","stream":"stdout","time":"t"} ',
      '{"log":"x","stream":"stdout","time":"t"',
      '{"log":"x","stream":"other","time":"t"}',
      '{"log":"x\\q","stream":"stdout","time":"t"}',
      '{"log":"x\\u12G4","stream":"stdout","time":"t"}',
      '{"log":"x\u0001","stream":"stdout","time":"t"}',
      '{"stream":"stdout","log":"x","time":"t"}',
      '{"log": "x","stream":"stdout","time":"t"}',
      '{"log":"x","stream":"stdout","time":"t\\u0041"}',
    ];
    for (const s of refused) {
      assert.equal(decode(Buffer.from(s, 'utf8'), arena), undefined, s);
      check(Buffer.from(s, 'utf8'), arena, false);
    }
    // raw invalid UTF-8 inside the string goes to JSON.parse (which replaces it)
    const bad = Buffer.concat([Buffer.from('{"log":"a'), Buffer.from([0xff, 0xc3]), Buffer.from('","stream":"stdout","time":"t"}')]);
    assert.equal(decode(bad, arena), undefined);
  });
});
