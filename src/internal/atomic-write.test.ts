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
