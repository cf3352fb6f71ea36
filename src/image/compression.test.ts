import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { StreamDigester, detectCompression } from './compression.js';
import { sha256 } from './image-fakes.js';

test('detects compression by magic bytes', () => {
  assert.equal(detectCompression(zlib.gzipSync('x')), 'gzip');
  assert.equal(detectCompression(Buffer.from('BZh91AY')), 'bzip2');
  assert.equal(detectCompression(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1])), 'xz');
  assert.equal(detectCompression(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0])), 'zstd');
  assert.equal(detectCompression(Buffer.from('plain tar bytes')), 'none');
  assert.equal(detectCompression(Buffer.alloc(0)), 'none');
});

async function digestInChunks(data: Buffer, size: number) {
  const d = new StreamDigester();
  for (let i = 0; i < data.length; i += size) await d.update(data.subarray(i, i + size));
  return d.finish();
}

test('digests plain data, fed in any chunking', async () => {
  const data = Buffer.from('hello world, a plain layer');
  for (const size of [1, 3, 1000]) {
    assert.deepEqual(await digestInChunks(data, size), { digest: sha256(data), size: data.length, compression: 'none' });
  }
  assert.deepEqual(await new StreamDigester().finish(), { digest: sha256(Buffer.alloc(0)), size: 0, compression: 'none' });
});

test('digests gzip data and its decompressed content (the diff ID)', async () => {
  const raw = Buffer.alloc(300_000, 'abcdefgh');
  const gz = zlib.gzipSync(raw);
  for (const size of [1, 7, 65536]) {
    const r = await digestInChunks(gz, size);
    assert.equal(r.compression, 'gzip');
    assert.equal(r.digest, sha256(gz));
    assert.deepEqual(r.uncompressed, { digest: sha256(raw), size: raw.length });
  }
});

test('corrupt gzip data is reported, not thrown', async () => {
  const gz = zlib.gzipSync(Buffer.alloc(1000, 'x'));
  const bad = Buffer.concat([gz.subarray(0, 12), Buffer.alloc(50, 0xff)]);
  const r = await digestInChunks(bad, 5);
  assert.equal(r.compression, 'gzip');
  assert.ok(r.uncompressed && 'error' in r.uncompressed);
});
