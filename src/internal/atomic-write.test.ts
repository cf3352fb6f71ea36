import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeJsonAtomicSync } from './atomic-write.js';

test('atomic JSON write replaces the file and leaves no temp files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-'));
  const f = path.join(dir, 'state.json');
  writeJsonAtomicSync(f, { a: 1 });
  writeJsonAtomicSync(f, { a: 2 });
  assert.deepEqual(JSON.parse(fs.readFileSync(f, 'utf8')), { a: 2 });
  assert.deepEqual(fs.readdirSync(dir), ['state.json']);
  fs.rmSync(dir, { recursive: true });
});

test('replace write: the new content is in place at once, temp files gone, background fsync finishes', async () => {
  const { writeJsonReplaceSync, flushBackgroundSyncs } = await import('./atomic-write.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-'));
  const f = path.join(dir, 'state.json');
  for (let i = 0; i < 5; i++) {
    writeJsonReplaceSync(f, { a: i });
    assert.deepEqual(JSON.parse(fs.readFileSync(f, 'utf8')), { a: i });
  }
  await flushBackgroundSyncs();
  assert.deepEqual(fs.readdirSync(dir), ['state.json']);
  assert.equal(fs.statSync(f).mode & 0o777, 0o600);
  // a file removed before its fsync ran is no error
  writeJsonReplaceSync(f, { a: 'last' });
  fs.rmSync(dir, { recursive: true });
  await flushBackgroundSyncs();
});
