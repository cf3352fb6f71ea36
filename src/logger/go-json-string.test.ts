import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { encodeGoJsonBytesJs, encodeGoJsonBytesWasm, goJsonString } from './go-json-string.js';
import { GO_JSON_ESCAPE_WASM } from './go-json-escape-wasm.js';

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

describe('the WebAssembly escaper', () => {
  function both(src: Buffer, start = 0, end = src.length): [string, string] {
    const a = Buffer.alloc((end - start) * 6 + 16, 0xaa);
    const b = Buffer.alloc((end - start) * 6 + 16, 0x55);
    // written at an offset: the bytes before it stay untouched
    const na = encodeGoJsonBytesJs(src, start, end, a, 3);
    const nb = encodeGoJsonBytesWasm(src, start, end, b, 3);
    assert.deepEqual([...b.subarray(0, 3)], [0x55, 0x55, 0x55]);
    return [a.toString('latin1', 3, na), b.toString('latin1', 3, nb)];
  }

  it('writes what the JS loop writes: random bytes, sequences cut at the end, every lead byte', () => {
    for (let t = 0; t < 3000; t++) {
      const len = t < 2000 ? t % 9 : Math.floor(Math.random() * 40000);
      const src = crypto.randomBytes(len);
      const [js, wasm] = both(src);
      assert.equal(wasm, js, src.subarray(0, 64).toString('hex'));
    }
    // every byte followed by every continuation-ish byte pair, as 3- and 4-byte candidates
    const seqs: number[] = [];
    for (let b0 = 0xc0; b0 <= 0xff; b0++) for (const b1 of [0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xa8, 0xa9, 0xbf, 0xc0]) seqs.push(b0, b1, 0x80, 0xa8, 0x41);
    const src = Buffer.from(seqs);
    const [js, wasm] = both(src);
    assert.equal(wasm, js);
    assert.equal(Buffer.from(wasm, 'latin1').toString('utf8'), goJsonString(src).slice(1, -1));
  });

  it('escapes U+2028/U+2029 and copies other 3-byte sequences', () => {
    const src = Buffer.from('a\u2028b\u2029c\u2027d€😀', 'utf8');
    assert.deepEqual(both(src), ['a\\u2028b\\u2029c\u2027d€😀', 'a\\u2028b\\u2029c\u2027d€😀'].map((s) => Buffer.from(s, 'utf8').toString('latin1')));
  });

  it('escapes a range of a larger buffer without reading past its end', () => {
    // a valid sequence across `end` is cut: both bytes before it are replaced, as Go does
    const src = Buffer.from([0x41, 0xe2, 0x82, 0xac, 0x42]);
    assert.deepEqual(both(src, 0, 3), ['A\\ufffd\\ufffd', 'A\\ufffd\\ufffd']);
    assert.deepEqual(both(src, 1, 4), ['€', '€'].map((s) => Buffer.from(s).toString('latin1')));
  });

  it('grows its memory for a large input and stays right afterwards', () => {
    const big = crypto.randomBytes(3 * 1024 * 1024);
    const [js, wasm] = both(big);
    assert.equal(wasm, js);
    const small = Buffer.from('x<y\n');
    assert.deepEqual(both(small), ['x\\u003cy\\n', 'x\\u003cy\\n']);
  });

  it('is the compiled form of go-json-escape.wat', async (t) => {
    const gen = new URL('../../../scripts/gen-go-json-escape-wasm.mjs', import.meta.url);
    if (!fs.existsSync(gen)) { t.skip('generator not found'); return; }
    let mod: { compileEscaper(): Promise<Buffer> };
    try {
      mod = await import(gen.href) as typeof mod;
    } catch {
      t.skip('wabt (a devDependency) is not installed');
      return;
    }
    const bytes = await mod.compileEscaper();
    assert.equal(bytes.toString('base64'), GO_JSON_ESCAPE_WASM, 'run node scripts/gen-go-json-escape-wasm.mjs');
  });
});
