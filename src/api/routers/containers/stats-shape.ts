// Per-version stats bodies. The backend's sample is dockerd 20.10's StatsJSON; older versions lose
// what they did not have (pids_stats 1.23, online_cpus 1.27); 1.52 adds `os_type` and writes the
// fields in moby's newer StatsResponse order.
import { versionLt } from '../../../internal/version.js';
import type { ContainerStatsSample, CpuStats } from '../../../stats/types.js';

function cpuFor(c: CpuStats, version: string): CpuStats {
  if (!versionLt(version, '1.27')) return c;
  const { online_cpus: _o, ...rest } = c;
  void _o;
  return rest;
}

export function shapeStats(s: ContainerStatsSample, version: string): Record<string, unknown> {
  if (!versionLt(version, '1.52')) {
    return {
      id: s.id, name: s.name, os_type: 'linux', read: s.read, cpu_stats: s.cpu_stats, memory_stats: s.memory_stats,
      ...(s.networks ? { networks: s.networks } : {}),
      pids_stats: s.pids_stats, blkio_stats: s.blkio_stats, num_procs: s.num_procs, storage_stats: s.storage_stats,
      preread: s.preread, precpu_stats: s.precpu_stats,
    };
  }
  const out: Record<string, unknown> = { ...s, cpu_stats: cpuFor(s.cpu_stats, version), precpu_stats: cpuFor(s.precpu_stats, version) };
  if (versionLt(version, '1.23')) delete out.pids_stats;
  return out;
}
