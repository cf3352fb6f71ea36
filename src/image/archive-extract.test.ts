import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import zlib from 'node:zlib';
import { InvalidParameterError } from '../errdefs/errors.js';
import { extractArchive, normalizeArchivePath } from './archive-extract.js';
import { buildTar, chunked, sha256 } from './image-fakes.js';

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'berth-extract-'));
}

/** extractArchive wants an empty directory per call. */
function fresh(dir: string): string {
  return fs.mkdtempSync(path.join(dir, 'x-'));
}

test('archive paths are normalized; escapes are rejected', () => {
  assert.equal(normalizeArchivePath('./manifest.json'), 'manifest.json');
  assert.equal(normalizeArchivePath('a//b/'), 'a/b');
  assert.equal(normalizeArchivePath('/abs/x'), 'abs/x');
  assert.equal(normalizeArchivePath('a/./b/../c'), 'a/c');
  assert.equal(normalizeArchivePath('./'), '');
  for (const bad of ['..', '../x', 'a/../../x', '/../x', './../x']) {
    assert.throws(() => normalizeArchivePath(bad), InvalidParameterError, bad);
  }
});

test('extracts files with their digests and resolves links', async () => {
  const dir = tmpDir();
  try {
    const layer = Buffer.alloc(5000, 'l');
    const gz = zlib.gzipSync(Buffer.from('inner'));
    const tarBuf = await buildTar([
      { name: 'd/', type: 'directory' },
      { name: 'd/layer.tar', data: layer },
      { name: './b.gz', data: gz },
      { name: 'e/layer.tar', type: 'symlink', linkname: '../d/layer.tar' },
      { name: 'hard', type: 'link', linkname: 'd/layer.tar' },
      { name: 'manifest.json', data: '[]' },
    ]);
    const archive = await extractArchive(chunked(tarBuf, 777), dir);
    const f = archive.file('d/layer.tar');
    assert.equal(f.digest, sha256(layer));
    assert.equal(f.size, 5000);
    assert.equal(f.compression, 'none');
    assert.deepEqual(fs.readFileSync(f.path), layer);
    assert.equal(archive.file('e/layer.tar'), f);
    assert.equal(archive.file('./hard'), f);
    const b = archive.file('b.gz');
    assert.equal(b.compression, 'gzip');
    assert.deepEqual(b.uncompressed, { digest: sha256('inner'), size: 5 });
    assert.deepEqual(await archive.readJson('manifest.json'), []);
    assert.equal(archive.has('nope'), false);
    assert.throws(() => archive.file('nope'), { name: 'InvalidParameterError', message: 'open nope: no such file or directory' });
    // Entry names never become paths: everything sits flat in the directory.
    assert.ok(fs.readdirSync(dir).every((n) => /^\d+$/.test(n)));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a gzip-compressed archive is decompressed', async () => {
  const dir = tmpDir();
  try {
    const tarBuf = await buildTar([{ name: 'manifest.json', data: '[1]' }]);
    const archive = await extractArchive(chunked(zlib.gzipSync(tarBuf), 3), dir);
    assert.deepEqual(await archive.readJson('manifest.json'), [1]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('path traversal in entry names is rejected', async () => {
  const dir = tmpDir();
  try {
    const tarBuf = await buildTar([{ name: '../../etc/evil', data: 'x' }]);
    await assert.rejects(extractArchive(Readable.from([tarBuf]), dir), { name: 'InvalidParameterError', message: /escapes the archive root/ });
    const linkTar = await buildTar([{ name: 'a', type: 'symlink', linkname: '../../outside' }]);
    await assert.rejects(extractArchive(Readable.from([linkTar]), fresh(dir)), InvalidParameterError);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('garbage, truncated and unsupported input are client errors', async () => {
  const dir = tmpDir();
  try {
    await assert.rejects(extractArchive(Readable.from([Buffer.alloc(1024, 'x')]), fresh(dir)), {
      name: 'InvalidParameterError',
      message: 'archive/tar: invalid tar header',
    });
    const tarBuf = await buildTar([{ name: 'big', data: Buffer.alloc(10_000, 1) }]);
    await assert.rejects(extractArchive(Readable.from([tarBuf.subarray(0, 3000)]), fresh(dir)), { name: 'InvalidParameterError', message: 'unexpected EOF' });
    await assert.rejects(extractArchive(Readable.from([Buffer.from('BZh91AY&SY')]), fresh(dir)), {
      name: 'InvalidParameterError',
      message: 'unsupported archive compression: bzip2',
    });
    await assert.rejects(extractArchive(Readable.from([zlib.gzipSync(tarBuf).subarray(0, 100)]), fresh(dir)), InvalidParameterError);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('empty input is an empty archive', async () => {
  const dir = tmpDir();
  try {
    const archive = await extractArchive(Readable.from([]), dir);
    assert.deepEqual(archive.names(), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('on failure the input is left unconsumed and not destroyed', async () => {
  const dir = tmpDir();
  try {
    const input = new PassThrough();
    input.write(Buffer.alloc(1024, 'x'));
    const p = extractArchive(input, dir);
    await assert.rejects(p, InvalidParameterError);
    assert.equal(input.destroyed, false);
    input.end(Buffer.alloc(10));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an abort signal stops extraction', async () => {
  const dir = tmpDir();
  try {
    const input = new PassThrough();
    const ac = new AbortController();
    const tarBuf = await buildTar([{ name: 'big', data: Buffer.alloc(100_000, 1) }]);
    input.write(tarBuf.subarray(0, 2048));
    const p = extractArchive(input, dir, { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('client gone')), 20);
    await assert.rejects(p, { message: 'client gone' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an abort while waiting for the first bytes stops extraction', async () => {
  const dir = tmpDir();
  try {
    const input = new PassThrough();
    const ac = new AbortController();
    const p = extractArchive(input, dir, { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('client gone')), 10);
    await assert.rejects(p, { message: 'client gone' });
    assert.equal(input.destroyed, false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
