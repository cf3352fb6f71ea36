import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InvalidParameterError, NotFoundError } from '../errdefs/index.js';
import { isLocalPath, openSubpath } from './subpath.js';

test('isLocalPath is Go\'s filepath.IsLocal for Unix paths', () => {
  for (const p of ['a', 'a/b', './a', 'a/../b', '.', 'a/']) assert.equal(isLocalPath(p), true, p);
  for (const p of ['', '/a', '..', '../a', 'a/../../b', '../../../../etc/passwd']) assert.equal(isLocalPath(p), false, p);
});

test('openSubpath follows links inside the base, refuses escapes and missing paths, holds a descriptor', () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-subpath-'));
  try {
    fs.mkdirSync(path.join(base, 'dir'));
    fs.mkdirSync(path.join(base, 'hack'));
    fs.writeFileSync(path.join(base, 'dir', 'f'), 'x');
    fs.symlinkSync('../dir', path.join(base, 'hack', 'good'));
    fs.symlinkSync('/', path.join(base, 'root'));
    const opened = openSubpath(base, 'hack/good');
    assert.equal(opened.resolved, fs.realpathSync(path.join(base, 'dir')));
    assert.match(opened.source, new RegExp(`^/proc/${process.pid}/fd/\\d+$`));
    // the descriptor names the directory even after the path is swapped for a link out
    fs.renameSync(path.join(base, 'dir'), path.join(base, 'moved'));
    fs.symlinkSync('/', path.join(base, 'dir'));
    assert.deepEqual(fs.readdirSync(opened.source), ['f']);
    opened.close();
    opened.close(); // idempotent
    assert.throws(() => openSubpath(base, 'root'), (e: unknown) => e instanceof InvalidParameterError && /escapes the base directory/.test((e as Error).message));
    assert.throws(() => openSubpath(base, 'dir'), InvalidParameterError); // now a link to /
    assert.throws(() => openSubpath(base, 'nope'), (e: unknown) => e instanceof NotFoundError && /cannot access path/.test((e as Error).message));
    const file = openSubpath(base, 'moved/f');
    assert.equal(fs.readFileSync(file.source, 'utf8'), 'x');
    file.close();
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});
