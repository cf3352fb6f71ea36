// The host-side /dev/shm of a container with IpcMode "shareable": a tmpfs mounted under the
// container's directory (as dockerd's mounts/shm), bound into it and into containers that join its
// IPC namespace. A bind from another container's mount namespace is refused by the kernel, hence
// the host mount.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SystemError } from '../errdefs/index.js';

export function shmPath(containerDir: string): string {
  return path.join(containerDir, 'mounts', 'shm');
}

function isMounted(p: string): boolean {
  try { return fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === p); } catch { return false; }
}

export function mountShm(containerDir: string, size: number): string {
  const p = shmPath(containerDir);
  if (isMounted(p)) return p;
  fs.mkdirSync(p, { recursive: true, mode: 0o700 });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `nosuid,nodev,noexec,mode=1777,size=${size}`, 'shm', p], { encoding: 'utf8' });
  if (r.status !== 0) throw new SystemError(`mounting shm tmpfs: ${(r.stderr || r.error?.message || '').trim()}`);
  return p;
}

/** Called on every exit and removal: costs one failed stat unless the container has a shareable shm. */
export function unmountShm(containerDir: string): void {
  const p = shmPath(containerDir);
  if (fs.existsSync(p) && isMounted(p)) spawnSync('umount', ['-l', p]);
}
