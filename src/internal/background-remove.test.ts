import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { backgroundRemovals, emptyTrash, removeInBackground } from './background-remove.js';

test('a tree is gone from its place at once and from the trash soon after; a missing one is no error', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bgrm-'));
  const trash = path.join(root, '.trash');
  const dir = path.join(root, 'c1');
  fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'sub', 'f'), 'x');
  removeInBackground(dir, trash);
  assert.equal(fs.existsSync(dir), false);
  removeInBackground(path.join(root, 'never-was'), trash);
  await backgroundRemovals();
  assert.deepEqual(fs.readdirSync(trash), []);
  fs.mkdirSync(path.join(trash, 'left-by-a-crash'));
  emptyTrash(trash);
  assert.equal(fs.existsSync(trash), false);
  fs.rmSync(root, { recursive: true });
});
