import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Container } from './container.js';
import { ContainerHooks } from './hooks.js';

const container = new Container({ id: 'c1' } as ConstructorParameters<typeof Container>[0]);

test('hooks: create and start steps in order, exit and remove steps in reverse; spec options collected', async () => {
  const calls: string[] = [];
  const logs: string[] = [];
  const hooks = new ContainerHooks((m) => logs.push(m));
  for (const name of ['net', 'vol']) {
    hooks.add({
      name,
      prepare: async () => { calls.push(`${name}.prepare`); },
      beforeTaskStart: async () => { calls.push(`${name}.start`); return [(s) => { s.hostname = name; }]; },
      afterExit: async () => { calls.push(`${name}.exit`); },
      release: async () => { calls.push(`${name}.release`); if (name === 'vol') throw new Error('busy'); },
    });
  }
  await hooks.prepare(container);
  const options = await hooks.beforeTaskStart(container);
  await hooks.afterExit(container);
  await hooks.release(container);
  assert.deepEqual(calls, ['net.prepare', 'vol.prepare', 'net.start', 'vol.start', 'vol.exit', 'net.exit', 'vol.release', 'net.release']);
  assert.equal(options.length, 2);
  // a failing release is logged and the others still run
  assert.deepEqual(logs, ['vol release c1: busy']);
});

test('hooks: a failing prepare refuses (the error reaches the caller)', async () => {
  const hooks = new ContainerHooks(() => undefined);
  hooks.add({ name: 'net', prepare: async () => { throw new Error('no address left'); } });
  await assert.rejects(hooks.prepare(container), /no address left/);
});
