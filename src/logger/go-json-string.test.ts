import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { goJsonString } from './go-json-string.js';

/**
 * A slow, independent statement of Go's rule: decode runes as utf8.DecodeRune does (an invalid or
 * cut-off sequence is one RuneError per byte), then escape each rune as dockerd's json-file logger
 * does, via JSON.stringify for the plain cases.
 */
function reference(src: Buffer): string {
  let out = '"';
  let i = 0;
  while (i < src.length) {
    const b = src[i]!;
    let n = 0;
    let cp = -1;
    if (b < 0x80) {
      n = 1;
      cp = b;
    } else {
      // try every length: the decoded form must re-encode to the same bytes (no overlong, no
      // surrogate, nothing above U+10FFFF)
      for (const len of [2, 3, 4]) {
        if (i + len > src.length) break;
        const bytes = src.subarray(i, i + len);
        const s = bytes.toString('utf8');
        const c = s.codePointAt(0)!;
        if (s.length === (c > 0xffff ? 2 : 1) && c !== 0xfffd && Buffer.from(s, 'utf8').equals(bytes)) {
          n = len;
          cp = c;
          break;
        }
        if (len === 3 && bytes.equals(Buffer.from([0xef, 0xbf, 0xbd]))) {
          n = 3;
          cp = 0xfffd;
          break;
        }
      }
    }
    if (cp === -1) {
      out += '\\ufffd';
      i++;
      continue;
    }
    i += n;
    if (cp === 0x0a) out += '\\n';
    else if (cp === 0x0d) out += '\\r';
    else if (cp < 0x20 || cp === 0x3c || cp === 0x3e || cp === 0x26 || cp === 0x2028 || cp === 0x2029) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += JSON.stringify(String.fromCodePoint(cp)).slice(1, -1);
  }
  return `${out}"`;
}

describe('goJsonString', () => {
  it('matches the reference on random bytes, text and long runs', () => {
    const pieces = ['a', 'é', '€', '😀', '\u2028', '\u2029', '\n', '\r', '\t', '"', '\\', '<', '>', '&', '\u0000', '\u007f', '\ufffd'];
    for (let t = 0; t < 4000; t++) {
      const len = Math.floor(Math.random() * (t % 10 === 0 ? 3000 : 200));
      let src: Buffer;
      switch (t % 4) {
        case 0: src = crypto.randomBytes(len); break;
        case 1: src = Buffer.from(Array.from({ length: len }, () => pieces[Math.floor(Math.random() * pieces.length)]).join('')); break;
        case 2: src = Buffer.alloc(len, 'x'); if (len > 0) src[Math.floor(Math.random() * len)] = crypto.randomBytes(1)[0]!; break;
        default: {
          // valid text cut at random points: sequences split at the end
          const s = Buffer.from(Array.from({ length: len }, () => pieces[Math.floor(Math.random() * 4)]).join(''));
          src = s.subarray(0, Math.floor(Math.random() * (s.length + 1)));
        }
      }
      assert.equal(goJsonString(src), reference(src), src.toString('hex'));
    }
  });

  it('escapes as dockerd writes it', () => {
    assert.equal(goJsonString(Buffer.from('a\t<b>&"\\\n\r\u2028é')), '"a\\u0009\\u003cb\\u003e\\u0026\\"\\\\\\n\\r\\u2028é"');
    assert.equal(goJsonString(Buffer.from([0xff, 0xc3, 0x41, 0xe2, 0x82])), '"\\ufffd\\ufffdA\\ufffd\\ufffd"');
    assert.equal(goJsonString(Buffer.from([0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80, 0xc0, 0xaf])), `"${'\\ufffd'.repeat(9)}"`);
  });
});
