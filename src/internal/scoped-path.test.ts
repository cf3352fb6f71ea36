import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveInRoot } from './scoped-path.js';

test('resolveInRoot: symlinks stay inside the root', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'scoped-'));
  fs.mkdirSync(path.join(root, 'real/dir'), { recursive: true });
  fs.symlinkSync('/real', path.join(root, 'abs'));
  fs.symlinkSync('../../../../..', path.join(root, 'up'));
  fs.symlinkSync('real/dir', path.join(root, 'rel'));
  assert.equal(resolveInRoot(root, '/abs/dir'), path.join(root, 'real/dir'));
  assert.equal(resolveInRoot(root, '/up/etc/passwd'), path.join(root, 'etc/passwd'));
  assert.equal(resolveInRoot(root, '/rel/../x'), path.join(root, 'real/x'));
  assert.equal(resolveInRoot(root, '/../../etc'), path.join(root, 'etc'));
  assert.equal(resolveInRoot(root, '/missing/../../..'), root);
  fs.rmSync(root, { recursive: true });
});
