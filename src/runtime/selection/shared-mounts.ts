// Mount propagation for a containerd that runs in its own mount namespace (a slave of the host's):
// mounts berthd makes on the host later (named network namespaces, volumes, shareable /dev/shm)
// reach containerd and its shims only under a mount point that is shared on the host. A directory
// that is not one becomes one by a bind onto itself (what iproute2 does for /run/netns).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

/** The optional fields of `dir`'s mount (e.g. ["shared:1"]), or undefined when it is not a mount point. */
export function mountTags(mountinfo: string, dir: string): string[] | undefined {
  let tags: string[] | undefined;
  for (const line of mountinfo.split('\n')) {
    const fields = line.split(' ');
    const sep = fields.indexOf('-');
    if (sep < 6 || unescape(fields[4] ?? '') !== dir) continue;
    tags = fields.slice(6, sep); // the last mount on a path is the visible one
  }
  return tags;
}

function unescape(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

function mount(args: string[]): void {
  const r = spawnSync('mount', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mount ${args.join(' ')}: ${(r.stderr || r.error?.message || '').trim()}`);
}

/** Makes `dir` (created if missing) a shared mount point; a no-op when it already is one. */
export function ensureSharedMount(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const real = fs.realpathSync(dir);
  const tags = mountTags(fs.readFileSync('/proc/self/mountinfo', 'utf8'), real);
  if (tags?.some((t) => t.startsWith('shared:'))) return;
  if (tags === undefined) mount(['--bind', real, real]);
  mount(['--make-shared', real]);
}
