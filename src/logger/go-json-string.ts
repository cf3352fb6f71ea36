// Byte-level JSON string encoding exactly as dockerd's json-file logger writes it
// (jsonlog.ffjsonWriteJSONBytesAsString): `<`, `>`, `&` and control bytes as \u00XX (only `\n` and
// `\r` get short forms, so a tab is \u0009), U+2028/U+2029 escaped, and every byte that does not
// start a valid UTF-8 sequence replaced by the six characters `\ufffd` — one per byte, as Go's
// utf8.DecodeRune reports them. Working on bytes avoids a decode/encode round trip on the hot path.

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

const ESC_FFFD = Buffer.from('\\ufffd', 'latin1');
const ESC_2028 = Buffer.from('\\u2028', 'latin1');
const ESC_2029 = Buffer.from('\\u2029', 'latin1');

/** Worst-case encoded size of `n` source bytes (every byte becoming `\u00XX` or `\ufffd`). */
export function maxEncodedLength(n: number): number {
  return n * 6;
}

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when it is invalid (Go's rules). */
function utf8SeqLength(src: Uint8Array, i: number, end: number): number {
  const b0 = src[i];
  const cont = (j: number, lo = 0x80, hi = 0xbf): boolean => j < end && src[j] >= lo && src[j] <= hi;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed ? 0x9f : 0xbf; // no UTF-16 surrogates
    return cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const lo = b0 === 0xf0 ? 0x90 : 0x80;
    const hi = b0 === 0xf4 ? 0x8f : 0xbf; // nothing above U+10FFFF
    return cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

/**
 * Writes the JSON escape of `src[start, end)` (without quotes) into `out` at `offset` and returns
 * the new offset. `out` must have room for maxEncodedLength(end - start) bytes.
 */
export function encodeGoJsonBytes(src: Buffer, start: number, end: number, out: Buffer, offset: number): number {
  let o = offset;
  let run = start;
  let i = start;
  while (i < end) {
    const c = CLASS[src[i]];
    if (c === 0) {
      i++;
      continue;
    }
    if (c === 2) {
      const n = utf8SeqLength(src, i, end);
      if (n !== 0) {
        // U+2028 / U+2029 (E2 80 A8/A9) break JavaScript parsers; Go escapes them.
        if (n === 3 && src[i] === 0xe2 && src[i + 1] === 0x80 && (src[i + 2] === 0xa8 || src[i + 2] === 0xa9)) {
          if (run < i) o += copyBytes(src, run, i, out, o);
          o += copyBytes(src[i + 2] === 0xa8 ? ESC_2028 : ESC_2029, 0, 6, out, o);
          i += 3;
          run = i;
          continue;
        }
        i += n;
        continue;
      }
      if (run < i) o += copyBytes(src, run, i, out, o);
      o += copyBytes(ESC_FFFD, 0, 6, out, o);
      i++;
      run = i;
      continue;
    }
    if (run < i) o += copyBytes(src, run, i, out, o);
    const b = src[i];
    out[o++] = 0x5c; // backslash
    if (b === 0x22 || b === 0x5c) out[o++] = b;
    else if (b === 0x0a) out[o++] = 0x6e; // n
    else if (b === 0x0d) out[o++] = 0x72; // r
    else {
      out[o++] = 0x75; // u
      out[o++] = 0x30;
      out[o++] = 0x30;
      out[o++] = HEX.charCodeAt(b >> 4);
      out[o++] = HEX.charCodeAt(b & 0xf);
    }
    i++;
    run = i;
  }
  if (run < end) o += copyBytes(src, run, end, out, o);
  return o;
}

/** Convenience form: the quoted JSON string of `src` as dockerd would write it. */
export function goJsonString(src: Buffer): string {
  const out = Buffer.allocUnsafe(maxEncodedLength(src.length) + 2);
  out[0] = 0x22;
  const end = encodeGoJsonBytes(src, 0, src.length, out, 1);
  out[end] = 0x22;
  return out.toString('utf8', 0, end + 1);
}
