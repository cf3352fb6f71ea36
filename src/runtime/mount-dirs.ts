// The directories behind a snapshot's mounts as containerd's overlayfs snapshotter returns them: one
// overlay mount (upperdir, lowerdir top first), or a bind mount for a snapshot without parents.
import type { Mount } from './runtime.js';

export interface MountDirs {
  /** the writable directory; '' for a view (an overlay with lowers only) */
  upper: string;
  /** read-only layers, top first */
  lowers: string[];
}

export function mountDirs(mounts: readonly Mount[]): MountDirs | undefined {
  const m = mounts[0];
  if (!m) return undefined;
  if (m.type === 'bind') return { upper: m.source, lowers: [] };
  if (m.type !== 'overlay') return undefined;
  const opt = (name: string): string | undefined => m.options.find((o) => o.startsWith(`${name}=`))?.slice(name.length + 1);
  const lower = opt('lowerdir');
  return { upper: opt('upperdir') ?? '', lowers: lower ? lower.split(':') : [] };
}
