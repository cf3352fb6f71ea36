// Decodes one json-file record without JSON.parse, for lines in exactly the form our writer and
// dockerd write: {"log":"<escaped>","stream":"stdout|stderr","time":"<time>"}. The log text is
// unescaped straight into a shared byte arena (no string round trip, no buffer per line). Anything
// else — attrs, other key orders, whitespace, surrogate escapes, invalid UTF-8, damaged lines — is
// left to the caller's JSON.parse path, which then gives exactly the same result.
import { isUtf8 } from 'node:buffer';

/**
 * Where a decoded record's bytes are: its log text at buf[lineStart, lineEnd) and its time text
 * (latin1) right after it, at buf[lineEnd, timeEnd), in an arena that later lines never overwrite.
 * One object, filled in place by each decode, so decoding allocates nothing per line.
 */
export interface DecodedLine {
  stream: 'stdout' | 'stderr';
  buf: Buffer;
  lineStart: number;
  lineEnd: number;
  timeEnd: number;
}

const ARENA_SIZE = 256 * 1024;

/**
 * Hands out never-reused space for decoded lines: a full arena is dropped (records still holding
 * views keep it alive) and a new one is allocated, so there is one allocation per 256 KiB of text.
 */
export class LineArena {
  #buf: Buffer = Buffer.allocUnsafe(0);
  #pos = 0;

  /** A buffer with at least `n` free bytes from `start`; the caller then calls commit(). */
  reserve(n: number): { buf: Buffer; start: number } {
    if (this.#buf.length - this.#pos < n) {
      this.#buf = Buffer.allocUnsafe(Math.max(ARENA_SIZE, n));
      this.#pos = 0;
    }
    return { buf: this.#buf, start: this.#pos };
  }

  commit(end: number): void {
    this.#pos = end;
  }
}

const PREFIX = Buffer.from('{"log":"', 'latin1');
const STREAM_KEY = Buffer.from(',"stream":"', 'latin1');
const TIME_KEY = Buffer.from('","time":"', 'latin1');
const STDOUT = Buffer.from('stdout', 'latin1');
const STDERR = Buffer.from('stderr', 'latin1');

/** 0: plain; 1: `"`; 2: `\`; 3: a control byte (not allowed raw in JSON); 4: non-ASCII */
const SCAN = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  if (b < 0x20) SCAN[b] = 3;
  else if (b === 0x22) SCAN[b] = 1;
  else if (b === 0x5c) SCAN[b] = 2;
  else if (b >= 0x80) SCAN[b] = 4;
}

/** Value of a hex digit, or -1. */
const HEXVAL = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEXVAL[0x30 + i] = i;
for (let i = 0; i < 6; i++) {
  HEXVAL[0x41 + i] = 10 + i;
  HEXVAL[0x61 + i] = 10 + i;
}

function matches(raw: Buffer, at: number, limit: number, word: Buffer): boolean {
  if (at + word.length > limit) return false;
  for (let k = 0; k < word.length; k++) if (raw[at + k] !== word[k]) return false;
  return true;
}

/**
 * Decodes the record in raw[from, len) (one line, its '\n' excluded) into `into` and returns true,
 * or returns false when it is not in the exact form above and must go through JSON.parse instead.
 */
export function decodeJsonLogLine(raw: Buffer, from: number, len: number, arena: LineArena, into: DecodedLine): boolean {
  if (!matches(raw, from, len, PREFIX)) return false;
  // Unescaping never makes text longer, so the raw length bounds the decoded text and time.
  const { buf: out, start } = arena.reserve(len - from);
  let o = start;
  let i = from + PREFIX.length;
  let nonAscii = false;
  for (;;) {
    if (i >= len) return false;
    const b = raw[i]!;
    const c = SCAN[b]!;
    if (c === 0) {
      out[o++] = b;
      i++;
      continue;
    }
    if (c === 1) break;
    if (c === 3) return false;
    if (c === 4) {
      nonAscii = true;
      out[o++] = b;
      i++;
      continue;
    }
    // an escape
    if (i + 1 >= len) return false;
    const e = raw[i + 1]!;
    i += 2;
    switch (e) {
      case 0x6e: out[o++] = 0x0a; break; // n
      case 0x22: out[o++] = 0x22; break; // "
      case 0x5c: out[o++] = 0x5c; break; // backslash
      case 0x72: out[o++] = 0x0d; break; // r
      case 0x74: out[o++] = 0x09; break; // t
      case 0x2f: out[o++] = 0x2f; break; // /
      case 0x62: out[o++] = 0x08; break; // b
      case 0x66: out[o++] = 0x0c; break; // f
      case 0x75: { // uXXXX
        if (i + 4 > len) return false;
        const h0 = HEXVAL[raw[i]!]!, h1 = HEXVAL[raw[i + 1]!]!, h2 = HEXVAL[raw[i + 2]!]!, h3 = HEXVAL[raw[i + 3]!]!;
        if ((h0 | h1 | h2 | h3) < 0) return false;
        const cp = (h0 << 12) | (h1 << 8) | (h2 << 4) | h3;
        if (cp >= 0xd800 && cp <= 0xdfff) return false; // surrogates: pairs and lone ones
        i += 4;
        if (cp < 0x80) {
          out[o++] = cp;
        } else if (cp < 0x800) {
          out[o++] = 0xc0 | (cp >> 6);
          out[o++] = 0x80 | (cp & 0x3f);
        } else {
          out[o++] = 0xe0 | (cp >> 12);
          out[o++] = 0x80 | ((cp >> 6) & 0x3f);
          out[o++] = 0x80 | (cp & 0x3f);
        }
        break;
      }
      default:
        return false;
    }
  }
  const end = o;
  // Raw non-ASCII bytes are kept only when they are valid UTF-8 (decoded escapes never complete or
  // continue a raw sequence, so checking the output checks the raw runs).
  if (nonAscii && !isUtf8(out.subarray(start, end))) return false;
  i++; // the closing quote
  if (!matches(raw, i, len, STREAM_KEY)) return false;
  i += STREAM_KEY.length;
  let stream: 'stdout' | 'stderr';
  if (matches(raw, i, len, STDOUT)) stream = 'stdout';
  else if (matches(raw, i, len, STDERR)) stream = 'stderr';
  else return false;
  i += 6;
  if (!matches(raw, i, len, TIME_KEY)) return false;
  i += TIME_KEY.length;
  // the time text, copied after the log text
  while (i < len && SCAN[raw[i]!] === 0) out[o++] = raw[i++]!;
  // the time's closing quote and the object's end, and nothing after
  if (i + 2 !== len || raw[i] !== 0x22 || raw[i + 1] !== 0x7d) return false;
  arena.commit(o);
  into.stream = stream;
  into.buf = out;
  into.lineStart = start;
  into.lineEnd = end;
  into.timeEnd = o;
  return true;
}
