import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mountDirs } from '../runtime/mount-dirs.js';
import { containerChanges, initOnlyPaths } from './container-changes.js';

test('changes from an overlay upper dir: added, modified parents; init-layer mount points left out', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-changes-'));
  try {
    const lower = path.join(root, 'lower');
    const upper = path.join(root, 'upper');
    for (const d of ['lower/etc', 'lower/tmp', 'upper/etc', 'upper/tmp/new', 'upper/dev']) fs.mkdirSync(path.join(root, d), { recursive: true });
    fs.writeFileSync(path.join(lower, 'etc/passwd'), 'root');
    fs.writeFileSync(path.join(upper, 'etc/hosts'), ''); // a runc mount point: not a change
    fs.writeFileSync(path.join(upper, 'tmp/new/f'), 'x');
    fs.writeFileSync(path.join(upper, 'top'), 'x');
    const mounts = [{ type: 'overlay', source: 'overlay', options: ['index=off', `workdir=${root}/work`, `upperdir=${upper}`, `lowerdir=${lower}`] }];
    assert.deepEqual(mountDirs(mounts), { upper, lowers: [lower] });
    assert.deepEqual([...initOnlyPaths(upper)].sort(), ['/dev', '/etc', '/etc/hosts']);
    assert.deepEqual(containerChanges(mounts), [
      { Path: '/tmp', Kind: 0 }, { Path: '/tmp/new', Kind: 1 }, { Path: '/tmp/new/f', Kind: 1 }, { Path: '/top', Kind: 1 },
    ]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
