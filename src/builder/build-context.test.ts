import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { after, test } from 'node:test';
import tar from 'tar-stream';
import { BuildContext, parseDockerignore } from './build-context.js';
import { globMatch } from './glob.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-ctx-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function tarOf(entries: Array<{ name: string; body?: string; type?: 'file' | 'symlink' | 'directory'; linkname?: string }>, pad = true): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) pack.entry({ name: e.name, type: e.type ?? 'file', ...(e.linkname ? { linkname: e.linkname } : {}) }, e.body ?? '');
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  const whole = Buffer.concat(chunks);
  if (pad) return whole;
  // the docker CLI's `-f -` form: no padding after the last file, no end-of-archive blocks
  const last = entries[entries.length - 1]?.body?.length ?? 0;
  return whole.subarray(0, whole.length - 1024 - ((512 - (last % 512)) % 512));
}

test('.dockerignore lines are cleaned like dockerd reads them', () => {
  assert.deepEqual(parseDockerignore('# c\n\n/a/b/\n!keep\n  *.log \n./x/../y\n'), ['a/b', '!keep', '*.log', 'y']);
});

test('a gzip context unpacks; ignore rules with exceptions; the Dockerfile is found', async () => {
  const body = zlib.gzipSync(await tarOf([{ name: 'Dockerfile', body: 'FROM scratch\n' }, { name: '.dockerignore', body: '*.log\n!keep.log\n' }, { name: 'x.log' }, { name: 'keep.log' }]));
  const ctx = await BuildContext.extract(Readable.from([body]), tmp);
  try {
    assert.equal(ctx.readDockerfile(undefined).text, 'FROM scratch\n');
    assert.equal(ctx.ignored('x.log'), true);
    assert.equal(ctx.ignored('keep.log'), false);
    assert.throws(() => ctx.readDockerfile('nope/Dockerfile'), /Cannot locate specified Dockerfile: nope\/Dockerfile/);
  } finally {
    await ctx.close();
  }
});

test('a context cut after its last file (the CLI\'s -f -) is accepted', async () => {
  const body = await tarOf([{ name: 'a.txt', body: 'a' }, { name: '.dockerfile.x', body: 'FROM busybox\n' }], false);
  const ctx = await BuildContext.extract(Readable.from([body]), tmp);
  try {
    assert.equal(ctx.readDockerfile('.dockerfile.x').text, 'FROM busybox\n');
  } finally {
    await ctx.close();
  }
});

test('symlinks resolve inside the context only', async () => {
  const ctx = await BuildContext.extract(Readable.from([await tarOf([
    { name: 'Dockerfile', body: 'FROM scratch\n' }, { name: 'up', type: 'symlink', linkname: '../../../../etc' }, { name: 'abs', type: 'symlink', linkname: '/Dockerfile' },
  ])]), tmp);
  try {
    assert.equal(ctx.hostPath('up/passwd'), undefined);
    assert.equal(ctx.hostPath('abs'), path.join(ctx.root, 'Dockerfile'));
  } finally {
    await ctx.close();
  }
});

test('a body that is not a tar is refused', async () => {
  await assert.rejects(BuildContext.extract(Readable.from([Buffer.alloc(2048, 'x')]), tmp), /invalid tar header/);
});

test('wildcards as Go\'s filepath.Match', () => {
  assert.equal(globMatch('*.txt', 'a.txt'), true);
  assert.equal(globMatch('*.txt', 'd/a.txt'), false);
  assert.equal(globMatch('d/?.t[x-z]t', 'd/a.txt'), true);
  assert.equal(globMatch('[^a]*', 'abc'), false);
});
