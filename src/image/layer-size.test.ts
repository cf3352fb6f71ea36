import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { apparentSize, topLayerDir } from './layer-size.js';

test('apparent size: file bytes, hard links once, directories and skipped paths not counted', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-size-'));
  try {
    fs.mkdirSync(path.join(dir, 'a/b'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'a/b/f'), 'x'.repeat(100));
    fs.linkSync(path.join(dir, 'a/b/f'), path.join(dir, 'a/hard'));
    fs.writeFileSync(path.join(dir, 'g'), 'y'.repeat(10));
    fs.mkdirSync(path.join(dir, 'etc'));
    fs.writeFileSync(path.join(dir, 'etc/hosts'), 'z'.repeat(7));
    assert.equal(apparentSize(dir), 117);
    assert.equal(apparentSize(dir, (r) => r === '/etc/hosts'), 110);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a layer\'s own directory: the bind source, or the first lowerdir of an overlay view', () => {
  assert.equal(topLayerDir([{ type: 'bind', source: '/s/1/fs', options: ['ro'] }]), '/s/1/fs');
  assert.equal(topLayerDir([{ type: 'overlay', source: 'overlay', options: ['lowerdir=/s/3/fs:/s/1/fs'] }]), '/s/3/fs');
});
