// Reads files from a container's root filesystem without mounting it: looks through the overlay
// layers (upper first, then lowers top to bottom) of the snapshot's mounts. Used for /etc/passwd and
// /etc/group lookups at start.
import fs from 'node:fs';
import path from 'node:path';
import type { Mount } from '../runtime/runtime.js';

export function layerDirs(mounts: Mount[]): string[] {
  const dirs: string[] = [];
  for (const m of mounts) {
    if (m.type === 'bind') { dirs.push(m.source); continue; }
    if (m.type !== 'overlay') continue;
    for (const opt of m.options) {
      if (opt.startsWith('upperdir=')) dirs.unshift(opt.slice('upperdir='.length));
    }
    for (const opt of m.options) {
      if (opt.startsWith('lowerdir=')) dirs.push(...opt.slice('lowerdir='.length).split(':'));
    }
  }
  return dirs;
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
