// Registry scenarios: push and pull of a 50 MiB image (one layer of random bytes over busybox)
// through one local registry (Debian's docker-registry on 127.0.0.1, which both engines reach over
// plain HTTP as loopback). Each push sample pushes new content to a new repository; each pull
// sample pulls an image the engine does not have.
import fs from 'node:fs';
import path from 'node:path';
import { LocalRegistry, registrySkipReason } from '../test/integration/registry-fixture.js';
import type { Engine } from './engines.js';
import { docker, type Scenario } from './scenarios.js';

const IMAGE_BYTES = 50 * 1024 * 1024;
let registry: Promise<LocalRegistry> | undefined;
let counter = 0;

function localRegistry(): Promise<LocalRegistry> {
  registry ??= (async () => {
    if (registrySkipReason) throw new Error(registrySkipReason);
    const root = fs.mkdtempSync(path.join('/tmp', 'bench-registry-'));
    const r = new LocalRegistry(root);
    await r.start();
    process.once('exit', () => { void r.stop(); fs.rmSync(root, { recursive: true, force: true }); });
    return r;
  })();
  return registry;
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`verification failed: ${what}`);
}

/** A new 50 MiB image named `ref` on engine `e` (not timed). */
async function makeImage(e: Engine, ref: string): Promise<void> {
  const name = `bench-mk-${process.pid}-${++counter}`;
  const run = await docker(e, ['run', '--name', name, 'busybox', 'sh', '-c', `head -c ${IMAGE_BYTES} /dev/urandom > /payload`]);
  check(run.code === 0, `make image: ${run.stderr}`);
  const commit = await docker(e, ['commit', name, ref]);
  check(commit.code === 0, `commit: ${commit.stderr}`);
  await docker(e, ['rm', name]);
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const pullRefs = new Map<string, string>();

export const REGISTRY_SCENARIOS: Scenario[] = [
  {
    name: 'push-50MB', unit: 'ms', higherIsBetter: false, iterations: 3, warmup: 0,
    prepare: async () => { await localRegistry(); },
    sample: async (e) => {
      const reg = await localRegistry();
      const ref = `${reg.host}/push-${e.name}-${++counter}:1`;
      await makeImage(e, ref);
      let out = '';
      const ms = await timed(async () => {
        const r = await docker(e, ['push', ref]);
        check(r.code === 0, `push: ${r.stderr}`);
        out = r.stdout.toString();
      });
      check(/1: digest: sha256:[a-f0-9]{64} size: \d+/.test(out), `push output: ${out}`);
      await docker(e, ['rmi', ref]);
      return ms;
    },
  },
  {
    name: 'pull-50MB', unit: 'ms', higherIsBetter: false, iterations: 3, warmup: 0,
    prepare: async (e) => {
      const reg = await localRegistry();
      const ref = `${reg.host}/pull-${e.name}-${++counter}:1`;
      await makeImage(e, ref);
      const r = await docker(e, ['push', ref]);
      check(r.code === 0, `push: ${r.stderr}`);
      await docker(e, ['rmi', ref]);
      pullRefs.set(e.name, ref);
    },
    sample: async (e) => {
      const ref = pullRefs.get(e.name)!;
      const ms = await timed(async () => {
        const r = await docker(e, ['pull', ref]);
        check(r.code === 0 && r.stdout.toString().includes('Downloaded newer image'), `pull: ${r.stderr}${r.stdout.toString()}`);
      });
      const rmi = await docker(e, ['rmi', ref]);
      check(rmi.code === 0, `rmi: ${rmi.stderr}`);
      return ms;
    },
  },
];
