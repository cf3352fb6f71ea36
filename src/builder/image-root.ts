// An image's filesystem on the host for the length of an operation (COPY --from, the destination
// and --chown lookups of COPY/ADD): a read-only view snapshot of its top layer mounted under the
// builder's scratch directory, unmounted and removed afterwards. An image without layers (scratch)
// is an empty directory.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Snapshotter } from '../runtime/runtime.js';
import { mount, unmount } from '../volume/host-mounts.js';

export async function withImageRoot<T>(
  deps: { snapshots: Snapshotter; scratchDir: string },
  topChainId: string | undefined,
  fn: (root: string) => Promise<T>,
): Promise<T> {
  fs.mkdirSync(deps.scratchDir, { recursive: true, mode: 0o700 });
  const target = fs.mkdtempSync(path.join(deps.scratchDir, 'root-'));
  const key = `berth-build-view-${randomBytes(8).toString('hex')}`;
  let viewMade = false;
  try {
    if (topChainId) {
      const mounts = await deps.snapshots.view(key, topChainId);
      viewMade = true;
      for (const m of mounts) await mount({ device: m.source, target, type: m.type, options: m.options.join(',') });
    }
    return await fn(target);
  } finally {
    await unmount(target).catch(() => undefined);
    if (viewMade) await deps.snapshots.remove(key).catch(() => undefined);
    // never recursive: a mount that would not go must not have its files deleted
    try { fs.rmdirSync(target); } catch { /* still mounted: left for the operator */ }
  }
}

/** What a path is in a root (symlinks followed inside it by the caller's resolver). */
export function typeIn(hostPath: string | undefined): 'dir' | 'file' | undefined {
  if (!hostPath) return undefined;
  try {
    return fs.statSync(hostPath).isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}
