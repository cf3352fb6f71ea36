// `docker diff` (GET /containers/{id}/changes): what a container changed in its filesystem, read from
// its overlay upper directory — a file there that exists in a lower layer is modified (Kind 0), one
// that does not is added (1), an overlay whiteout (a 0/0 character device) is a deletion (2); the
// parent directory of an addition or deletion shows as modified, as in dockerd. The mount points
// dockerd keeps in its init layer (/etc/hosts, /dev, …) are not the container's changes: left out.
import fs from 'node:fs';
import path from 'node:path';
import type { Mount } from '../runtime/runtime.js';

export interface Change {
  Path: string;
  Kind: 0 | 1 | 2;
}

export const CHANGE_MODIFIED = 0;
export const CHANGE_ADDED = 1;
export const CHANGE_DELETED = 2;

/** Paths of dockerd's init layer: created for the runtime's mounts, never reported. */
const INIT_PATHS = new Set(['/dev', '/dev/pts', '/dev/shm', '/dev/console', '/proc', '/sys', '/etc/hostname', '/etc/hosts', '/etc/resolv.conf', '/etc/mtab', '/.dockerenv']);
export const isInitPath = (p: string): boolean => INIT_PATHS.has(p) || p.startsWith('/dev/') || p.startsWith('/proc/') || p.startsWith('/sys/');

/** The writable and read-only directories of a container's rootfs mounts. */
export function layerDirs(mounts: readonly Mount[]): { upper: string; lowers: string[] } | undefined {
  const m = mounts[0];
  if (!m) return undefined;
  if (m.type === 'bind') return { upper: m.source, lowers: [] };
  if (m.type !== 'overlay') return undefined;
  const opt = (name: string): string | undefined => m.options.find((o) => o.startsWith(`${name}=`))?.slice(name.length + 1);
  const upper = opt('upperdir');
  const lower = opt('lowerdir');
  // A view or a read-only mount has no upperdir: nothing changed.
  if (!upper) return { upper: '', lowers: lower ? lower.split(':') : [] };
  return { upper, lowers: lower ? lower.split(':') : [] };
}

function existsIn(lowers: readonly string[], rel: string): boolean {
  for (const l of lowers) {
    try {
      fs.lstatSync(path.join(l, rel));
      return true;
    } catch { /* not in this layer */ }
  }
  return false;
}

const isWhiteout = (st: fs.Stats): boolean => st.isCharacterDevice() && st.rdev === 0;

export function containerChanges(mounts: readonly Mount[]): Change[] {
  const dirs = layerDirs(mounts);
  if (!dirs || !dirs.upper) return [];
  const changes = new Map<string, Change['Kind']>();
  /** directories that had entries, all of which were init paths */
  const onlyInit = new Set<string>();

  const walk = (rel: string): { any: boolean; reported: boolean } => {
    let any = false;
    let reported = false;
    let names: string[];
    try {
      names = fs.readdirSync(path.join(dirs.upper, rel)).sort();
    } catch {
      return { any, reported };
    }
    for (const name of names) {
      any = true;
      const r = path.posix.join(rel, name);
      const full = path.join(dirs.upper, r);
      let st: fs.Stats;
      try {
        st = fs.lstatSync(full);
      } catch {
        continue;
      }
      if (isInitPath(r)) continue;
      reported = true;
      if (isWhiteout(st)) {
        changes.set(r, CHANGE_DELETED);
        continue;
      }
      const inLower = existsIn(dirs.lowers, r);
      changes.set(r, inLower ? CHANGE_MODIFIED : CHANGE_ADDED);
      if (st.isDirectory()) {
        const sub = walk(r);
        if (inLower && sub.any && !sub.reported) onlyInit.add(r);
      }
    }
    return { any, reported };
  };
  walk('/');
  for (const d of onlyInit) changes.delete(d);
  // a parent directory of an addition or deletion is modified
  for (const [p, kind] of [...changes]) {
    if (kind === CHANGE_MODIFIED) continue;
    const parent = path.posix.dirname(p);
    if (parent !== '/' && !changes.has(parent)) changes.set(parent, CHANGE_MODIFIED);
  }
  return [...changes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([Path, Kind]) => ({ Path, Kind }));
}
