import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { contextTar } from './build-context.js';

async function bytes(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c);
  return Buffer.concat(chunks);
}

test('a directory becomes a tar that GNU tar lists and extracts; .dockerignore applies, Dockerfile stays', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-ctx-'));
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-ctx-out-'));
  try {
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM busybox\nCOPY . /app\n');
    fs.writeFileSync(path.join(dir, '.dockerignore'), 'Dockerfile\n*.log\nnode_modules\n');
    fs.writeFileSync(path.join(dir, 'debug.log'), 'noise');
    fs.mkdirSync(path.join(dir, 'node_modules/x'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'node_modules/x/index.js'), '');
    const deep = path.join(dir, 'a'.repeat(60), 'b'.repeat(60));
    fs.mkdirSync(deep, { recursive: true });
    fs.writeFileSync(path.join(deep, 'long-name.txt'), 'deep\n');
    fs.writeFileSync(path.join(dir, 'big.bin'), Buffer.alloc(70_000, 7));
    fs.symlinkSync('big.bin', path.join(dir, 'link'));
    const tar = await bytes(contextTar(dir));
    assert.equal(tar.length % 512, 0);
    const list = spawnSync('tar', ['-t'], { input: tar, encoding: 'utf8' });
    assert.equal(list.status, 0, list.stderr);
    assert.deepEqual(list.stdout.trim().split('\n').sort(), [
      '.dockerignore', 'Dockerfile', `${'a'.repeat(60)}/`, `${'a'.repeat(60)}/${'b'.repeat(60)}/`,
      `${'a'.repeat(60)}/${'b'.repeat(60)}/long-name.txt`, 'big.bin', 'link',
    ]);
    const x = spawnSync('tar', ['-x', '-C', out], { input: tar });
    assert.equal(x.status, 0, x.stderr?.toString());
    assert.equal(fs.readFileSync(path.join(out, 'a'.repeat(60), 'b'.repeat(60), 'long-name.txt'), 'utf8'), 'deep\n');
    assert.deepEqual(fs.readFileSync(path.join(out, 'big.bin')), Buffer.alloc(70_000, 7));
    assert.equal(fs.readlinkSync(path.join(out, 'link')), 'big.bin');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(out, { recursive: true, force: true });
  }
});
