// Byte-level JSON string encoding exactly as dockerd's json-file logger writes it
// (jsonlog.ffjsonWriteJSONBytesAsString): `<`, `>`, `&` and control bytes as \u00XX (only `\n` and
// `\r` get short forms, so a tab is \u0009), U+2028/U+2029 escaped, and every byte that does not
// start a valid UTF-8 sequence replaced by the six characters `\ufffd` — one per byte, as Go's
// utf8.DecodeRune reports them. Working on bytes avoids a decode/encode round trip on the hot path.
// Inputs of WASM_MIN bytes and more go through a WebAssembly form of the same loop
// (go-json-escape.wat): on binary output (random bytes) the JS loop is branch-bound.
import { GO_JSON_ESCAPE_WASM } from './go-json-escape-wasm.js';

const HEX = '0123456789abcdef';

/** 0: copy as is; 1: ASCII needing an escape; 2: first byte of a multi-byte sequence (or invalid). */
const CLASS = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  if (b >= 0x80) CLASS[b] = 2;
  else if (b < 0x20 || b === 0x22 || b === 0x5c || b === 0x3c || b === 0x3e || b === 0x26) CLASS[b] = 1;
}

/**
 * Copies src[start, end) into out at o and returns the count. Buffer#copy costs a fixed overhead
 * that dominates for the short runs between escapes; small runs are copied by hand.
 */
export function copyBytes(src: Uint8Array, start: number, end: number, out: Uint8Array, o: number): number {
  const n = end - start;
  if (n <= 64) {
    for (let k = 0; k < n; k++) out[o + k] = src[start + k];
  } else {
    out.set(src.subarray(start, end), o);
  }
  return n;
}

/** Escape text of each ASCII byte that needs one (`\\"`, `\\n`, `\\u001b`, …), 8 slots per byte. */
const ESC = new Uint8Array(128 * 8);
const ESC_LEN = new Uint8Array(128);
for (let b = 0; b < 128; b++) {
  if (CLASS[b] !== 1) continue;
  let text: string;
  if (b === 0x22 || b === 0x5c) text = `\\${String.fromCharCode(b)}`;
  else if (b === 0x0a) text = '\\n';
  else if (b === 0x0d) text = '\\r';
  else text = `\\u00${HEX[b >> 4]}${HEX[b & 0xf]}`;
  for (let k = 0; k < text.length; k++) ESC[b * 8 + k] = text.charCodeAt(k);
  ESC_LEN[b] = text.length;
}

/** Worst-case encoded size of `n` source bytes (every byte becoming `\u00XX` or `\ufffd`). */
export function maxEncodedLength(n: number): number {
  return n * 6;
}

/**
 * Length of the valid UTF-8 sequence starting at `i` (a byte >= 0x80), or 0 when it is invalid or
 * cut off by `end` (Go's utf8.DecodeRune: no overlongs, no surrogates, nothing above U+10FFFF).
 */
function utf8SeqLength(src: Uint8Array, i: number, end: number): number {
  const b0 = src[i]!;
  if (b0 < 0xc2) return 0;
  if (b0 < 0xe0) return i + 1 < end && (src[i + 1]! & 0xc0) === 0x80 ? 2 : 0;
  if (b0 < 0xf0) {
    if (i + 2 >= end) return 0;
    const b1 = src[i + 1]!;
    if (b0 === 0xe0 ? b1 < 0xa0 || b1 > 0xbf : b0 === 0xed ? b1 < 0x80 || b1 > 0x9f : (b1 & 0xc0) !== 0x80) return 0;
    return (src[i + 2]! & 0xc0) === 0x80 ? 3 : 0;
  }
  if (b0 < 0xf5) {
    if (i + 3 >= end) return 0;
    const b1 = src[i + 1]!;
    if (b0 === 0xf0 ? b1 < 0x90 || b1 > 0xbf : b0 === 0xf4 ? b1 < 0x80 || b1 > 0x8f : (b1 & 0xc0) !== 0x80) return 0;
    return (src[i + 2]! & 0xc0) === 0x80 && (src[i + 3]! & 0xc0) === 0x80 ? 4 : 0;
  }
  return 0;
}

/** Runs of plain bytes at least this long are copied natively; shorter ones byte by byte. */
const NATIVE_COPY_MIN = 128;

/**
 * Writes the JSON escape of `src[start, end)` (without quotes) into `out` at `offset` and returns
 * the new offset. `out` must have room for maxEncodedLength(end - start) bytes.
 */
export function encodeGoJsonBytes(src: Uint8Array, start: number, end: number, out: Uint8Array, offset: number): number {
  if (end - start < WASM_MIN) return encodeGoJsonBytesJs(src, start, end, out, offset);
  return encodeGoJsonBytesWasm(src, start, end, out, offset);
}

/** The JS loop: shorter inputs (a call into WebAssembly and two copies cost more), and the reference in tests. */
export function encodeGoJsonBytesJs(src: Uint8Array, start: number, end: number, out: Uint8Array, offset: number): number {
  let o = offset;
  let i = start;
  while (i < end) {
    // a run of bytes that stay as they are
    let j = i;
    while (j < end && CLASS[src[j]!] === 0) j++;
    if (j - i >= NATIVE_COPY_MIN) {
      out.set(src.subarray(i, j), o);
      o += j - i;
    } else {
      for (let k = i; k < j; k++) out[o++] = src[k]!;
    }
    if (j >= end) break;
    i = j;
    const b = src[i]!;
    if (b < 0x80) {
      const e = b * 8;
      const n = ESC_LEN[b]!;
      for (let k = 0; k < n; k++) out[o++] = ESC[e + k]!;
      i++;
      continue;
    }
    const n = utf8SeqLength(src, i, end);
    if (n === 0) {
      // \ufffd for each byte that does not start a valid sequence, as Go's encoder writes it
      out[o] = 0x5c; out[o + 1] = 0x75; out[o + 2] = 0x66; out[o + 3] = 0x66; out[o + 4] = 0x66; out[o + 5] = 0x64;
      o += 6;
      i++;
    } else if (n === 3 && b === 0xe2 && src[i + 1] === 0x80 && (src[i + 2] === 0xa8 || src[i + 2] === 0xa9)) {
      // U+2028 / U+2029 break JavaScript parsers; Go escapes them.
      out[o] = 0x5c; out[o + 1] = 0x75; out[o + 2] = 0x32; out[o + 3] = 0x30; out[o + 4] = 0x32;
      out[o + 5] = src[i + 2] === 0xa8 ? 0x38 : 0x39;
      o += 6;
      i += 3;
    } else {
      for (let k = 0; k < n; k++) out[o++] = src[i + k]!;
      i += n;
    }
  }
  return o;
}

/** From this input length on, the WebAssembly loop is used. */
const WASM_MIN = 32;

/** Where the tables end and the input starts in the module's memory. */
const WASM_INPUT = 4096;

/** The little of the WebAssembly JS API used here (the project's `lib` has no WebAssembly types). */
interface WasmMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
};

interface WasmEscaper {
  memory: WasmMemory;
  encode: (src: number, end: number, out: number) => number;
  lines: (src: number, end: number, out: number, limit: number, ending: number, elen: number, max: number) => number;
  /** the module's memory as a Buffer (a view, renewed when the memory grows) */
  bytes: Buffer;
}

let wasm: WasmEscaper | undefined;

const FFFD = Uint8Array.from(Buffer.from('\\ufffd', 'latin1'));

/** Instantiates the module (synchronously, on first use) and writes its tables. */
function escaper(): WasmEscaper {
  if (wasm) return wasm;
  const module = new WebAssembly.Module(Buffer.from(GO_JSON_ESCAPE_WASM, 'base64'));
  const exports = new WebAssembly.Instance(module).exports as Pick<WasmEscaper, 'memory' | 'encode' | 'lines'>;
  const bytes = Buffer.from(exports.memory.buffer);
  for (let b = 0; b < 256; b++) {
    let text: Uint8Array;
    if (b >= 0x80) text = FFFD;
    else if (CLASS[b] === 1) text = ESC.subarray(b * 8, b * 8 + ESC_LEN[b]!);
    else text = Uint8Array.of(b);
    bytes.fill(0, b * 8, b * 8 + 8);
    bytes.set(text, b * 8);
    bytes[2048 + b] = text.length;
    bytes[2304 + b] = b >= 0xc2 && b <= 0xf4 ? 1 : 0;
  }
  wasm = { memory: exports.memory, encode: exports.encode, lines: exports.lines, bytes };
  return wasm;
}

/** The WebAssembly loop: the input is copied into the module's memory and the output out of it. */
export function encodeGoJsonBytesWasm(src: Uint8Array, start: number, end: number, out: Uint8Array, offset: number): number {
  const w = escaper();
  const n = end - start;
  // input, 8 bytes of slack (the loop reads up to 3 bytes past a sequence start), then the output
  // with room for 6 bytes per input byte plus the 8 of the last store
  const outAt = WASM_INPUT + ((n + 15) & ~7);
  const need = outAt + n * 6 + 16;
  ensureMemory(w, need);
  w.bytes.set(src.subarray(start, end), WASM_INPUT);
  const outEnd = w.encode(WASM_INPUT, WASM_INPUT + n, outAt);
  out.set(w.bytes.subarray(outAt, outEnd), offset);
  return offset + outEnd - outAt;
}

function ensureMemory(w: WasmEscaper, need: number): void {
  if (w.bytes.length >= need) return;
  w.memory.grow(Math.ceil((need - w.bytes.length) / 65536));
  w.bytes = Buffer.from(w.memory.buffer);
}

/** Input handed to the module at once by encodeLineRecords (whole lines or not). */
const LINES_PIECE = 64 * 1024;
/** Where the module's `lines` stores how far it got. */
const LINES_REACHED = 2560;

/**
 * The json-file records of the complete lines in `src[from, to)` (which must end with '\n'):
 * `{"log":"<escaped line>\n` + `ending` for each line, a line of `maxPartial` bytes or more cut
 * into records of `maxPartial` bytes without the `\n` first, as dockerd's copier cuts them.
 * Hands the encoded bytes to `emit` in order, in pieces (each valid only during the call).
 */
export function encodeLineRecords(
  src: Uint8Array, from: number, to: number, ending: Uint8Array, maxPartial: number,
  emit: (bytes: Buffer, start: number, end: number) => void,
): void {
  const w = escaper();
  const elen = ending.length;
  const endingAt = WASM_INPUT;
  const inAt = endingAt + ((elen + 15) & ~7);
  const outAt = inAt + LINES_PIECE + 16;
  // room for at least one whole record of maxPartial bytes, as the module checks before each
  const outSize = Math.max(512 * 1024, 2 * (maxPartial * 6 + elen + 32));
  ensureMemory(w, outAt + outSize + 64);
  w.bytes.set(ending, endingAt);
  let p = from;
  while (p < to) {
    const n = Math.min(LINES_PIECE, to - p);
    w.bytes.set(src.subarray(p, p + n), inAt);
    const outEnd = w.lines(inAt, inAt + n, outAt, outAt + outSize, endingAt, elen, maxPartial);
    const b = w.bytes;
    const reached = (b[LINES_REACHED]! | (b[LINES_REACHED + 1]! << 8) | (b[LINES_REACHED + 2]! << 16) | (b[LINES_REACHED + 3]! << 24)) >>> 0;
    if (reached === inAt) throw new Error('encodeLineRecords: no progress (the input does not end with a newline?)');
    p += reached - inAt;
    emit(b, outAt, outEnd);
  }
}

/** Convenience form: the quoted JSON string of `src` as dockerd would write it. */
export function goJsonString(src: Buffer): string {
  const out = Buffer.allocUnsafe(maxEncodedLength(src.length) + 2);
  out[0] = 0x22;
  const end = encodeGoJsonBytes(src, 0, src.length, out, 1);
  out[end] = 0x22;
  return out.toString('utf8', 0, end + 1);
}
