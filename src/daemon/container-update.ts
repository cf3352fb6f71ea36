// `docker update`: merges new resource limits and restart policy into a container's HostConfig with
// dockerd's conflict rules (UpdateContainer). Only non-zero fields change, as in dockerd.
import type { HostConfig } from '../api/types/container.js';
import { checkHostConfigTypes } from '../api/types/create-body.js';
import type { ContainerUpdateBody, Resources } from '../api/types/host-config.js';
import { ConflictError } from '../errdefs/index.js';
import { linuxResources, type OciLinuxResources } from '../oci/resources.js';
import type { CgroupInfo } from './cgroup-info.js';
import { validateRestartPolicy, verifyResources } from './create-validation.js';


const cannotUpdate = (id: string, msg: string): ConflictError => new ConflictError(`Cannot update container ${id}: ${msg}`);

/** Validates the request; returns dockerd's warnings. Mutates `update` where settings are discarded. */
export function validateUpdate(update: ContainerUpdateBody, cg: CgroupInfo): string[] {
  checkHostConfigTypes(update as Record<string, unknown>, 'UpdateConfig');
  const warnings = verifyResources(update, cg, true);
  validateRestartPolicy({ RestartPolicy: update.RestartPolicy ?? { Name: '' } } as HostConfig);
  return warnings;
}

const COPIED: Array<keyof Resources> = [
  'BlkioWeight', 'CpuShares', 'NanoCpus', 'CpuPeriod', 'CpuQuota', 'CpusetCpus', 'CpusetMems', 'MemorySwap',
  'MemoryReservation', 'KernelMemory', 'CpuRealtimePeriod', 'CpuRealtimeRuntime',
];

/**
 * What dockerd sends to a running container (toContainerdResources): CPU realtime, swappiness and
 * the OOM killer are stored but wait for the next start. Realtime values in particular are refused by
 * the kernel for a cgroup whose parent has no realtime budget, yet dockerd's update succeeds.
 */
const LIVE: Array<keyof Resources> = [
  'BlkioWeight', 'CpuShares', 'NanoCpus', 'CpuPeriod', 'CpuQuota', 'CpusetCpus', 'CpusetMems', 'Memory', 'MemorySwap',
  'MemoryReservation', 'KernelMemory', 'PidsLimit',
];

export function liveUpdateResources(update: ContainerUpdateBody): OciLinuxResources {
  const live: Resources = {};
  for (const k of LIVE) if (update[k] !== undefined) (live as Record<string, unknown>)[k] = update[k];
  return linuxResources(live);
}

/** Applies `update` to `hc` (in place) or throws without changing anything. */
export function mergeUpdate(id: string, hc: HostConfig, update: ContainerUpdateBody): void {
  const nano = update.NanoCpus ?? 0;
  if (nano > 0 && (hc.CpuPeriod ?? 0) > 0) throw cannotUpdate(id, 'Conflicting options: Nano CPUs cannot be updated as CPU Period has already been set');
  if (nano > 0 && (hc.CpuQuota ?? 0) > 0) throw cannotUpdate(id, 'Conflicting options: Nano CPUs cannot be updated as CPU Quota has already been set');
  if ((update.CpuPeriod ?? 0) > 0 && (hc.NanoCpus ?? 0) > 0) throw cannotUpdate(id, 'Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set');
  if ((update.CpuQuota ?? 0) > 0 && (hc.NanoCpus ?? 0) > 0) throw cannotUpdate(id, 'Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set');
  const memory = update.Memory ?? 0;
  if (memory !== 0 && memory > (hc.MemorySwap ?? 0) && (update.MemorySwap ?? 0) === 0) {
    throw cannotUpdate(id, 'Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time');
  }
  const policy = update.RestartPolicy;
  if (policy?.Name && policy.Name !== 'no' && hc.AutoRemove) {
    throw cannotUpdate(id, 'Restart policy cannot be updated because AutoRemove is enabled for the container');
  }
  const target = hc as Record<string, unknown>;
  for (const k of COPIED) {
    const v = update[k];
    if (v !== undefined && v !== null && v !== 0 && v !== '') target[k] = v;
  }
  if (memory !== 0) hc.Memory = memory;
  if (update.PidsLimit !== undefined && update.PidsLimit !== null) hc.PidsLimit = update.PidsLimit;
  if (policy?.Name) hc.RestartPolicy = { Name: policy.Name, MaximumRetryCount: policy.MaximumRetryCount ?? 0 };
}
