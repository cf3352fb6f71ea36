// Where a process's cgroups are on this host: /proc/<pid>/cgroup joined with the cgroup mounts of
// /proc/self/mountinfo. Handles cgroup v1 (one hierarchy per controller, or co-mounted ones such as
// cpu,cpuacct), v2 (unified) and hybrid hosts (v1 controllers plus an empty v2 hierarchy).
import fs from 'node:fs';
import path from 'node:path';

export interface CgroupDirs {
  version: 1 | 2;
  /** v1: controller → directory */
  v1: Map<string, string>;
  /** v2: the unified directory */
  v2?: string;
}

interface CgroupMount { root: string; mountPoint: string; controllers: string[]; v2: boolean }

let mountsCache: CgroupMount[] | undefined;

export function parseMountinfo(text: string): CgroupMount[] {
  const out: CgroupMount[] = [];
  for (const line of text.split('\n')) {
    const [pre, post] = line.split(' - ');
    if (!pre || !post) continue;
    const f = pre.split(' ');
    const [fstype, , superOpts] = post.split(' ');
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue;
    const controllers = fstype === 'cgroup' ? (superOpts ?? '').split(',').filter((o) => o !== 'rw' && o !== 'ro' && !o.includes('=') || o.startsWith('name=')) : [];
    out.push({ root: f[3]!, mountPoint: f[4]!, controllers, v2: fstype === 'cgroup2' });
  }
  return out;
}

/** `/proc/<pid>/cgroup` lines: hierarchy-id:controllers:path */
export function parseProcCgroup(text: string): Array<{ controllers: string[]; path: string }> {
  return text.split('\n').filter(Boolean).map((l) => {
    const [, ctl = '', ...rest] = l.split(':');
    return { controllers: ctl ? ctl.split(',') : [], path: rest.join(':') };
  });
}

const under = (m: CgroupMount, p: string): string => path.join(m.mountPoint, m.root === '/' ? p : path.relative(m.root, p));

export function resolveCgroupDirs(procCgroup: string, mounts: CgroupMount[]): CgroupDirs {
  const v1 = new Map<string, string>();
  let v2: string | undefined;
  for (const entry of parseProcCgroup(procCgroup)) {
    if (entry.controllers.length === 0) {
      const m = mounts.find((x) => x.v2);
      if (m) v2 = under(m, entry.path);
      continue;
    }
    const m = mounts.find((x) => !x.v2 && entry.controllers.every((c) => x.controllers.includes(c)));
    if (!m) continue;
    for (const c of entry.controllers) v1.set(c, under(m, entry.path));
  }
  return { version: v1.has('memory') || v1.has('cpuacct') ? 1 : 2, v1, ...(v2 !== undefined ? { v2 } : {}) };
}

/** The cgroup directories of a running process (undefined when it is gone). */
export function cgroupDirsOf(pid: number): CgroupDirs | undefined {
  let text: string;
  try { text = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8'); } catch { return undefined; }
  mountsCache ??= parseMountinfo(fs.readFileSync('/proc/self/mountinfo', 'utf8'));
  return resolveCgroupDirs(text, mountsCache);
}
