// A container's filesystem as its processes see it, seen from the host: a root directory plus the
// mounts over it (volumes, binds). Container paths are resolved to host paths component by
// component with lstat/readlink, symlinks interpreted with the container's `/` as root and `..`
// never climbing above it, so no link in the container (to `/`, to `../../..`) reaches the host —
// dockerd's FollowSymlinkInScope guarantee (CVE-2018-15664 class). A running container's root is
// /proc/<pid>/root, where the kernel itself crosses the container's mounts; a stopped one's is its
// snapshot mounted by berthd, with its mount points mapped here.
import fs from 'node:fs';
import path from 'node:path';

export interface ViewMount {
  /** absolute, clean container path */
  destination: string;
  /** host directory or file mounted there */
  source: string;
}

export interface ContainerView {
  /** host directory that is the container's `/` */
  root: string;
  /** mounts the host path walk would not see (stopped containers); longest destination wins */
  mounts: ViewMount[];
}

const MAX_LINKS = 255;

/** Clean absolute container path of `p` (relative paths are taken from `/`), as Go's filepath.Join("/", p). */
export function cleanContainerPath(p: string): string {
  return path.posix.join('/', p);
}

/** The host path behind a clean container path, through the mount that covers it. */
export function hostPathOf(view: ContainerView, cpath: string): string {
  let best: ViewMount | undefined;
  for (const m of view.mounts) {
    if (cpath === m.destination || cpath.startsWith(m.destination === '/' ? '/' : `${m.destination}/`)) {
      if (!best || m.destination.length > best.destination.length) best = m;
    }
  }
  if (best) return path.join(best.source, cpath.slice(best.destination.length));
  return path.join(view.root, cpath);
}

export interface Resolved {
  /** clean container path after following links */
  cpath: string;
  /** the host path behind it */
  host: string;
}

/**
 * Resolves `p` inside the container. Intermediate symlinks are always followed; the last one only
 * with `followLast`. A missing component ends the walk: the rest is taken literally (`..` in it
 * still stops at `/`).
 */
export function resolveInView(view: ContainerView, p: string, followLast: boolean): Resolved {
  const pending = p.split('/').filter((x) => x !== '' && x !== '.');
  let resolved: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '..') { resolved.pop(); continue; }
    const cpath = '/' + [...resolved, part].join('/');
    const last = pending.length === 0;
    let st: fs.Stats;
    try {
      st = fs.lstatSync(hostPathOf(view, cpath));
    } catch {
      resolved.push(part);
      for (const rest of pending) {
        if (rest === '..') resolved.pop();
        else if (rest !== '.') resolved.push(rest);
      }
      break;
    }
    if (!st.isSymbolicLink() || (last && !followLast)) { resolved.push(part); continue; }
    if (++links > MAX_LINKS) throw new Error(`too many links in ${p}`);
    const target = fs.readlinkSync(hostPathOf(view, cpath));
    if (target.startsWith('/')) resolved = [];
    pending.unshift(...target.split('/').filter((x) => x !== '' && x !== '.'));
  }
  const cpath = '/' + resolved.join('/');
  return { cpath, host: hostPathOf(view, cpath) };
}

/** The container paths of the mounts directly below `cpath` (children a host readdir would miss). */
export function mountChildren(view: ContainerView, cpath: string): string[] {
  const prefix = cpath === '/' ? '/' : `${cpath}/`;
  return view.mounts
    .filter((m) => m.destination.startsWith(prefix) && m.destination.length > prefix.length && !m.destination.slice(prefix.length).includes('/'))
    .map((m) => m.destination.slice(prefix.length));
}

// Go's os.FileMode bits, as dockerd encodes a path's mode in X-Docker-Container-Path-Stat.
const GO_MODE = {
  dir: 2 ** 31, symlink: 2 ** 27, device: 2 ** 26, namedPipe: 2 ** 25, socket: 2 ** 24,
  setuid: 2 ** 23, setgid: 2 ** 22, charDevice: 2 ** 21, sticky: 2 ** 20,
} as const;

/** A Unix st_mode as Go's os.FileMode (fs.FileMode as Lstat's ModTime/Mode report it). */
export function goFileMode(mode: number): number {
  let m = mode & 0o777;
  switch (mode & fs.constants.S_IFMT) {
    case fs.constants.S_IFDIR: m += GO_MODE.dir; break;
    case fs.constants.S_IFLNK: m += GO_MODE.symlink; break;
    case fs.constants.S_IFBLK: m += GO_MODE.device; break;
    case fs.constants.S_IFCHR: m += GO_MODE.device + GO_MODE.charDevice; break;
    case fs.constants.S_IFIFO: m += GO_MODE.namedPipe; break;
    case fs.constants.S_IFSOCK: m += GO_MODE.socket; break;
  }
  if (mode & 0o4000) m += GO_MODE.setuid;
  if (mode & 0o2000) m += GO_MODE.setgid;
  if (mode & 0o1000) m += GO_MODE.sticky;
  return m;
}

/** Go's time.Time JSON (RFC 3339 with nanoseconds, trailing zeros dropped), in UTC. */
export function goTimeJson(sec: bigint, nsec: bigint): string {
  const base = new Date(Number(sec) * 1000).toISOString().slice(0, 19);
  const frac = nsec === 0n ? '' : '.' + nsec.toString().padStart(9, '0').replace(/0+$/, '');
  return `${base}${frac}Z`;
}

/** dockerd's container.PathStat. */
export interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

/** dockerd's Stat of a container path: lstat, the link's final target resolved in the container. */
export function statInView(view: ContainerView, cpath: string): PathStat {
  // the path itself is not followed at its end, but its parents are
  const r = resolveInView(view, cpath, false);
  const st = fs.lstatSync(r.host, { bigint: true });
  const linkTarget = st.isSymbolicLink() ? resolveInView(view, r.cpath, true).cpath : '';
  return {
    name: path.posix.basename(cpath) || '/',
    size: Number(st.size),
    mode: goFileMode(Number(st.mode)),
    mtime: goTimeJson(st.mtimeMs / 1000n, st.mtimeNs % 1_000_000_000n),
    linkTarget,
  };
}
