// `docker diff` (GET /containers/{id}/changes): what a container changed in its filesystem, read from
// its overlay upper directory — a file there that exists in a lower layer is modified (Kind 0), one
// that does not is added (1), an overlay whiteout (a 0/0 character device) is a deletion (2); the
// parent directory of an addition or deletion shows as modified, as in dockerd. The mount points
// dockerd keeps in its init layer (/etc/hosts, /dev, …) are not the container's changes: left out.
import fs from 'node:fs';
import path from 'node:path';
import { mountDirs } from '../runtime/mount-dirs.js';
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

/**
 * The paths of `upper` (a container's writable dir) a committed layer leaves out: init-layer paths
 * and the directories that hold nothing else (e.g. /etc when runc only added /etc/hosts to it).
 * Empty when there are none, so the common case costs no rewrite.
 */
export function initOnlyPaths(upper: string): Set<string> {
  const drop = new Set<string>();
  /** true when `rel` has entries and every one of them is dropped */
  const walk = (rel: string): boolean => {
    let names: string[];
    try {
      names = fs.readdirSync(path.join(upper, rel));
    } catch {
      return false;
    }
    let all = names.length > 0;
    for (const name of names) {
      const r = path.posix.join(rel, name);
      if (isInitPath(r)) {
        drop.add(r);
        continue;
      }
      let isDir = false;
      try {
        isDir = fs.lstatSync(path.join(upper, r)).isDirectory();
      } catch { /* gone meanwhile */ }
      if (isDir && walk(r)) drop.add(r);
      else all = false;
    }
    return all;
  };
  walk('/');
  return drop;
}

export function containerChanges(mounts: readonly Mount[]): Change[] {
  const dirs = mountDirs(mounts);
  if (!dirs || !dirs.upper) return [];
  const drop = initOnlyPaths(dirs.upper);
  const changes = new Map<string, Change['Kind']>();
  const walk = (rel: string): void => {
    let names: string[];
    try {
      names = fs.readdirSync(path.join(dirs.upper, rel)).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const r = path.posix.join(rel, name);
      if (drop.has(r)) continue;
      let st: fs.Stats;
      try {
        st = fs.lstatSync(path.join(dirs.upper, r));
      } catch {
        continue;
      }
      if (isWhiteout(st)) {
        changes.set(r, CHANGE_DELETED);
        continue;
      }
      changes.set(r, existsIn(dirs.lowers, r) ? CHANGE_MODIFIED : CHANGE_ADDED);
      if (st.isDirectory()) walk(r);
    }
  };
  walk('/');
  // a parent directory of an addition or deletion is modified
  for (const [p, kind] of [...changes]) {
    if (kind === CHANGE_MODIFIED) continue;
    const parent = path.posix.dirname(p);
    if (parent !== '/' && !changes.has(parent)) changes.set(parent, CHANGE_MODIFIED);
  }
  return [...changes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([Path, Kind]) => ({ Path, Kind }));
}
