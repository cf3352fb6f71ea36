// `runc pause` returns once the cgroup v1 freezer reads FROZEN; crun 1.8 returns right after writing
// it, while the kernel may still be FREEZING the tasks. After a pause berthd waits (briefly, bounded)
// for FROZEN, so `docker pause` means the same with either runtime. cgroup v2 and unknown layouts: no wait.
import fs from 'node:fs';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The v1 freezer.state file of `pid` (from /proc/<pid>/cgroup and the freezer hierarchy's mount point). */
export function freezerStateFile(procCgroup: string, mountinfo: string): string | undefined {
  const line = procCgroup.split('\n').find((l) => l.split(':')[1]?.split(',').includes('freezer'));
  if (!line) return undefined;
  const rel = line.split(':').slice(2).join(':');
  for (const m of mountinfo.split('\n')) {
    const f = m.split(' ');
    const sep = f.indexOf('-');
    if (sep < 0 || f[sep + 1] !== 'cgroup' || !(f[sep + 3] ?? '').split(',').includes('freezer')) continue;
    const root = f[3] ?? '/';
    const inside = root === '/' ? rel : rel.startsWith(root) ? rel.slice(root.length) : undefined;
    if (inside === undefined) continue;
    return `${f[4]}${inside.startsWith('/') ? '' : '/'}${inside}/freezer.state`.replace(/\/+/g, '/');
  }
  return undefined;
}

export async function waitFrozen(pid: number, timeoutMs = 2000): Promise<void> {
  if (pid <= 0) return;
  let file: string | undefined;
  try { file = freezerStateFile(fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8'), fs.readFileSync('/proc/self/mountinfo', 'utf8')); } catch { return; }
  if (!file) return;
  const end = Date.now() + timeoutMs;
  for (;;) {
    let state: string;
    try { state = fs.readFileSync(file, 'utf8').trim(); } catch { return; }
    if (state !== 'FREEZING' || Date.now() > end) return;
    await sleep(5);
  }
}
