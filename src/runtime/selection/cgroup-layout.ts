// The host's cgroup layout as an OCI runtime sees it, from /proc/self/mountinfo and the cgroup2
// root's controllers. crun 1.8 (libcrun_get_cgroup_mode) refuses "hybrid" (v1 controllers plus a
// cgroup2 at /sys/fs/cgroup/unified) when that cgroup2 still has controllers of its own; it runs in
// a mount namespace where /sys/fs/cgroup/unified is not mounted (then the layout is plain v1).
import fs from 'node:fs';

export type CgroupLayout = 'unified' | 'legacy' | 'hybrid';

export interface CgroupLayoutInfo {
  layout: CgroupLayout;
  /** controllers available in the hybrid layout's cgroup2 (what crun refuses) */
  unifiedControllers: string[];
}

const CGROUP_ROOT = '/sys/fs/cgroup';
const UNIFIED = '/sys/fs/cgroup/unified';

/** The layout from a mountinfo text: fstype (after " - ") of /sys/fs/cgroup and /sys/fs/cgroup/unified. */
export function cgroupLayoutOf(mountinfo: string, unifiedControllers: string): CgroupLayoutInfo {
  const fsTypeAt = new Map<string, string>();
  for (const line of mountinfo.split('\n')) {
    const fields = line.split(' ');
    const sep = fields.indexOf('-');
    if (fields.length < 5 || sep < 0) continue;
    fsTypeAt.set(fields[4]!, fields[sep + 1] ?? ''); // the last mount on a path wins, as in the kernel's view
  }
  if (fsTypeAt.get(CGROUP_ROOT) === 'cgroup2') return { layout: 'unified', unifiedControllers: [] };
  if (fsTypeAt.get(UNIFIED) === 'cgroup2') {
    return { layout: 'hybrid', unifiedControllers: unifiedControllers.split(/\s+/).filter(Boolean) };
  }
  return { layout: 'legacy', unifiedControllers: [] };
}

export function hostCgroupLayout(): CgroupLayoutInfo {
  let mountinfo = '';
  let controllers = '';
  try { mountinfo = fs.readFileSync('/proc/self/mountinfo', 'utf8'); } catch { /* no /proc: legacy */ }
  try { controllers = fs.readFileSync(`${UNIFIED}/cgroup.controllers`, 'utf8'); } catch { /* not hybrid */ }
  return cgroupLayoutOf(mountinfo, controllers);
}

/** crun 1.8 starts containers in this layout as it is (no mount namespace needed). */
export function crunAcceptsLayout(info: CgroupLayoutInfo): boolean {
  return info.layout !== 'hybrid' || info.unifiedControllers.length === 0;
}
