import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ContainerStore } from './container-store.js';
import { Container, ZERO_TIME, type ContainerRecord } from './container.js';

function record(id: string, name: string): ContainerRecord {
  return {
    id, name, created: new Date().toISOString(), path: 'sh', args: [], config: {}, hostConfig: {}, image: 'sha256:x',
    state: { status: 'created', pid: 0, exitCode: 0, error: '', oomKilled: false, startedAt: ZERO_TIME, finishedAt: ZERO_TIME },
    restartCount: 0, hasBeenStartedBefore: false, hasBeenManuallyStopped: false, snapshotKey: id,
    logPath: '', hostnamePath: '', hostsPath: '', resolvConfPath: '',
  };
}

test('lookup by id, prefix and name; conflicts; persistence', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-'));
  const store = new ContainerStore(root);
  const a = 'ab'.repeat(32);
  const b = 'ac'.repeat(32);
  store.reserveName('web', a);
  store.add(new Container(record(a, 'web')));
  store.reserveName('db', b);
  store.add(new Container(record(b, 'db')));
  assert.equal(store.get('web').id, a);
  assert.equal(store.get('/db').id, b);
  assert.equal(store.get('aba').id, a);
  assert.throws(() => store.get('a'), /multiple IDs found with provided prefix: a/);
  assert.throws(() => store.get('nope'), /No such container: nope/);
  assert.throws(() => store.reserveName('web', b), /The container name "\/web" is already in use by container "abab/);

  const again = new ContainerStore(root);
  assert.equal(again.loadAll(() => undefined).length, 2);
  assert.equal(again.get('web').id, a);
  again.delete(again.get('web'));
  assert.throws(() => again.get('web'), /No such container/);
  assert.ok(!fs.existsSync(path.join(root, a)));
  fs.rmSync(root, { recursive: true });
});

test('waiters: next-exit resolves on exit, removed only on removal', async () => {
  const c = new Container(record('cd'.repeat(32), 'x'));
  c.record.state.status = 'running';
  const nextExit = c.wait('next-exit');
  const removed = c.wait('removed');
  let removedDone = false;
  void removed.then(() => { removedDone = true; });
  c.record.state = { ...c.record.state, status: 'exited', exitCode: 3 };
  c.notifyExit();
  assert.deepEqual(await nextExit, { StatusCode: 3, Error: null });
  await new Promise((r) => setImmediate(r));
  assert.equal(removedDone, false);
  c.notifyRemoved();
  assert.equal((await removed).StatusCode, 3);
  assert.deepEqual(await c.wait('not-running'), { StatusCode: 3, Error: null });
});

test('waiters: a removal after a failed start reports no Error (dockerd\'s SetRemovalError(nil))', async () => {
  const c = new Container(record('ef'.repeat(32), 'y'));
  const removed = c.wait('removed');
  c.record.state = { ...c.record.state, status: 'created', exitCode: 127, error: 'failed to create shim task: exec: "nope": executable file not found' };
  c.notifyRemoved();
  assert.deepEqual(await removed, { StatusCode: 127, Error: null });
});
