// Benchmark scenarios. Each takes one sample per call against one engine and verifies its result
// (exit codes, byte counts), throwing when it is wrong: a fast wrong answer is not a result.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Engine } from './engines.js';
import { footprintOf, rssOf, sharedOnceOf } from './engines.js';
import { REGISTRY_SCENARIOS } from './registry-scenarios.js';
import { CLIENT_SCENARIOS } from './client-scenarios.js';
import { FLOOR_SCENARIOS } from './floor-scenarios.js';

export interface Scenario {
  name: string;
  unit: string;
  /** true for rates (req/s, MB/s): a ratio above 1 means berthd is better */
  higherIsBetter: boolean;
  iterations: number;
  warmup: number;
  prepare?(e: Engine): Promise<void>;
  sample(e: Engine): Promise<number>;
  cleanup?(e: Engine): Promise<void>;
  /** run on this engine only (the floor scenarios: berthd's containerd without berthd) */
  only?: string;
}

interface CliResult { code: number; stdout: Buffer; stderr: string; bytes: number; sha256: string }

/** Runs the docker CLI against an engine, streaming stdout into a hash so big outputs cost no memory. */
export function docker(e: Engine, args: string[], input?: Buffer | ((w: NodeJS.WritableStream) => void)): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { env: { ...process.env, DOCKER_HOST: e.host }, stdio: ['pipe', 'pipe', 'pipe'] });
    const hash = crypto.createHash('sha256');
    const head: Buffer[] = [];
    let bytes = 0;
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { hash.update(c); if (bytes < 65536) head.push(c); bytes += c.length; });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(head), stderr, bytes, sha256: hash.digest('hex') }));
    if (typeof input === 'function') input(child.stdin);
    else child.stdin.end(input);
  });
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`verification failed: ${what}`);
}

const byEngine = new Map<string, string[]>();

async function createContainers(e: Engine, n: number, cmd: string[], start: boolean): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 10) {
    const batch = await Promise.all(Array.from({ length: Math.min(10, n - i) }, async () => {
      const { Id } = await e.api.json<{ Id: string }>('POST', '/containers/create', { Image: 'busybox', Cmd: cmd });
      if (start) await e.api.json('POST', `/containers/${Id}/start`);
      return Id;
    }));
    ids.push(...batch);
  }
  return ids;
}

async function removeContainers(e: Engine, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 10) {
    await Promise.all(ids.slice(i, i + 10).map((id) => e.api.json('DELETE', `/containers/${id}?force=1`)));
  }
}

const LOG_BYTES = 200 * 1024 * 1024;
const IDLE_SETTLE_MS = 12_000;
const STDIN_BYTES = 100 * 1024 * 1024;
const stdinPayload = crypto.randomBytes(STDIN_BYTES);
const stdinDigest = crypto.createHash('sha256').update(stdinPayload).digest('hex');
const CP_BYTES = 100 * 1024 * 1024;
const CP_FILE = '/tmp/berth-bench-cp-100M';
let cpFileWritten = false;

/** A stopped container whose command prints the checksum of the copied file, and the host file. */
async function prepareCp(e: Engine, key: string): Promise<string> {
  // the payload is random per run: write it once per run, never reuse an older file
  if (!cpFileWritten) { fs.writeFileSync(CP_FILE, stdinPayload); cpFileWritten = true; }
  const { Id } = await e.api.json<{ Id: string }>('POST', '/containers/create', { Image: 'busybox', Cmd: ['sha256sum', '/bench-cp'] });
  byEngine.set(key, [Id]);
  return Id;
}


const BUILD_CTX = '/tmp/berth-bench-build';
const BUILD_STEPS = 6;

/** A small multi-step build context (a few files, two RUN steps), written once per run. */
function buildContext(): string {
  fs.rmSync(BUILD_CTX, { recursive: true, force: true });
  fs.mkdirSync(`${BUILD_CTX}/src`, { recursive: true });
  for (let i = 0; i < 20; i++) fs.writeFileSync(`${BUILD_CTX}/src/f${i}.txt`, `file ${i}\n`.repeat(100));
  fs.writeFileSync(`${BUILD_CTX}/Dockerfile`, [
    'FROM busybox', 'ENV APP=/app', 'WORKDIR /app', 'COPY src/ /app/src/',
    'RUN cat /app/src/*.txt | wc -l > /lines', 'RUN echo built > /built', 'CMD ["cat", "/built"]',
  ].join('\n'));
  return BUILD_CTX;
}

/** `docker build` with the classic builder (both engines serve it as /build). */
function classicBuild(e: Engine, args: string[]): Promise<CliResult> {
  const saved = process.env.DOCKER_BUILDKIT;
  process.env.DOCKER_BUILDKIT = '0';
  try { return docker(e, ['build', ...args]); } finally {
    if (saved === undefined) delete process.env.DOCKER_BUILDKIT; else process.env.DOCKER_BUILDKIT = saved;
  }
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'memory-idle', unit: 'MiB', higherIsBetter: false, iterations: 1, warmup: 0,
    // idle: after a few seconds without requests (each engine's runtime may give memory back by then)
    sample: async (e) => { await new Promise((r) => setTimeout(r, IDLE_SETTLE_MS)); return footprintOf(e) / 1024 / 1024; },
  },
  {
    name: 'run-rm', unit: 'ms', higherIsBetter: false, iterations: 15, warmup: 2,
    sample: (e) => timed(async () => {
      const r = await docker(e, ['run', '--rm', 'busybox', 'true']);
      check(r.code === 0, `docker run exit ${r.code}: ${r.stderr}`);
    }),
  },
  {
    name: 'run-rm-parallel-20', unit: 'ms', higherIsBetter: false, iterations: 4, warmup: 1,
    sample: (e) => timed(async () => {
      const rs = await Promise.all(Array.from({ length: 20 }, () => docker(e, ['run', '--rm', 'busybox', 'echo', 'ok'])));
      for (const r of rs) check(r.code === 0 && r.stdout.toString() === 'ok\n', `parallel run: ${r.code} ${r.stderr}`);
    }),
  },
  {
    name: 'create-start-stop-rm', unit: 'ms', higherIsBetter: false, iterations: 10, warmup: 2,
    sample: (e) => timed(async () => {
      const { Id } = await e.api.json<{ Id: string }>('POST', '/containers/create', { Image: 'busybox', Cmd: ['sleep', '300'] });
      await e.api.json('POST', `/containers/${Id}/start`);
      await e.api.json('POST', `/containers/${Id}/stop?t=0`);
      const state = await e.api.json<{ State: { Status: string } }>('GET', `/containers/${Id}/json`);
      check(state.State.Status === 'exited', `state after stop: ${state.State.Status}`);
      await e.api.json('DELETE', `/containers/${Id}`);
    }),
  },
  {
    name: 'list-100-req/s', unit: 'req/s', higherIsBetter: true, iterations: 3, warmup: 1,
    prepare: async (e) => { byEngine.set(`list-${e.name}`, await createContainers(e, 100, ['true'], false)); },
    sample: async (e) => {
      const list = await e.api.json<unknown[]>('GET', '/containers/json?all=1');
      check(list.length >= 100, `list has ${list.length} containers`);
      return e.api.rate('/containers/json?all=1', 2000);
    },
    cleanup: async (e) => { await removeContainers(e, byEngine.get(`list-${e.name}`) ?? []); },
  },
  {
    name: 'inspect-req/s', unit: 'req/s', higherIsBetter: true, iterations: 3, warmup: 1,
    prepare: async (e) => { byEngine.set(`inspect-${e.name}`, await createContainers(e, 100, ['true'], false)); },
    sample: (e) => e.api.rate(`/containers/${byEngine.get(`inspect-${e.name}`)![50]}/json`, 2000),
    cleanup: async (e) => { await removeContainers(e, byEngine.get(`inspect-${e.name}`) ?? []); },
  },
  {
    name: 'ping-req/s', unit: 'req/s', higherIsBetter: true, iterations: 3, warmup: 1,
    sample: (e) => e.api.rate('/_ping', 1500),
  },
  {
    name: 'exec', unit: 'ms', higherIsBetter: false, iterations: 10, warmup: 2,
    prepare: async (e) => { byEngine.set(`exec-${e.name}`, await createContainers(e, 1, ['sleep', '600'], true)); },
    sample: async (e) => {
      const id = byEngine.get(`exec-${e.name}`)![0]!;
      return timed(async () => {
        const r = await docker(e, ['exec', id, 'sh', '-c', 'exit 7']);
        check(r.code === 7, `exec exit ${r.code}: ${r.stderr.trim()}`);
      });
    },
    cleanup: async (e) => { await removeContainers(e, byEngine.get(`exec-${e.name}`) ?? []); },
  },
  {
    // exec throughput: 50 `docker exec c true` one after the other (each exit code checked), total wall time
    name: 'exec-50-sequential', unit: 'ms', higherIsBetter: false, iterations: 3, warmup: 1,
    prepare: async (e) => { byEngine.set(`exec50-${e.name}`, await createContainers(e, 1, ['sleep', '600'], true)); },
    sample: async (e) => {
      const id = byEngine.get(`exec50-${e.name}`)![0]!;
      return timed(async () => {
        for (let i = 0; i < 50; i++) {
          const r = await docker(e, ['exec', id, 'true']);
          check(r.code === 0, `exec ${i} exit ${r.code}: ${r.stderr.trim()}`);
        }
      });
    },
    cleanup: async (e) => { await removeContainers(e, byEngine.get(`exec50-${e.name}`) ?? []); },
  },
  {
    // exec output throughput: 100 MiB of 100-byte lines out of `docker exec` (multiplexed), byte count checked
    name: 'exec-out-100MB', unit: 'MB/s', higherIsBetter: true, iterations: 3, warmup: 1,
    prepare: async (e) => { byEngine.set(`execout-${e.name}`, await createContainers(e, 1, ['sleep', '600'], true)); },
    sample: async (e) => {
      const id = byEngine.get(`execout-${e.name}`)![0]!;
      let r: CliResult | undefined;
      const ms = await timed(async () => { r = await docker(e, ['exec', id, 'sh', '-c', `yes ${'x'.repeat(99)} | head -c ${STDIN_BYTES}`]); });
      check(r!.code === 0, `exec exit ${r!.code}: ${r!.stderr}`);
      check(r!.bytes === STDIN_BYTES, `exec returned ${r!.bytes} bytes, expected ${STDIN_BYTES}`);
      return STDIN_BYTES / 1024 / 1024 / (ms / 1000);
    },
    cleanup: async (e) => { await removeContainers(e, byEngine.get(`execout-${e.name}`) ?? []); },
  },
  {
    name: 'logs-200MB', unit: 'MB/s', higherIsBetter: true, iterations: 3, warmup: 1,
    prepare: async (e) => {
      // 200 MiB of 100-byte lines written to stdout, then read back with `docker logs`.
      const line = 'x'.repeat(99);
      const r = await docker(e, ['run', '-d', 'busybox', 'sh', '-c', `yes ${line} | head -c ${LOG_BYTES}`]);
      check(r.code === 0, `logs container: ${r.stderr}`);
      const id = r.stdout.toString().trim();
      const status = await e.api.json<{ StatusCode: number }>('POST', `/containers/${id}/wait`);
      check(status.StatusCode === 0, `log writer exit ${status.StatusCode}`);
      byEngine.set(`logs-${e.name}`, [id]);
    },
    sample: async (e) => {
      const id = byEngine.get(`logs-${e.name}`)![0]!;
      let bytes = 0;
      const ms = await timed(async () => {
        const r = await docker(e, ['logs', id]);
        check(r.code === 0, `docker logs exit ${r.code}`);
        bytes = r.bytes;
      });
      check(bytes === LOG_BYTES, `docker logs returned ${bytes} bytes, expected ${LOG_BYTES}`);
      return bytes / 1024 / 1024 / (ms / 1000);
    },
    cleanup: async (e) => { await removeContainers(e, byEngine.get(`logs-${e.name}`) ?? []); },
  },
  {
    name: 'attach-out-200MB', unit: 'MB/s', higherIsBetter: true, iterations: 3, warmup: 1,
    sample: async (e) => {
      // `docker run` (attached, not a TTY): 200 MiB of 100-byte lines from the container's stdout
      // through the multiplexed attach stream (and into the json-file log on the way).
      const line = 'x'.repeat(99);
      let r: CliResult | undefined;
      const ms = await timed(async () => { r = await docker(e, ['run', '--rm', 'busybox', 'sh', '-c', `yes ${line} | head -c ${LOG_BYTES}`]); });
      check(r!.code === 0, `attach run exit ${r!.code}: ${r!.stderr}`);
      check(r!.bytes === LOG_BYTES, `attach returned ${r!.bytes} bytes, expected ${LOG_BYTES}`);
      return LOG_BYTES / 1024 / 1024 / (ms / 1000);
    },
  },
  {
    name: 'stdin-cat-100MB', unit: 'MB/s', higherIsBetter: true, iterations: 3, warmup: 1,
    sample: async (e) => {
      let r: CliResult | undefined;
      const ms = await timed(async () => { r = await docker(e, ['run', '-i', '--rm', 'busybox', 'cat'], stdinPayload); });
      check(r!.code === 0, `cat exit ${r!.code}: ${r!.stderr}`);
      if (process.env.BENCH_VERBOSE) console.error(`  ${e.name} stdin sample ${ms.toFixed(0)} ms, daemon RSS ${(rssOf(e.daemonPids()) / 2 ** 20).toFixed(0)} MiB`);
      check(r!.bytes === STDIN_BYTES && r!.sha256 === stdinDigest, `cat returned ${r!.bytes} bytes (checksum ${r!.sha256 === stdinDigest ? 'ok' : 'wrong'})`);
      return STDIN_BYTES / 1024 / 1024 / (ms / 1000);
    },
  },
  {
    // docker cp host→container of 100 MiB into a stopped container, checked by its sha256sum
    name: 'cp-in-100MB', unit: 'MB/s', higherIsBetter: true, iterations: 3, warmup: 1,
    prepare: async (e) => { await prepareCp(e, `cpin-${e.name}`); },
    sample: async (e) => {
      const id = byEngine.get(`cpin-${e.name}`)![0]!;
      const ms = await timed(async () => {
        const r = await docker(e, ['cp', CP_FILE, `${id}:/bench-cp`]);
        check(r.code === 0, `docker cp in: ${r.stderr}`);
      });
      const sum = await docker(e, ['start', '-a', id]);
      check(sum.stdout.toString().startsWith(stdinDigest), `copied file checksum: ${sum.stdout.toString().trim()} ${sum.stderr}`);
      return CP_BYTES / 1024 / 1024 / (ms / 1000);
    },
    cleanup: async (e) => { await removeContainers(e, byEngine.get(`cpin-${e.name}`) ?? []); },
  },
  {
    // docker cp container→stdout (a tar) of a 100 MiB file
    name: 'cp-out-100MB', unit: 'MB/s', higherIsBetter: true, iterations: 3, warmup: 1,
    prepare: async (e) => {
      const id = await prepareCp(e, `cpout-${e.name}`);
      const r = await docker(e, ['cp', CP_FILE, `${id}:/bench-cp`]);
      check(r.code === 0, `docker cp in: ${r.stderr}`);
    },
    sample: async (e) => {
      const id = byEngine.get(`cpout-${e.name}`)![0]!;
      let r: CliResult | undefined;
      const ms = await timed(async () => { r = await docker(e, ['cp', `${id}:/bench-cp`, '-']); });
      check(r!.code === 0, `docker cp out: ${r!.stderr}`);
      // one file: its header(s), the data rounded up to 512 bytes, and the end-of-archive blocks
      check(r!.bytes >= CP_BYTES + 512 && r!.bytes <= CP_BYTES + 16384, `docker cp out gave ${r!.bytes} bytes`);
      return CP_BYTES / 1024 / 1024 / (ms / 1000);
    },
    cleanup: async (e) => { await removeContainers(e, byEngine.get(`cpout-${e.name}`) ?? []); },
  },
  {
    // docker build (classic builder) of a 7-step Dockerfile with --no-cache: two RUN containers, a COPY layer
    name: 'build-cold', unit: 'ms', higherIsBetter: false, iterations: 5, warmup: 1,
    prepare: async () => { buildContext(); },
    sample: async (e) => {
      let r: CliResult | undefined;
      const ms = await timed(async () => { r = await classicBuild(e, ['--no-cache', '-t', 'bench-build', BUILD_CTX]); });
      const out = r!.stdout.toString();
      check(r!.code === 0 && /Successfully built/.test(out) && !/Using cache/.test(out), `cold build: ${r!.stderr}`);
      return ms;
    },
    cleanup: async () => { fs.rmSync(BUILD_CTX, { recursive: true, force: true }); },
  },
  {
    // the same build again with nothing changed: every step from the cache
    name: 'build-warm', unit: 'ms', higherIsBetter: false, iterations: 10, warmup: 1,
    prepare: async (e) => {
      buildContext();
      const r = await classicBuild(e, ['-t', 'bench-build', BUILD_CTX]);
      check(r.code === 0, `first build: ${r.stderr}`);
    },
    sample: async (e) => {
      let r: CliResult | undefined;
      const ms = await timed(async () => { r = await classicBuild(e, ['-t', 'bench-build', BUILD_CTX]); });
      const hits = (r!.stdout.toString().match(/Using cache/g) ?? []).length;
      check(r!.code === 0 && hits === BUILD_STEPS, `warm build: ${hits} cache hits ${r!.stderr}`);
      return ms;
    },
    cleanup: async () => { fs.rmSync(BUILD_CTX, { recursive: true, force: true }); },
  },
  {
    name: 'memory-100-sleeping', unit: 'MiB', higherIsBetter: false, iterations: 1, warmup: 0,
    prepare: async (e) => { byEngine.set(`mem-${e.name}`, await createContainers(e, 100, ['sleep', '600'], true)); },
    sample: async (e) => {
      const running = await e.api.json<unknown[]>('GET', '/containers/json');
      check(running.length >= 100, `${running.length} containers running`);
      const pids = e.daemonPids();
      if (process.env.BENCH_VERBOSE) console.error(`  ${e.name} RSS by process: ${pids.map((p) => `${p}=${(rssOf([p]) / 2 ** 20).toFixed(0)}MiB`).join(' ')}`);
      return rssOf(pids) / 1024 / 1024;
    },
    cleanup: async (e) => { await removeContainers(e, byEngine.get(`mem-${e.name}`) ?? []); },
  },
  {
    // the whole cost of running containers: daemon + containerd (RSS) + every shim (engines.ts footprintOf)
    name: 'memory-100-running', unit: 'MiB', higherIsBetter: false, iterations: 1, warmup: 0,
    prepare: async (e) => { byEngine.set(`mem-run-${e.name}`, await createContainers(e, 100, ['sleep', '600'], true)); },
    // the steady state of 100 running containers: measured after the same settle as memory-idle, once the
    // start burst's transient memory is given back (each engine's runtime may do so by then); the
    // figure right after the burst is printed with BENCH_VERBOSE
    sample: async (e) => {
      const running = await e.api.json<unknown[]>('GET', '/containers/json');
      check(running.length >= 100, `${running.length} containers running`);
      const show = (when: string): void => {
        if (!process.env.BENCH_VERBOSE) return;
        const shims = e.shimPids();
        console.error(`  ${e.name} ${when}: daemon+containerd RSS ${(rssOf(e.daemonPids()) / 2 ** 20).toFixed(0)} MiB, ${shims.length} shim processes ${(sharedOnceOf(shims) / 2 ** 20).toFixed(0)} MiB (RSS summed ${(rssOf(shims) / 2 ** 20).toFixed(0)} MiB), footprint ${(footprintOf(e) / 2 ** 20).toFixed(0)} MiB`);
      };
      show('right after the starts');
      await new Promise((r) => setTimeout(r, IDLE_SETTLE_MS));
      show(`after ${IDLE_SETTLE_MS / 1000} s`);
      return footprintOf(e) / 1024 / 1024;
    },
    cleanup: async (e) => { await removeContainers(e, byEngine.get(`mem-run-${e.name}`) ?? []); },
  },
  {
    // 100 created containers started at once over the API (creation and removal are not timed)
    name: 'start-burst-100', unit: 'ms', higherIsBetter: false, iterations: 2, warmup: 0,
    sample: async (e) => {
      const ids = await createContainers(e, 100, ['sleep', '600'], false);
      try {
        const ms = await timed(async () => { await Promise.all(ids.map((id) => e.api.json('POST', `/containers/${id}/start`))); });
        const running = await e.api.json<unknown[]>('GET', '/containers/json');
        check(running.length >= 100, `${running.length} of 100 running after the burst`);
        return ms;
      } finally {
        await removeContainers(e, ids);
      }
    },
  },
  {
    name: 'stats-no-stream-20', unit: 'ms', higherIsBetter: false, iterations: 5, warmup: 1,
    prepare: async (e) => { byEngine.set(`stats-${e.name}`, await createContainers(e, 20, ['sleep', '600'], true)); },
    sample: (e) => timed(async () => {
      const ids = byEngine.get(`stats-${e.name}`)!;
      const r = await docker(e, ['stats', '--no-stream', '--format', '{{.ID}} {{.MemUsage}} {{.PIDs}}', ...ids]);
      const lines = r.stdout.toString().trim().split('\n');
      check(r.code === 0 && lines.length === 20 && lines.every((l) => / \/ .+ 1$/.test(l)), `stats: ${r.code} ${r.stderr} ${lines.length} lines`);
    }),
    cleanup: async (e) => { await removeContainers(e, byEngine.get(`stats-${e.name}`) ?? []); },
  },
  ...REGISTRY_SCENARIOS,
  ...CLIENT_SCENARIOS,
  ...FLOOR_SCENARIOS,
];
