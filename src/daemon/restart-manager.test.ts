import { test } from 'node:test';
import assert from 'node:assert/strict';
import { policyWantsRestart, RestartManager } from './restart-manager.js';

test('on-failure:2 restarts twice on failures and never on success', () => {
  const rm = new RestartManager({ Name: 'on-failure', MaximumRetryCount: 2 }, 0);
  assert.deepEqual(rm.shouldRestart(0, false, 0), { restart: false });
  assert.equal(rm.shouldRestart(1, false, 0).restart, true);
  assert.equal(rm.shouldRestart(1, false, 0).restart, true);
  assert.equal(rm.shouldRestart(1, false, 0).restart, false);
});

test('backoff doubles from 100 ms, caps at a minute and resets after 10 s of running', () => {
  const rm = new RestartManager({ Name: 'always' }, 0);
  const delays = Array.from({ length: 12 }, () => {
    const d = rm.shouldRestart(0, false, 50);
    return d.restart ? d.delayMs : -1;
  });
  assert.deepEqual(delays.slice(0, 4), [100, 200, 400, 800]);
  assert.equal(delays[11], 60_000);
  assert.deepEqual(rm.shouldRestart(0, false, 10_000), { restart: true, delayMs: 100 });
});

test('policies: always ignores a manual stop, unless-stopped honours it, no never restarts', () => {
  assert.equal(policyWantsRestart({ Name: 'always' }, 0, true, 0), true);
  assert.equal(policyWantsRestart({ Name: 'unless-stopped' }, 0, true, 0), false);
  assert.equal(policyWantsRestart({ Name: 'unless-stopped' }, 137, false, 0), true);
  assert.equal(policyWantsRestart({ Name: 'no' }, 1, false, 0), false);
  assert.equal(policyWantsRestart(undefined, 1, false, 0), false);
  assert.equal(policyWantsRestart({ Name: 'on-failure' }, 1, false, 1000), true);
});

test('cancel ends a pending wait and later decisions', async () => {
  const rm = new RestartManager({ Name: 'always' }, 0);
  const d = rm.shouldRestart(1, false, 0);
  assert.ok(d.restart);
  const waiting = rm.wait(60_000);
  rm.cancel();
  assert.equal(await waiting, false);
  assert.deepEqual(rm.shouldRestart(1, false, 0), { restart: false });
  assert.equal(await rm.wait(1), false);
});
