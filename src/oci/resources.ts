// HostConfig resources → the OCI spec's linux.resources (memory, cpu, pids, blockIO) as runc applies
// them on cgroup v1 and v2 (runc converts v1-style values, e.g. shares → cpu.weight, itself), plus
// the process-level limits: ulimits (rlimits), OOM score, sysctls. The same object is sent to a
// running task by `docker update`.
import type { Resources, Ulimit } from '../api/types/host-config.js';
import type { OciProcess, SpecOption } from './spec.js';

export interface OciLinuxResources {
  memory?: { limit?: number; reservation?: number; swap?: number; kernel?: number; kernelTCP?: number; swappiness?: number; disableOOMKiller?: boolean };
  cpu?: { shares?: number; quota?: number; period?: number; realtimeRuntime?: number; realtimePeriod?: number; cpus?: string; mems?: string };
  pids?: { limit: number };
  blockIO?: { weight?: number };
}

const CFS_PERIOD = 100_000;

/** Only the settings given (non-zero) appear, so an update leaves the others alone. */
export function linuxResources(r: Resources): OciLinuxResources {
  const out: OciLinuxResources = {};
  const memory: NonNullable<OciLinuxResources['memory']> = {};
  if (r.Memory) memory.limit = r.Memory;
  if (r.MemoryReservation) memory.reservation = r.MemoryReservation;
  if (r.MemorySwap) memory.swap = r.MemorySwap;
  if (r.KernelMemory) memory.kernel = r.KernelMemory;
  if (r.KernelMemoryTCP) memory.kernelTCP = r.KernelMemoryTCP;
  if (r.MemorySwappiness !== undefined && r.MemorySwappiness !== null && r.MemorySwappiness >= 0) memory.swappiness = r.MemorySwappiness;
  if (r.OomKillDisable) memory.disableOOMKiller = true;
  if (Object.keys(memory).length) out.memory = memory;

  const cpu: NonNullable<OciLinuxResources['cpu']> = {};
  if (r.CpuShares) cpu.shares = r.CpuShares;
  if (r.NanoCpus) {
    cpu.period = CFS_PERIOD;
    cpu.quota = Math.floor((r.NanoCpus * CFS_PERIOD) / 1e9);
  } else {
    if (r.CpuPeriod) cpu.period = r.CpuPeriod;
    if (r.CpuQuota) cpu.quota = r.CpuQuota;
  }
  if (r.CpuRealtimePeriod) cpu.realtimePeriod = r.CpuRealtimePeriod;
  if (r.CpuRealtimeRuntime) cpu.realtimeRuntime = r.CpuRealtimeRuntime;
  if (r.CpusetCpus) cpu.cpus = r.CpusetCpus;
  if (r.CpusetMems) cpu.mems = r.CpusetMems;
  if (Object.keys(cpu).length) out.cpu = cpu;

  // PidsLimit: positive limits; 0 and -1 both mean unlimited (sent only when set, for update).
  if (r.PidsLimit !== undefined && r.PidsLimit !== null) {
    if (r.PidsLimit > 0) out.pids = { limit: r.PidsLimit };
    else if (r.PidsLimit < 0) out.pids = { limit: -1 };
  }
  if (r.BlkioWeight) out.blockIO = { weight: r.BlkioWeight };
  return out;
}

export const withResources = (r: OciLinuxResources): SpecOption => (s) => {
  Object.assign(s.linux.resources, r);
};

/**
 * -1 is "unlimited". RLIM_INFINITY (2^64-1) has no exact JSON number in JavaScript, so the largest
 * safe integer stands in: effectively unlimited, though `ulimit` shows the number.
 */
const rlim = (v: number): number => (v < 0 ? Number.MAX_SAFE_INTEGER : v);

export const withUlimits = (ulimits: Ulimit[] | null | undefined): SpecOption => (s) => {
  if (!ulimits?.length) return;
  s.process.rlimits = mergeRlimits(s.process.rlimits ?? [], ulimits);
};

type Rlimit = NonNullable<OciProcess['rlimits']>[number];

/** `base` with the ulimits applied (a ulimit replaces the rlimit of its type). */
export function mergeRlimits(base: Rlimit[], ulimits: Ulimit[] | null | undefined): Rlimit[] {
  const byType = new Map(base.map((r) => [r.type, r]));
  for (const u of ulimits ?? []) {
    // dockerd's WithRlimits: no check here; runc refuses an unknown type ("RLIMIT_" for `{}`) at start
    const type = `RLIMIT_${(u.Name ?? '').toUpperCase()}`;
    byType.set(type, { type, soft: rlim(u.Soft ?? 0), hard: rlim(u.Hard ?? 0) });
  }
  return [...byType.values()];
}

export const withOomScoreAdj = (adj: number | undefined): SpecOption => (s) => {
  if (adj) s.process.oomScoreAdj = adj;
};

export const withSysctls = (sysctls: Record<string, string> | null | undefined): SpecOption => (s) => {
  if (sysctls && Object.keys(sysctls).length) s.linux.sysctl = { ...(s.linux.sysctl ?? {}), ...sysctls };
};
