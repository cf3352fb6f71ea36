// Options of single steps: the HostConfig a RUN container gets from the build's parameters
// (limits, network, extra hosts), and COPY/ADD's --chown resolved against the image's own
// /etc/passwd and /etc/group.
import fs from 'node:fs';
import path from 'node:path';
import type { BuildOptions } from '../api/routers/build/backend.js';
import type { HostConfig } from '../api/types/container.js';
import { resolveUser } from '../daemon/user-lookup.js';
import { InvalidParameterError } from '../errdefs/index.js';

/** dockerd's build HostConfig for RUN containers. */
export function runHostConfig(o: BuildOptions): HostConfig {
  const hc: HostConfig = {};
  if (o.networkMode && o.networkMode !== 'default') hc.NetworkMode = o.networkMode;
  if (o.shmSize) hc.ShmSize = o.shmSize;
  if (o.memory) hc.Memory = o.memory;
  if (o.memorySwap) hc.MemorySwap = o.memorySwap;
  if (o.cpuShares) hc.CpuShares = o.cpuShares;
  if (o.cpuPeriod) hc.CpuPeriod = o.cpuPeriod;
  if (o.cpuQuota) hc.CpuQuota = o.cpuQuota;
  if (o.cpuSetCpus) hc.CpusetCpus = o.cpuSetCpus;
  if (o.cpuSetMems) hc.CpusetMems = o.cpuSetMems;
  if (o.cgroupParent) hc.CgroupParent = o.cgroupParent;
  if (o.extraHosts.length) hc.ExtraHosts = o.extraHosts;
  if (o.ulimits?.length) hc.Ulimits = o.ulimits;
  return hc;
}

/** `user[:group]` (names or IDs) as uid/gid in the image rooted at `root`. */
export function chownIds(spec: string, root: string): { uid: number; gid: number } {
  const read = (p: string): string | undefined => { try { return fs.readFileSync(path.join(root, p), 'utf8'); } catch { return undefined; } };
  const [user, group] = spec.split(':') as [string, string?];
  const numeric = (s: string): boolean => /^\d+$/.test(s);
  if (numeric(user) && (group === undefined || numeric(group))) return { uid: Number(user), gid: Number(group ?? user) };
  try {
    const r = resolveUser(group === undefined ? user : `${user}:${group}`, read('etc/passwd'), read('etc/group'));
    return { uid: r.uid, gid: group === undefined && numeric(user) ? r.uid : r.gid };
  } catch {
    throw new InvalidParameterError(`unable to convert uid/gid chown string to host mapping: can't find uid for user ${user}: no such user: ${user}`);
  }
}