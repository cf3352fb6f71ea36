// Per-version stats bodies. The backend's sample is dockerd 20.10's StatsJSON; older versions lose
// what they did not have (online_cpus 1.27); before 1.21 they get dockerd's v1p20 form (one summed
// `network`, no name/id; pids_stats kept, as dockerd sends it); 1.52 adds `os_type` and writes the
// fields in moby's newer StatsResponse order.
import { versionLt } from '../../../internal/version.js';
import { ZERO_TIME, type ContainerStatsSample, type CpuStats, type NetworkStats } from '../../../stats/types.js';

function sumNetworks(networks: Record<string, NetworkStats> | undefined): NetworkStats {
  const total: NetworkStats = { rx_bytes: 0, rx_packets: 0, rx_errors: 0, rx_dropped: 0, tx_bytes: 0, tx_packets: 0, tx_errors: 0, tx_dropped: 0 };
  for (const n of Object.values(networks ?? {})) for (const k of Object.keys(total) as (keyof NetworkStats)[]) total[k] += n[k];
  return total;
}

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
  // a container that is not running gets dockerd's bare StatsJSON{Name, ID} at every version
  if (versionLt(version, '1.21') && s.read !== ZERO_TIME) {
    // dockerd's v1p20.StatsJSON: no name/id, one `network` summing every interface
    const { name: _n, id: _i, networks, ...rest } = out as Record<string, unknown> & { networks?: Record<string, NetworkStats> };
    void _n; void _i;
    return { ...rest, network: sumNetworks(networks) };
  }
  return out;
}
