// Copy-up: a volume mounted over a path the image has content at gets that content on first use,
// when the volume is still empty (dockerd's CopyImagePathContent, done at create). The image's
// view is read from the container's snapshot: its layers are mounted read-only as one overlay (the
// writable layer is still empty at create), or read directly when there is a single layer.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { resolveInRoot } from '../internal/scoped-path.js';
import { mountDirs } from '../runtime/mount-dirs.js';
import type { Mount } from '../runtime/runtime.js';
import { mount, unmount } from './host-mounts.js';

const run = promisify(execFile);

/** Runs `fn` with the image's root filesystem (the snapshot's read-only layers) at a host path. */
export async function withImageRoot<T>(mounts: Mount[], scratch: string, fn: (root: string | undefined) => Promise<T>): Promise<T> {
  const dirs = mountDirs(mounts);
  const layers = dirs ? (dirs.lowers.length > 0 ? dirs.lowers : [dirs.upper]).filter((d) => d !== '') : [];
  if (layers.length === 0) return fn(undefined);
  if (layers.length === 1) return fn(layers[0]);
  fs.mkdirSync(scratch, { recursive: true, mode: 0o700 });
  const target = fs.mkdtempSync(path.join(scratch, 'rootfs-'));
  try {
    await mount({ device: 'overlay', target, type: 'overlay', options: `ro,lowerdir=${layers.join(':')}` });
    try {
      return await fn(target);
    } finally {
      await unmount(target);
    }
  } finally {
    fs.rmSync(target, { recursive: true, force: true });
  }
}

/**
 * Copies the directory at `containerPath` of `root` into `dest` when `dest` is empty, keeping
 * ownership, modes, times, links and the directory's own attributes. Nothing to copy is no error.
 */
export async function copyUp(root: string, containerPath: string, dest: string): Promise<boolean> {
  const src = resolveInRoot(root, containerPath);
  let st: fs.Stats;
  try { st = fs.statSync(src); } catch { return false; }
  if (!st.isDirectory()) return false;
  if (fs.readdirSync(dest).length > 0) return false;
  await run('cp', ['-a', '--', `${src}/.`, `${dest}/`]);
  fs.chownSync(dest, st.uid, st.gid);
  fs.chmodSync(dest, st.mode & 0o7777);
  return true;
}
