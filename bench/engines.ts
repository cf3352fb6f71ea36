// The engines a benchmark compares: berthd (managed containerd, temp roots) and, when installed,
// a reference dockerd with its own data root, exec root and socket. Both are driven only through
// their sockets, with the same docker CLI and the same HTTP client.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Berthd } from '../test/integration/harness.js';
import { ApiClient } from './api-client.js';

export interface Engine {
  name: string;
  host: string;
  api: ApiClient;
  /** PIDs whose RSS counts as the daemon's: the daemon and its containerd */
  daemonPids(): number[];
  /** the containerd shims serving this engine's containers and the runc processes they keep */
  shimPids(): number[];
  stop(): Promise<void>;
  /** the engine's own containerd, for the floor scenarios (berthd's managed one) */
  containerd?: { address: string; namespace: string };
}

function childPids(pid: number, name: string): number[] {
  const r = spawnSync('pgrep', ['-P', String(pid), ...(name ? [name] : [])], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number);
}

export async function startBerth(root: string): Promise<Engine> {
  // no default bridge, like the reference dockerd's --bridge=none: both engines run containers without a network
  // BENCH_BERTHD_ARGS: extra berthd flags (e.g. `--default-runtime runc` to compare runtimes)
  // at the default log level, as dockerd runs (debug logging costs CPU on every request)
  const d = new Berthd(root, ['--bridge', 'none', ...(process.env.BENCH_BERTHD_ARGS ?? '').split(' ').filter(Boolean)], { debug: false });
  await d.start();
  return {
    name: 'berthd',
    host: d.host,
    api: new ApiClient(d.socket),
    daemonPids: () => {
      const pid = d.proc!.pid!;
      const containerdPid = Number(fs.readFileSync(path.join(d.execRoot, 'containerd', 'containerd.pid'), 'utf8').trim());
      return [pid, containerdPid];
    },
    // the log relay's copiers (src/logrelay/) count with the shims: per-container processes outside the daemon's tree
    shimPids: () => [...shimPidsUnder(root), ...copierPidsUnder(root)],
    stop: async () => { await d.stop('SIGTERM'); d.cleanup(); },
    containerd: { address: path.join(d.execRoot, 'containerd', 'containerd.sock'), namespace: 'berth' },
  };
}

export function dockerdAvailable(): boolean {
  return spawnSync('sh', ['-c', 'command -v dockerd']).status === 0;
}

export async function startDockerd(root: string): Promise<Engine> {
  fs.mkdirSync(root, { recursive: true });
  const socket = path.join(root, 'docker.sock');
  const log = fs.openSync(path.join(root, 'dockerd.log'), 'a');
  const proc: ChildProcess = spawn('dockerd', [
    '--data-root', path.join(root, 'data'), '--exec-root', path.join(root, 'exec'), '-H', `unix://${socket}`,
    '--pidfile', path.join(root, 'docker.pid'), '--bridge=none', '--iptables=false', '--ip6tables=false',
  ], { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const api = new ApiClient(socket);
  const deadline = Date.now() + 60_000;
  for (;;) {
    try { if ((await api.request('GET', '/_ping')).status === 200) break; } catch { /* starting */ }
    if (proc.exitCode !== null || Date.now() > deadline) {
      throw new Error(`dockerd did not start: ${fs.readFileSync(path.join(root, 'dockerd.log'), 'utf8').slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    name: 'dockerd',
    host: `unix://${socket}`,
    api,
    daemonPids: () => [proc.pid!, ...childPids(proc.pid!, 'containerd')],
    shimPids: () => shimPidsUnder(root),
    stop: async () => {
      api.close();
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      await exited;
      spawnSync('sh', ['-c', `grep -o " ${root}[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l`]);
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Resident set size in bytes of the given processes. */
export function rssOf(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) total += Number(m[1]) * 1024;
    } catch { /* gone */ }
  }
  return total;
}

/**
 * Every containerd shim whose containerd socket (`-address`) lies under `root` — shims leave their
 * parent's process tree, so they are found by command line — plus their children that are no
 * container's own process: runc itself, and berthd's shim anchor (src/runtime/shim-groups/).
 */
export function shimPidsUnder(root: string): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try { args = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0'); } catch { continue; }
    if (!/containerd-shim/.test(args[0] ?? '')) continue;
    const address = args[args.indexOf('-address') + 1] ?? '';
    if (!address.startsWith(root + '/')) continue;
    out.push(Number(entry));
    for (const child of childPids(Number(entry), '')) if (keptByEngine(child)) out.push(child);
  }
  return out;
}

/** berthd's log copiers (`cat` of a FIFO under `root`, src/logrelay/copier.ts), pooled ones included. */
export function copierPidsUnder(root: string): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (!/(^|\/)(cat|busybox)$/.test(args[0] ?? '')) continue;
      if (args.some((a) => a.startsWith(root + '/'))) out.push(Number(entry));
    } catch { /* gone */ }
  }
  return out;
}

function keptByEngine(pid: number): boolean {
  try {
    if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('runc')) return true;
    return fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').includes('shim-anchor');
  } catch { return false; }
}

/**
 * Memory of many processes running few binaries, as if nothing else ran on the machine: each
 * process's private pages (Private_Clean + Private_Dirty of /proc/PID/smaps_rollup) plus, once per
 * binary, the pages its processes share (the largest Rss − private among them). RSS would count a
 * shim's code once per shim; PSS would split it with whatever else runs that binary (the other engine's shims).
 */
export function sharedOnceOf(pids: number[]): number {
  const byBinary = new Map<string, { priv: number; shared: number }>();
  for (const pid of pids) {
    try {
      const text = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
      const priv = kb('Private_Clean') + kb('Private_Dirty');
      const exe = fs.readlinkSync(`/proc/${pid}/exe`);
      const b = byBinary.get(exe) ?? { priv: 0, shared: 0 };
      b.priv += priv;
      b.shared = Math.max(b.shared, kb('Rss') - priv);
      byBinary.set(exe, b);
    } catch { /* gone */ }
  }
  let total = 0;
  for (const b of byBinary.values()) total += b.priv + b.shared;
  return total;
}

/**
 * An engine's whole footprint in bytes: RSS of the daemon and its containerd (one each) plus every
 * shim and shim-kept runc process counted by sharedOnceOf (their code once, their private pages each).
 */
export function footprintOf(e: Engine): number {
  return rssOf(e.daemonPids()) + sharedOnceOf(e.shimPids());
}
