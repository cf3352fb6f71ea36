// Sizes as dockerd reports them: the apparent size of a layer's files (directory.Size — regular
// files, symlinks, each hard-linked inode once, directories not counted), not blocks on disk. A
// committed snapshot's own directory is found through a short-lived view of it.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { mountDirs } from '../runtime/mount-dirs.js';
import type { Mount, Snapshotter } from '../runtime/runtime.js';

/** Sum of file sizes below `dir`; `skip(rel)` leaves out a path (and what is below it). */
export function apparentSize(dir: string, skip?: (rel: string) => boolean): number {
  const seen = new Set<number>();
  let size = 0;
  const walk = (rel: string): void => {
    let names: string[];
    try {
      names = fs.readdirSync(path.join(dir, rel));
    } catch {
      return;
    }
    for (const name of names) {
      const r = path.posix.join(rel, name);
      if (skip?.(r)) continue;
      let st: fs.Stats;
      try {
        st = fs.lstatSync(path.join(dir, r));
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        walk(r);
        continue;
      }
      if (st.size === 0 || seen.has(st.ino)) continue;
      seen.add(st.ino);
      size += st.size;
    }
  };
  walk('/');
  return size;
}

/** The directory holding a committed snapshot's own files, from the mounts of a view of it. */
export function topLayerDir(mounts: readonly Mount[]): string | undefined {
  const dirs = mountDirs(mounts);
  return dirs && (dirs.upper || dirs.lowers[0]);
}

/** Apparent size of one committed layer snapshot (its own files, not its parents'). */
export async function layerSize(snapshots: Snapshotter, chainId: string): Promise<number> {
  const key = `size-${randomBytes(6).toString('hex')}-${chainId}`;
  const mounts = await snapshots.view(key, chainId);
  try {
    const dir = topLayerDir(mounts);
    if (!dir) throw new Error(`no directory in the mounts of ${chainId}`);
    return apparentSize(dir);
  } finally {
    await snapshots.remove(key).catch(() => undefined);
  }
}
