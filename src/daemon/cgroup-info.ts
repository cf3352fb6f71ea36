// What the host's cgroups can limit (dockerd's pkg/sysinfo): decides which resource settings are
// applied and which are discarded with a warning. cgroup v2 (unified) and v1 (per-controller
// hierarchies, as on hybrid hosts) are probed by the files their controllers expose.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface CgroupInfo {
  version: 1 | 2;
  memoryLimit: boolean;
  swapLimit: boolean;
  memoryReservation: boolean;
  memorySwappiness: boolean;
  oomKillDisable: boolean;
  kernelMemory: boolean;
  cpuShares: boolean;
  cpuCfs: boolean;
  cpuset: boolean;
  pidsLimit: boolean;
  blkioWeight: boolean;
  /** realtime group scheduling (cpu.rt_*): dockerd's sysinfo sees it on cgroup v1 only */
  cpuRealtime: boolean;
  /** e.g. "0-3" */
  cpusAvailable: string;
  memsAvailable: string;
  ncpu: number;
}

function readTrim(p: string): string {
  try { return fs.readFileSync(p, 'utf8').trim(); } catch { return ''; }
}

export function probeCgroups(root = '/sys/fs/cgroup'): CgroupInfo {
  const ncpu = os.cpus().length;
  if (fs.existsSync(path.join(root, 'cgroup.controllers'))) {
    const controllers = new Set(readTrim(path.join(root, 'cgroup.controllers')).split(/\s+/));
    const has = (c: string): boolean => controllers.has(c);
    return {
      version: 2,
      memoryLimit: has('memory'), swapLimit: has('memory'), memoryReservation: has('memory'),
      memorySwappiness: false, oomKillDisable: false, kernelMemory: false,
      cpuShares: has('cpu'), cpuCfs: has('cpu'), cpuset: has('cpuset'), pidsLimit: has('pids'),
      blkioWeight: has('io'), cpuRealtime: false,
      cpusAvailable: readTrim(path.join(root, 'cpuset.cpus.effective')) || `0-${ncpu - 1}`,
      memsAvailable: readTrim(path.join(root, 'cpuset.mems.effective')) || '0',
      ncpu,
    };
  }
  const exists = (controller: string, file: string): boolean => fs.existsSync(path.join(root, controller, file));
  return {
    version: 1,
    memoryLimit: exists('memory', 'memory.limit_in_bytes'),
    swapLimit: exists('memory', 'memory.memsw.limit_in_bytes'),
    memoryReservation: exists('memory', 'memory.soft_limit_in_bytes'),
    memorySwappiness: exists('memory', 'memory.swappiness'),
    oomKillDisable: exists('memory', 'memory.oom_control'),
    kernelMemory: exists('memory', 'memory.kmem.limit_in_bytes'),
    cpuShares: exists('cpu', 'cpu.shares'),
    cpuCfs: exists('cpu', 'cpu.cfs_quota_us'),
    cpuset: exists('cpuset', 'cpuset.cpus'),
    pidsLimit: exists('pids', 'pids.max') || fs.existsSync(path.join(root, 'pids')),
    blkioWeight: exists('blkio', 'blkio.weight'),
    cpuRealtime: exists('cpu', 'cpu.rt_period_us'),
    cpusAvailable: readTrim(path.join(root, 'cpuset', 'cpuset.effective_cpus')) || readTrim(path.join(root, 'cpuset', 'cpuset.cpus')) || `0-${ncpu - 1}`,
    memsAvailable: readTrim(path.join(root, 'cpuset', 'cpuset.effective_mems')) || readTrim(path.join(root, 'cpuset', 'cpuset.mems')) || '0',
    ncpu,
  };
}

/** Parses a cpuset list ("0-2,4") into its members; undefined when malformed. */
export function parseCpuset(list: string): Set<number> | undefined {
  const out = new Set<number>();
  if (list === '') return out;
  for (const part of list.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return undefined;
    const lo = Number(m[1]); const hi = m[2] !== undefined ? Number(m[2]) : lo;
    if (hi < lo) return undefined;
    for (let i = lo; i <= hi; i++) out.add(i);
  }
  return out;
}
