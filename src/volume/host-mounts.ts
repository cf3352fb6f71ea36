// The host's mount table, as far as volumes need it: is a path a mount point, mount a device with
// mount(8) (which knows every filesystem's option syntax, e.g. tmpfs size=10m), unmount.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** mountinfo escapes space, tab, newline and backslash as octal. */
const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** Mount points of this process's namespace, from /proc/self/mountinfo (field 5). */
export function mountPoints(mountinfo = fs.readFileSync('/proc/self/mountinfo', 'utf8')): Set<string> {
  const out = new Set<string>();
  for (const line of mountinfo.split('\n')) {
    const target = line.split(' ')[4];
    if (target) out.add(unescape(target));
  }
  return out;
}

export function isMountPoint(p: string): boolean {
  return mountPoints().has(p);
}

export interface MountRequest {
  device: string;
  target: string;
  /** '' lets mount(8) probe; 'bind' is a bind mount */
  type: string;
  /** comma-separated, as `-o` */
  options: string;
}

/** The mount(8) arguments for a request. */
export function mountArgs(m: MountRequest): string[] {
  const options = m.options.split(',').map((o) => o.trim()).filter(Boolean);
  const args: string[] = [];
  if (m.type === 'bind') options.unshift('bind');
  else if (m.type !== '') args.push('-t', m.type);
  if (options.length > 0) args.push('-o', options.join(','));
  args.push('--', m.device, m.target);
  return args;
}

export async function mount(m: MountRequest): Promise<void> {
  try {
    await run('mount', mountArgs(m));
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(stderr || (err as Error).message, { cause: err });
  }
}

/** Unmounts `target`; a path that is not mounted is not an error. */
export async function unmount(target: string): Promise<void> {
  if (!isMountPoint(target)) return;
  try {
    await run('umount', [target]);
  } catch (err) {
    if (!isMountPoint(target)) return;
    // busy (e.g. a shell's cwd on the host): detach it, as dockerd's Unmount falls back to MNT_DETACH
    await run('umount', ['-l', target]);
  }
}
