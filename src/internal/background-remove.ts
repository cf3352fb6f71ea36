// Removing a directory tree off the hot path. rmdir(2) on this machine's ext4 takes 1–15 ms under
// load (journal), and fs.rmSync blocks the event loop for all of it; a rename into a trash
// directory on the same filesystem takes microseconds and is atomic, so the tree is gone from its
// place at once (and for good after a crash: whoever owns the trash empties it at start), and the
// real removal runs on libuv's pool.
import fs from 'node:fs';
import path from 'node:path';

const pending = new Set<Promise<void>>();
let seq = 0;

/**
 * Moves `dir` (if it exists) into `trash` (created if needed; must be on the same filesystem) and
 * removes it there in the background. Falls back to removing it in place when the rename fails.
 */
export function removeInBackground(dir: string, trash: string): void {
  const target = path.join(trash, `${path.basename(dir)}.${process.pid}.${++seq}`);
  try {
    fs.renameSync(dir, target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !fs.existsSync(dir)) return;
    if (code === 'ENOENT') {
      fs.mkdirSync(trash, { recursive: true, mode: 0o700 });
      try { fs.renameSync(dir, target); } catch { fs.rmSync(dir, { recursive: true, force: true }); return; }
    } else {
      fs.rmSync(dir, { recursive: true, force: true });
      return;
    }
  }
  const p = fs.promises.rm(target, { recursive: true, force: true }).catch(() => undefined);
  pending.add(p);
  void p.finally(() => pending.delete(p));
}

/** Empties a trash directory that a previous process may have left (at start). */
export function emptyTrash(trash: string): void {
  fs.rmSync(trash, { recursive: true, force: true });
}

/** Resolves when every background removal started so far has finished (tests, shutdown). */
export async function backgroundRemovals(): Promise<void> {
  while (pending.size > 0) await Promise.all([...pending]);
}
