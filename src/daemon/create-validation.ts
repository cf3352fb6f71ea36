// Validation of a create (and update) request the way dockerd does it: JSON field types (Go's
// unmarshal errors), conflicting options, resource limits against what the host's cgroups support
// (discarded with a warning, as dockerd's sysinfo checks), restart policy, and the defaults dockerd
// fills in (MemorySwap = 2 × Memory, ShmSize 64 MiB, IpcMode private).
import { validateHealthConfig, type HealthConfig } from '../health/health-config.js';
import { resolveLogConfig } from '../logger/log-config.js';
import path from 'node:path';
import type { ContainerConfig, HostConfig } from '../api/types/container.js';
import type { Resources } from '../api/types/host-config.js';
import { InvalidParameterError } from '../errdefs/index.js';
import { parseSignal } from '../internal/signals.js';
import { normalizeCapabilities } from '../oci/capabilities.js';
import { userMounts, checkBindSources } from '../oci/mounts.js';
import { containerRef } from '../oci/namespaces.js';
import { parseSecurityOpt } from '../oci/security.js';
import { parseCpuset, type CgroupInfo } from './cgroup-info.js';

const MIN_MEMORY = 6 * 1024 * 1024;
export const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;
export const RUNTIMES = ['runc', 'io.containerd.runc.v2'];

/**
 * Go's json.Unmarshal errors for values of the wrong type (dockerd answers them with 400); the
 * field tables are the API's (src/api/types/create-body.ts). `wrapper` names the decoded struct.
 */
export function validateRestartPolicy(hc: HostConfig): void {
  const policy = hc.RestartPolicy;
  if (!policy || !policy.Name) return;
  const valid = ['no', 'always', 'unless-stopped', 'on-failure'];
  if (!valid.includes(policy.Name)) throw new InvalidParameterError(`invalid restart policy '${policy.Name}'`);
  const max = policy.MaximumRetryCount ?? 0;
  if (policy.Name !== 'on-failure' && max !== 0) {
    throw new InvalidParameterError(`maximum retry count cannot be used with restart policy '${policy.Name}'`);
  }
  if (max < 0) throw new InvalidParameterError('maximum retry count cannot be negative');
  if (hc.AutoRemove && policy.Name !== 'no') {
    throw new InvalidParameterError("can't create 'AutoRemove' container with restart policy");
  }
}

/** The log driver and its options (see src/logger/log-config.ts), with dockerd's texts. */
export function validateLogConfig(hc: HostConfig): void {
  resolveLogConfig(hc.LogConfig, { labels: {}, env: [] });
}

/**
 * dockerd's verifyPlatformContainerResources: errors for impossible values, warnings (and the
 * setting discarded) for what this host's cgroups cannot do. Mutates `r`.
 */
export function verifyResources(r: Resources, cg: CgroupInfo, update: boolean): string[] {
  const warnings: string[] = [];
  const warn = (msg: string): void => { warnings.push(msg); };
  const memory = r.Memory ?? 0;
  const swap = r.MemorySwap ?? 0;
  if (memory !== 0 && memory < MIN_MEMORY) throw new InvalidParameterError('Minimum memory limit allowed is 6MB');
  if (memory > 0 && !cg.memoryLimit) {
    warn('Your kernel does not support memory limit capabilities or the cgroup is not mounted. Limitation discarded.');
    r.Memory = 0; r.MemorySwap = -1;
  }
  if ((r.Memory ?? 0) > 0 && swap !== -1 && !cg.swapLimit) {
    warn('Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.');
    r.MemorySwap = -1;
  }
  if (memory > 0 && swap > 0 && swap < memory) {
    throw new InvalidParameterError('Minimum memoryswap limit should be larger than memory limit, see usage');
  }
  if (memory === 0 && swap > 0 && !update) {
    throw new InvalidParameterError('You should always set the Memory limit when using Memoryswap limit, see usage');
  }
  if (r.MemorySwappiness !== undefined && r.MemorySwappiness !== null && r.MemorySwappiness !== -1) {
    if (!cg.memorySwappiness) {
      warn('Your kernel does not support memory swappiness capabilities or the cgroup is not mounted. Memory swappiness discarded.');
      r.MemorySwappiness = null;
    } else if (r.MemorySwappiness < 0 || r.MemorySwappiness > 100) {
      throw new InvalidParameterError(`Invalid value: ${r.MemorySwappiness}, valid memory swappiness range is 0-100`);
    }
  }
  const reservation = r.MemoryReservation ?? 0;
  if (reservation > 0 && !cg.memoryReservation) {
    warn('Your kernel does not support memory soft limit capabilities or the cgroup is not mounted. Limitation discarded.');
    r.MemoryReservation = 0;
  }
  if (reservation > 0 && reservation < MIN_MEMORY) throw new InvalidParameterError('Minimum memory reservation allowed is 6MB');
  if (memory > 0 && reservation > 0 && memory < reservation) {
    throw new InvalidParameterError('Minimum memory limit can not be less than memory reservation limit, see usage');
  }
  if ((r.KernelMemory ?? 0) > 0) {
    warn('Specifying a kernel memory limit is deprecated and will be removed in a future release.');
    if (!cg.kernelMemory) {
      warn('Your kernel does not support kernel memory limit capabilities or the cgroup is not mounted. Limitation discarded.');
      r.KernelMemory = 0;
    } else if (r.KernelMemory! < 4 * 1024 * 1024) {
      throw new InvalidParameterError('Minimum kernel memory limit allowed is 4MB');
    }
  }
  if (r.OomKillDisable && !cg.oomKillDisable) {
    warn('Your kernel does not support OomKillDisable. OomKillDisable discarded.');
    r.OomKillDisable = false;
  }
  if (r.OomKillDisable && (r.Memory ?? 0) === 0) {
    warn('OOM killer is disabled for the container, but no memory limit is set, this can result in the system running out of resources.');
  }
  if (r.PidsLimit && !cg.pidsLimit) {
    warn('Your kernel does not support PIDs limit capabilities or the cgroup is not mounted. PIDs limit discarded.');
    r.PidsLimit = null;
  }
  const nano = r.NanoCpus ?? 0;
  if (nano > 0 && (r.CpuPeriod ?? 0) > 0) throw new InvalidParameterError('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  if (nano > 0 && (r.CpuQuota ?? 0) > 0) throw new InvalidParameterError('Conflicting options: Nano CPUs and CPU Quota cannot both be set');
  if (nano > 0 && !cg.cpuCfs) throw new InvalidParameterError('NanoCPUs can not be set, as your kernel does not support CPU CFS scheduler or the cgroup is not mounted');
  if (nano < 0 || nano > cg.ncpu * 1e9) {
    throw new InvalidParameterError(`Range of CPUs is from 0.01 to ${cg.ncpu}.00, as there are only ${cg.ncpu} CPUs available`);
  }
  if ((r.CpuShares ?? 0) > 0 && !cg.cpuShares) {
    warn('Your kernel does not support CPU shares or the cgroup is not mounted. Shares discarded.');
    r.CpuShares = 0;
  }
  if ((r.CpuShares ?? 0) < 0) throw new InvalidParameterError(`invalid CPU shares (${r.CpuShares}): value must be a positive integer`);
  if (((r.CpuPeriod ?? 0) > 0 || (r.CpuQuota ?? 0) > 0) && !cg.cpuCfs) {
    warn('Your kernel does not support CPU CFS scheduler. CPU period/quota discarded.');
    r.CpuPeriod = 0; r.CpuQuota = 0;
  }
  const period = r.CpuPeriod ?? 0;
  if (period !== 0 && (period < 1000 || period > 1_000_000)) {
    throw new InvalidParameterError('CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)');
  }
  if ((r.CpuQuota ?? 0) > 0 && r.CpuQuota! < 1000) throw new InvalidParameterError('CPU cfs quota can not be less than 1ms (i.e. 1000)');
  if ((r.CpuPercent ?? 0) > 0) {
    warn('linux does not support CPU percent. Percent discarded.');
    r.CpuPercent = 0;
  }
  for (const [name, list, available] of [['cpus', r.CpusetCpus, cg.cpusAvailable], ['mems', r.CpusetMems, cg.memsAvailable]] as const) {
    if (!list) continue;
    if (!cg.cpuset) {
      warn('Your kernel does not support cpuset or the cgroup is not mounted. Cpuset discarded.');
      if (name === 'cpus') r.CpusetCpus = ''; else r.CpusetMems = '';
      continue;
    }
    const wanted = parseCpuset(list);
    if (!wanted) throw new InvalidParameterError(`Invalid value ${list} for cpuset ${name}`);
    const have = parseCpuset(available) ?? new Set<number>();
    if ([...wanted].some((c) => !have.has(c))) {
      throw new InvalidParameterError(`Requested ${name === 'cpus' ? 'CPUs' : 'memory nodes'} are not available - requested ${list}, available: ${available}`);
    }
  }
  const weight = r.BlkioWeight ?? 0;
  if (weight > 0 && !cg.blkioWeight) {
    warn('Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.');
    r.BlkioWeight = 0;
  } else if (weight > 0 && (weight < 10 || weight > 1000)) {
    throw new InvalidParameterError('Range of blkio weight is from 10 to 1000');
  }
  if ((r.IOMaximumBandwidth ?? 0) !== 0 || (r.IOMaximumIOps ?? 0) !== 0) {
    throw new InvalidParameterError('Invalid QoS settings: linux does not support Maximum IO Bandwidth or Maximum IO IOps');
  }
  return warnings;
}

const IPC_MODES = ['', 'private', 'shareable', 'host', 'none'];


/**
 * runconfig's validateResources, run by dockerd when it decodes a create body (not an update: there
 * the values are only stored, and applied at the next start).
 */
function validateRealtime(r: Resources, cg: CgroupInfo): void {
  const period = r.CpuRealtimePeriod ?? 0;
  const runtime = r.CpuRealtimeRuntime ?? 0;
  if ((period !== 0 || runtime !== 0) && !cg.cpuRealtime) throw new InvalidParameterError('Your kernel does not support CPU real-time scheduler');
  if (period !== 0 && runtime !== 0 && runtime > period) throw new InvalidParameterError('cpu real-time runtime cannot be higher than cpu real-time period');
}

/**
 * Everything dockerd checks at create, in its order: config (working dir, stop signal), network
 * mode conflicts, namespace modes, mounts, security options, resources, restart policy. Fills in
 * dockerd's defaults and returns the warnings for the create response.
 */
export function validateCreate(config: ContainerConfig, hc: HostConfig, cg: CgroupInfo, knownRuntime = (n: string): boolean => RUNTIMES.includes(n)): string[] {
  if (config.WorkingDir && !path.isAbsolute(config.WorkingDir)) {
    throw new InvalidParameterError(`the working directory '${config.WorkingDir}' is invalid, it needs to be an absolute path`);
  }
  if (config.StopSignal) parseSignal(config.StopSignal);
  validateHealthConfig(config.Healthcheck as HealthConfig | null | undefined);
  if (config.StopTimeout !== undefined && config.StopTimeout !== null && config.StopTimeout < -1) {
    throw new InvalidParameterError(`invalid stop timeout ${config.StopTimeout}`);
  }

  const net = hc.NetworkMode ?? '';
  if (net === 'container:' || net === 'container') {
    throw new InvalidParameterError('Invalid network mode: invalid container format container:<name|id>');
  }
  if (containerRef(net) !== undefined) {
    if (config.Hostname) throw new InvalidParameterError('conflicting options: hostname and the network mode');
    if (hc.Links?.length) throw new InvalidParameterError("Conflicting options: container type network can't be used with links. This would result in undefined behavior");
    if (hc.Dns?.length) throw new InvalidParameterError('conflicting options: dns and the network mode');
    if (hc.ExtraHosts?.length) throw new InvalidParameterError('conflicting options: custom host-to-IP mapping and the network mode');
    const bindings = hc.PortBindings && Object.keys(hc.PortBindings).length > 0;
    if (bindings || hc.PublishAllPorts) throw new InvalidParameterError('conflicting options: port publishing and the container type network mode');
    if (config.ExposedPorts && Object.keys(config.ExposedPorts).length > 0) {
      throw new InvalidParameterError('conflicting options: port exposing and the container type network mode');
    }
  }
  if ((containerRef(net) !== undefined || net === 'host') && config.MacAddress) {
    throw new InvalidParameterError('conflicting options: mac-address and the network mode');
  }
  validateRealtime(hc, cg);
  const cgroupns = hc.CgroupnsMode ?? '';
  if (cgroupns !== '' && cgroupns !== 'host' && cgroupns !== 'private') throw new InvalidParameterError(`invalid cgroup namespace mode: ${cgroupns}`);
  if (hc.UTSMode === 'host' && config.Hostname) throw new InvalidParameterError('conflicting options: hostname and the UTS mode');

  const ipc = hc.IpcMode ?? '';
  if (!IPC_MODES.includes(ipc) && !containerRef(ipc)) {
    throw new InvalidParameterError(`Invalid IPC mode: ${ipc}`);
  }

  checkBindSources(userMounts(hc), false);
  for (const field of ['CapAdd', 'CapDrop'] as const) {
    const caps: unknown = hc[field];
    if (typeof caps === 'string') hc[field] = [caps]; // a Go StrSlice: stored (and inspected) as a list
    try { normalizeCapabilities(hc[field]); } catch (err) {
      throw new InvalidParameterError(`invalid ${field}: ${(err as Error).message}`, { cause: err });
    }
  }
  parseSecurityOpt(hc.SecurityOpt);
  // Ulimits are not checked here: dockerd takes any entry (even `{}`, as in the API docs' examples)
  // and runc refuses an unknown one when the container starts.

  if ((hc.ShmSize ?? 0) < 0) throw new InvalidParameterError('SHM size can not be less than 0');
  const adj = hc.OomScoreAdj ?? 0;
  if (adj < -1000 || adj > 1000) throw new InvalidParameterError(`Invalid value ${adj}, range for oom score adj is [-1000, 1000]`);
  if (hc.Runtime && !knownRuntime(hc.Runtime)) throw new InvalidParameterError(`Unknown runtime specified ${hc.Runtime}`);
  for (const h of hc.ExtraHosts ?? []) {
    const i = h.indexOf(':');
    if (i <= 0 || i === h.length - 1) throw new InvalidParameterError(`bad format for add-host: "${h}"`);
  }

  const warnings = verifyResources(hc, cg, false);
  validateRestartPolicy(hc);
  validateLogConfig(hc);
  // dockerd's adaptContainerSettings (after verification there too): defaults that inspect shows.
  if ((hc.Memory ?? 0) > 0 && (hc.MemorySwap ?? 0) === 0) hc.MemorySwap = hc.Memory! * 2;
  if (!hc.ShmSize) hc.ShmSize = DEFAULT_SHM_SIZE;
  if (!hc.IpcMode) hc.IpcMode = 'private';
  if (!hc.CgroupnsMode) hc.CgroupnsMode = cg.version === 2 ? 'private' : 'host';
  return warnings;
}
