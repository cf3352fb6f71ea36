// Floor scenarios: what a scenario of issue 15's table costs without berthd, measured in the same
// run so the target table (targets.ts) can say how far below dockerd berthd could possibly go.
// They run on the berthd engine only (`only: 'berthd'`) and have two halves:
// - `floor/cli-…`: the same docker CLI command (or the same API calls) against a stub engine that
//   answers at once (stub-engine.ts): the client's own cost;
// - `floor/…`: the containerd operations berthd performs for it, straight over berthd's own
//   containerd gRPC client, on berthd's containerd, with the spec, runtime and shim group of a
//   container berthd started (containerd-direct.ts): containerd + shim + OCI runtime.
// A floor is their sum (for times) or the smaller of the two (for throughput ceilings); for memory,
// a bare Node process with berthd's V8 flags plus berthd's containerd.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createFifos } from '../src/runtime/containerd/fifo-io.js';
import { ApiClient } from './api-client.js';
import { DirectContainerd, newId, type Template } from './containerd-direct.js';
import type { Engine } from './engines.js';
import { rssOf } from './engines.js';
import { docker, type Scenario } from './scenarios.js';
import { startStubEngine, STUB_EXEC_EXIT, type StubEngine } from './stub-engine.js';

const STDIN_BYTES = 100 * 1024 * 1024;
let payload: { data: Buffer; digest: string } | undefined;
function stdinPayload(): { data: Buffer; digest: string } {
  if (!payload) {
    const data = crypto.randomBytes(STDIN_BYTES);
    payload = { data, digest: crypto.createHash('sha256').update(data).digest('hex') };
  }
  return payload;
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`verification failed: ${what}`);
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

// --- the stub engine (one per scenario, on the bench's own event loop, idle between requests)

let stub: StubEngine | undefined;
let stubDir: string | undefined;
async function withStub(): Promise<void> {
  stubDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-stub-'));
  stub = await startStubEngine(stubDir);
}
async function closeStub(): Promise<void> {
  await stub?.close();
  if (stubDir) fs.rmSync(stubDir, { recursive: true, force: true });
  stub = undefined;
  stubDir = undefined;
}
/** the engine `e` with its socket swapped for the stub's */
function stubbed(e: Engine): Engine {
  if (!stub) throw new Error('stub engine not started');
  return { ...e, host: stub.host };
}

// --- berthd's containerd, driven directly

interface Direct { dc: DirectContainerd; t: Template; berthdId: string }
let direct: Direct | undefined;

/** A `sleep` container started by berthd: the template whose containerd record the floor copies. */
async function withDirect(e: Engine): Promise<void> {
  if (!e.containerd) throw new Error(`${e.name} exposes no containerd endpoint`);
  const r = await docker(e, ['run', '-d', 'busybox', 'sleep', '600']);
  check(r.code === 0, `template container: ${r.stderr}`);
  const berthdId = r.stdout.toString().trim();
  const dc = new DirectContainerd(e.containerd);
  try {
    direct = { dc, t: await dc.template(berthdId), berthdId };
  } catch (err) {
    dc.close();
    throw err;
  }
}
async function closeDirect(e: Engine): Promise<void> {
  if (!direct) return;
  direct.dc.close();
  await e.api.json('DELETE', `/containers/${direct.berthdId}?force=1`).catch(() => undefined);
  direct = undefined;
}
function d(): Direct {
  if (!direct) throw new Error('template not prepared');
  return direct;
}

const GROUP_ANNOTATION = 'io.containerd.runc.v2.group';
let parallelSample = 0;

/** Where a task of a burst goes, as berthd's policy places it: at most 2 creations in flight per group, the anchor's group first. */
function burstGroup(t: Template, i: number): string | undefined {
  const warm = t.spec.annotations?.[GROUP_ANNOTATION];
  if (warm === undefined) return undefined; // --shim-group-size 1: a shim per task
  return i < 2 ? warm : `floor-${process.pid}-${parallelSample}-${i >> 1}`;
}

const only = 'berthd';

export const FLOOR_SCENARIOS: Scenario[] = [
  {
    // a bare Node process with berthd's node and V8 flags (bin/berthd, src/cmd/berthd-entry.ts), idle: node's own baseline
    name: 'floor/memory-idle-node', unit: 'MiB', higherIsBetter: false, iterations: 1, warmup: 0, only,
    sample: async () => {
      const child = spawn(process.execPath, ['--v8-pool-size=1', '--semi-space-growth-factor=1', '-e', 'setInterval(() => {}, 1 << 30)'], { stdio: 'ignore' });
      try {
        await new Promise((r) => setTimeout(r, 1000));
        return rssOf([child.pid!]) / 2 ** 20;
      } finally {
        child.kill('SIGKILL');
      }
    },
  },
  {
    // RSS of berthd's containerd alone (idle, no containers)
    name: 'floor/memory-idle-containerd', unit: 'MiB', higherIsBetter: false, iterations: 1, warmup: 0, only,
    sample: async (e) => rssOf(e.daemonPids().slice(1)) / 2 ** 20,
  },
  {
    name: 'floor/cli-run-rm', unit: 'ms', higherIsBetter: false, iterations: 15, warmup: 2, only,
    prepare: withStub,
    sample: (e) => timed(async () => {
      const r = await docker(stubbed(e), ['run', '--rm', 'busybox', 'true']);
      check(r.code === 0, `stub run exit ${r.code}: ${r.stderr}`);
    }),
    cleanup: closeStub,
  },
  {
    // snapshot prepare, container create, Tasks.Create (same runtime and shim group), Start, Wait, Delete, container delete, snapshot remove
    name: 'floor/run-rm', unit: 'ms', higherIsBetter: false, iterations: 15, warmup: 2, only,
    prepare: withDirect,
    sample: async () => {
      let status = -1;
      const ms = await timed(async () => { status = await d().dc.runRm(d().t, ['true']); });
      check(status === 0, `direct run exit ${status}`);
      return ms;
    },
    cleanup: closeDirect,
  },
  {
    name: 'floor/cli-run-rm-parallel-20', unit: 'ms', higherIsBetter: false, iterations: 4, warmup: 1, only,
    prepare: withStub,
    sample: (e) => timed(async () => {
      const rs = await Promise.all(Array.from({ length: 20 }, () => docker(stubbed(e), ['run', '--rm', 'busybox', 'echo', 'ok'])));
      for (const r of rs) check(r.code === 0, `stub parallel run: ${r.code} ${r.stderr}`);
    }),
    cleanup: closeStub,
  },
  {
    // 20 direct runs at once, placed in shim groups as berthd's policy would
    name: 'floor/run-rm-parallel-20', unit: 'ms', higherIsBetter: false, iterations: 4, warmup: 1, only,
    prepare: withDirect,
    sample: async () => {
      parallelSample++;
      let statuses: number[] = [];
      const ms = await timed(async () => {
        statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => d().dc.runRm(d().t, ['echo', 'ok'], burstGroup(d().t, i))));
      });
      check(statuses.every((s) => s === 0), `direct parallel exits ${statuses.join(',')}`);
      return ms;
    },
    cleanup: closeDirect,
  },
  {
    // the scenario's five API calls (create, start, stop, inspect, delete) against the stub
    name: 'floor/api-create-start-stop-rm', unit: 'ms', higherIsBetter: false, iterations: 10, warmup: 2, only,
    prepare: withStub,
    sample: async () => {
      const api = new ApiClient(stub!.socket);
      try {
        return await timed(async () => {
          const { Id } = await api.json<{ Id: string }>('POST', '/containers/create', { Image: 'busybox', Cmd: ['sleep', '300'] });
          await api.json('POST', `/containers/${Id}/start`);
          await api.json('POST', `/containers/${Id}/stop?t=0`);
          await api.json('GET', `/containers/${Id}/json`);
          await api.json('DELETE', `/containers/${Id}`);
        });
      } finally {
        api.close();
      }
    },
    cleanup: closeStub,
  },
  {
    // snapshot, container, task create + start of `sleep 300`, SIGKILL, Wait, deletes
    name: 'floor/create-start-stop-rm', unit: 'ms', higherIsBetter: false, iterations: 10, warmup: 2, only,
    prepare: withDirect,
    sample: async () => {
      let status = -1;
      const ms = await timed(async () => { status = await d().dc.createStartStopRm(d().t); });
      check(status === 137, `direct stop exit ${status}`);
      return ms;
    },
    cleanup: closeDirect,
  },
  {
    name: 'floor/cli-exec', unit: 'ms', higherIsBetter: false, iterations: 10, warmup: 2, only,
    prepare: withStub,
    sample: (e) => timed(async () => {
      const r = await docker(stubbed(e), ['exec', 'stub', 'sh', '-c', `exit ${STUB_EXEC_EXIT}`]);
      check(r.code === STUB_EXEC_EXIT, `stub exec exit ${r.code}: ${r.stderr}`);
    }),
    cleanup: closeStub,
  },
  {
    // Tasks.Exec, Start, Wait, DeleteProcess of `sh -c 'exit 7'` in the template's task
    name: 'floor/exec', unit: 'ms', higherIsBetter: false, iterations: 10, warmup: 2, only,
    prepare: withDirect,
    sample: async () => {
      let status = -1;
      const ms = await timed(async () => { status = await d().dc.exec(d().t, ['sh', '-c', 'exit 7']); });
      check(status === 7, `direct exec exit ${status}`);
      return ms;
    },
    cleanup: closeDirect,
  },
  {
    // the CLI's stream ceiling: 100 MiB through `docker run -i --rm busybox cat` against the stub, which echoes stdin
    name: 'floor/cli-stdin-cat-100MB', unit: 'MB/s', higherIsBetter: true, iterations: 3, warmup: 1, only,
    prepare: withStub,
    sample: async (e) => {
      const p = stdinPayload();
      let r: Awaited<ReturnType<typeof docker>> | undefined;
      const ms = await timed(async () => { r = await docker(stubbed(e), ['run', '-i', '--rm', 'busybox', 'cat'], p.data); });
      check(r!.code === 0 && r!.bytes === STDIN_BYTES && r!.sha256 === p.digest, `stub cat: ${r!.code} ${r!.bytes} bytes ${r!.stderr}`);
      return STDIN_BYTES / 2 ** 20 / (ms / 1000);
    },
    cleanup: closeStub,
  },
  {
    // the shim's ceiling: 100 MiB into the stdin FIFO of a direct `cat` task and out of its stdout FIFO
    name: 'floor/stdin-cat-100MB', unit: 'MB/s', higherIsBetter: true, iterations: 3, warmup: 1, only,
    prepare: withDirect,
    sample: async () => {
      const p = stdinPayload();
      const { dc, t } = d();
      const id = newId();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-fifo-'));
      const fifos = await createFifos(dir, { stdin: true, terminal: false });
      try {
        const hash = crypto.createHash('sha256');
        let bytes = 0;
        const out = new Promise<void>((resolve, reject) => {
          fifos.stdout.on('data', (c: Buffer) => { hash.update(c); bytes += c.length; });
          fifos.stdout.on('end', resolve);
          fifos.stdout.on('error', reject);
        });
        fifos.stderr?.resume();
        const mounts = await dc.rt.snapshots.prepare(id, t.parent);
        let status = -1;
        const ms = await timed(async () => {
          await dc.startWithIO(t, id, ['cat'], mounts, fifos.paths);
          const waited = dc.rt.waitTask(id);
          await new Promise<void>((resolve, reject) => fifos.stdin!.end(p.data, () => resolve()).once('error', reject));
          fifos.stdin!.destroy();
          await dc.rt.closeStdin(id, '');
          await out;
          status = (await waited).exitStatus;
        });
        await dc.remove(id);
        check(status === 0 && bytes === STDIN_BYTES && hash.digest('hex') === p.digest, `direct cat: exit ${status}, ${bytes} bytes`);
        return STDIN_BYTES / 2 ** 20 / (ms / 1000);
      } finally {
        fifos.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    cleanup: closeDirect,
  },
];
