import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lockDataRoot } from './data-root-lock.js';

test('one holder per data root; released by release() and by the holder\'s death', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-lock-'));
  try {
    const lock = await lockDataRoot(root);
    await assert.rejects(lockDataRoot(root), new RegExp(`data-root ${root} is in use by another berthd \\(pid ${process.pid}\\)`));
    await lock.release();
    const again = await lockDataRoot(root);
    await again.release();
    // a holder killed with -9 leaves nothing behind that blocks the next one
    const child = spawn(process.execPath, ['--input-type=module', '-e',
      `import { lockDataRoot } from ${JSON.stringify(new URL('./data-root-lock.js', import.meta.url).href)};
       await lockDataRoot(${JSON.stringify(root)}); process.stdout.write('locked\\n'); setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    await assert.rejects(lockDataRoot(root), /is in use by another berthd/);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    const after = await lockDataRoot(root);
    await after.release();
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
