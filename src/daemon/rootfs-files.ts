// Reads files from a container's root filesystem without mounting it: looks through the overlay
// layers (upper first, then lowers top to bottom) of the snapshot's mounts. Used for /etc/passwd and
// /etc/group lookups at start.
import fs from 'node:fs';
import path from 'node:path';
import { mountDirs } from '../runtime/mount-dirs.js';
import type { Mount } from '../runtime/runtime.js';

/** Upper first, then the lowers top to bottom. */
function layerDirs(mounts: Mount[]): string[] {
  const dirs = mountDirs(mounts);
  return dirs ? [dirs.upper, ...dirs.lowers].filter((d) => d !== '') : [];
}

/** Returns the file's content from the topmost layer that has it, or undefined. */
export function readRootfsFile(mounts: Mount[], file: string): Buffer | undefined {
  for (const dir of layerDirs(mounts)) {
    const p = path.join(dir, file);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      continue;
    }
    // overlayfs whiteout: a 0/0 character device hides the file of lower layers
    if (st.isCharacterDevice() && st.rdev === 0) return undefined;
    if (st.isFile()) return fs.readFileSync(p);
    return undefined;
  }
  return undefined;
}
