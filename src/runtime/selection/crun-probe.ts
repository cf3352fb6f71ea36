// Whether crun can be the runtime here, decided at start from what the host offers, never assumed:
// the binary runs, and the cgroup layout is one crun 1.8 accepts — as it is, or (for the containerd
// berthd manages) in a mount namespace of containerd's own without the unified hierarchy.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { crunAcceptsLayout, hostCgroupLayout, type CgroupLayoutInfo } from './cgroup-layout.js';

export interface CrunProbe {
  /** absolute path of crun when it can run containers */
  crunPath?: string;
  /** the managed containerd must run in its own mount namespace for crun (hybrid host) */
  privateMounts: boolean;
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
export function decideCrun(facts: { crunPath?: string; layout: CgroupLayoutInfo; managed: boolean; unsharePath?: string; requested: boolean }): CrunProbe {
  if (!facts.crunPath) return { privateMounts: false, reason: 'crun not found' };
  if (crunAcceptsLayout(facts.layout)) return { crunPath: facts.crunPath, privateMounts: false };
  // A containerd in its own mount namespace does not see mounts made on a host whose mounts are
  // private after it started (outside /run/netns and berthd's roots): only when asked for.
  if (!facts.requested) {
    return { privateMounts: false, reason: `hybrid cgroups with cgroup2 controllers (${facts.layout.unifiedControllers.join(' ')}); --default-runtime crun runs containerd in its own mount namespace for it` };
  }
  if (!facts.managed) {
    return { privateMounts: false, reason: `hybrid cgroups with cgroup2 controllers (${facts.layout.unifiedControllers.join(' ')}) and an external containerd` };
  }
  if (!facts.unsharePath) return { privateMounts: false, reason: 'hybrid cgroups and no unshare(1) for a mount namespace' };
  return { crunPath: facts.crunPath, privateMounts: true };
}

/** `requested`: crun was asked for as the default runtime (needed on a hybrid host). */
export function probeCrun(managed: boolean, requested: boolean): CrunProbe {
  let crunPath = findOnPath('crun');
  if (crunPath) {
    const r = spawnSync(crunPath, ['--version'], { encoding: 'utf8', timeout: 5000 });
    if (r.status !== 0) crunPath = undefined;
  }
  return decideCrun({ ...(crunPath ? { crunPath } : {}), layout: hostCgroupLayout(), managed, requested, ...(findOnPath('unshare') ? { unsharePath: 'unshare' } : {}) });
}
