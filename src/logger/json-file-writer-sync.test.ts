import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JsonFileWriter } from './json-file-writer.js';

test('sync: output is in the file when write() returns (nothing held for a crash to lose)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-sync-'));
  try {
    const p = path.join(dir, 'c-json.log');
    const w = new JsonFileWriter(p, { sync: true });
    for (let i = 0; i < 1000; i++) assert.equal(w.write('stdout', Buffer.from(`line-${i}\n`)), true);
    const lines = fs.readFileSync(p, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { log: string }).log);
    assert.equal(lines.length, 1000);
    assert.equal(lines[999], 'line-999\n');
    await w.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
