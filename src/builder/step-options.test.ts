import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { chownIds, runHostConfig } from './step-options.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-chown-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
fs.mkdirSync(path.join(root, 'etc'));
fs.writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n');
fs.writeFileSync(path.join(root, 'etc/group'), 'root:x:0:\napp:x:1001:\nstaff:x:50:\n');

test('--chown by IDs and by names from the image', () => {
  assert.deepEqual(chownIds('5', root), { uid: 5, gid: 5 });
  assert.deepEqual(chownIds('5:6', root), { uid: 5, gid: 6 });
  assert.deepEqual(chownIds('app', root), { uid: 1000, gid: 1001 });
  assert.deepEqual(chownIds('app:staff', root), { uid: 1000, gid: 50 });
  assert.throws(() => chownIds('nobody', root), /can't find uid for user nobody/);
});

test('RUN containers get the build\'s limits', () => {
  assert.deepEqual(runHostConfig({ memory: 5, networkMode: 'default', extraHosts: ['a:1.2.3.4'] } as never), { Memory: 5, ExtraHosts: ['a:1.2.3.4'] });
});
