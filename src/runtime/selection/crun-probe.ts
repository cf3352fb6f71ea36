// Whether crun can be the runtime here, decided at start from what the host offers, never assumed:
// the binary runs, and the cgroup layout is one crun 1.8 accepts — as it is, or (hybrid host with
// cgroup2 controllers) through the wrapper that runs `crun create`/`run` in a mount namespace
// without the unified hierarchy (crun-wrapper.ts).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { crunAcceptsLayout, hostCgroupLayout, type CgroupLayoutInfo } from './cgroup-layout.js';
import type { CrunWrapperTools } from './crun-wrapper.js';

export interface CrunProbe {
  /** absolute path of crun when it can run containers */
  crunPath?: string;
  /** hybrid host: the shim runs crun through the wrapper script made from these tools */
  wrapper?: CrunWrapperTools;
  /** why crun is not used (for the log) */
  reason?: string;
}

export function findOnPath(name: string, pathEnv = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathEnv.split(':').filter(Boolean).concat(['/usr/sbin', '/usr/bin', '/sbin', '/bin'])) {
    const p = path.join(dir, name);
    try { fs.accessSync(p, fs.constants.X_OK); if (fs.statSync(p).isFile()) return p; } catch { /* next */ }
  }
  return undefined;
}

/** The decision, from the facts (pure; unit-tested). */
export function decideCrun(facts: { crunPath?: string; layout: CgroupLayoutInfo; unsharePath?: string; umountPath?: string; busyboxPath?: string }): CrunProbe {
  if (!facts.crunPath) return { reason: 'crun not found' };
  if (crunAcceptsLayout(facts.layout)) return { crunPath: facts.crunPath };
  if (!facts.unsharePath || !facts.umountPath) {
    return { reason: `hybrid cgroups with cgroup2 controllers (${facts.layout.unifiedControllers.join(' ')}) and no unshare(1)/umount(8) for crun's mount namespace` };
  }
  return { crunPath: facts.crunPath, wrapper: { crun: facts.crunPath, unshare: facts.unsharePath, umount: facts.umountPath, ...(facts.busyboxPath ? { busybox: facts.busyboxPath } : {}) } };
}

export function probeCrun(): CrunProbe {
  let crunPath = findOnPath('crun');
  if (crunPath) {
    const r = spawnSync(crunPath, ['--version'], { encoding: 'utf8', timeout: 5000 });
    if (r.status !== 0) crunPath = undefined;
  }
  const unsharePath = findOnPath('unshare');
  const umountPath = findOnPath('umount');
  const busyboxPath = findOnPath('busybox');
  return decideCrun({
    ...(crunPath ? { crunPath } : {}), layout: hostCgroupLayout(), ...(unsharePath ? { unsharePath } : {}), ...(umountPath ? { umountPath } : {}),
    ...(busyboxPath ? { busyboxPath } : {}),
  });
}
