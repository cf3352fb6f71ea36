// Container stats as dockerd streams them: one sample a second (with the previous sample's CPU as
// precpu_stats), or a single answer — after two samples a second apart so CPU % can be computed,
// or at once with `one-shot`. A container that is not running answers zeros with its name and ID.
import type { ContainerStatsBackend, StatsOptions } from '../api/routers/containers/stats-backend.js';
import { cgroupDirsOf } from './cgroup-paths.js';
import { onlineCpus, readCgroup, systemCpuUsage } from './cgroup-reader.js';
import { emptyCpu, emptySample, ZERO_TIME, type ContainerStatsSample, type NetworkStatsSource } from './types.js';

/** What the stats need of a container. */
export interface StatsTarget {
  id: string;
  /** with the leading slash, as dockerd's `name` */
  name: string;
  running: boolean;
  pid: number;
}

export interface StatsServiceDeps {
  getContainer(ref: string): StatsTarget;
  /** per-interface counters; none until networking wires one */
  networks?: NetworkStatsSource;
  /** sampling interval (dockerd: 1 s) */
  intervalMs?: number;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) { resolve(); return; }
    const t = setTimeout(done, ms);
    function done(): void { clearTimeout(t); signal.removeEventListener('abort', done); resolve(); }
    signal.addEventListener('abort', done, { once: true });
  });
}

export class StatsService implements ContainerStatsBackend {
  private networks: NetworkStatsSource | undefined;

  constructor(private readonly deps: StatsServiceDeps) {
    this.networks = deps.networks;
  }

  /** Wiring: networking's per-interface counters. */
  setNetworkStatsSource(source: NetworkStatsSource): void {
    this.networks = source;
  }

  /** One sample of `ref` now (without precpu). */
  async sample(ref: string): Promise<ContainerStatsSample> {
    const t = this.deps.getContainer(ref);
    if (!t.running || t.pid <= 0) return emptySample(t.name, t.id);
    const dirs = cgroupDirsOf(t.pid);
    if (!dirs) return emptySample(t.name, t.id);
    const r = readCgroup(dirs);
    const cpu = { ...r.cpu, system_cpu_usage: systemCpuUsage(), online_cpus: onlineCpus() };
    const s: ContainerStatsSample = {
      read: new Date().toISOString(),
      preread: ZERO_TIME, pids_stats: r.pids, blkio_stats: r.blkio, num_procs: 0, storage_stats: {},
      cpu_stats: cpu, precpu_stats: emptyCpu(), memory_stats: r.memory, name: t.name, id: t.id,
    };
    const nets = await this.networks?.networkStats(t.id, t.pid).catch(() => undefined);
    if (nets && Object.keys(nets).length > 0) s.networks = nets;
    return s;
  }

  async containerStats(ref: string, options: StatsOptions, signal: AbortSignal): Promise<AsyncIterable<ContainerStatsSample>> {
    const t = this.deps.getContainer(ref); // 404 before the stream starts
    const interval = this.deps.intervalMs ?? 1000;
    const sampleOf = (): Promise<ContainerStatsSample> => this.sample(t.id);
    const withPre = (s: ContainerStatsSample, prev: ContainerStatsSample | undefined): ContainerStatsSample =>
      prev && s.read !== ZERO_TIME ? { ...s, preread: prev.read, precpu_stats: prev.cpu_stats } : s;
    return (async function* () {
      if (!options.stream) {
        if (!t.running || options.oneShot) { yield await sampleOf(); return; }
        const first = await sampleOf();
        await sleep(interval, signal);
        if (signal.aborted) return;
        yield withPre(await sampleOf(), first);
        return;
      }
      let prev: ContainerStatsSample | undefined;
      while (!signal.aborted) {
        const s = await sampleOf().catch(() => undefined);
        if (!s) return; // the container is gone
        yield withPre(s, prev);
        prev = s;
        await sleep(interval, signal);
      }
    })();
  }
}
