// After a crash: the working snapshots of an unpack, commit or size measurement that was cut short
// (named with the prefixes below) are removed when berthd starts, before anything new begins.
import type { Snapshotter } from '../runtime/runtime.js';

/** Prefixes of the short-lived snapshots berthd's image code makes. */
export const TEMP_SNAPSHOT_PREFIXES = ['extract-', 'commit-view-', 'size-'] as const;

export async function sweepTempSnapshots(snapshots: Snapshotter): Promise<string[]> {
  const removed: string[] = [];
  for (const s of await snapshots.list()) {
    if (s.kind === 'committed' || !TEMP_SNAPSHOT_PREFIXES.some((p) => s.name.startsWith(p))) continue;
    try {
      await snapshots.remove(s.name);
      removed.push(s.name);
    } catch { /* in use after all: left for the next start */ }
  }
  return removed;
}
