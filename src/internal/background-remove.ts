// Removing a directory tree off the hot path. rmdir(2) on this machine's ext4 takes 1–15 ms under
// load (journal), and fs.rmSync blocks the event loop for all of it; a rename into a trash
// directory on the same filesystem takes microseconds and is atomic, so the tree is gone from its
// place at once (and for good after a crash: whoever owns the trash empties it at start). The files
// directly inside are unlinked at once (cheap, and their space is free when the call returns); the
// directories are removed on libuv's pool, one tree at a time.
import fs from 'node:fs';
import path from 'node:path';

const queue: string[] = [];
let worker: Promise<void> | undefined;
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
  // its files go now (unlink is cheap, and the space of a container's logs is free when rm returns);
  // the directories, whose rmdir is what waits on the journal, go in the background
  try {
    for (const ent of fs.readdirSync(target, { withFileTypes: true })) {
      if (!ent.isDirectory()) fs.rmSync(path.join(target, ent.name), { force: true });
    }
  } catch { /* the background removal takes whatever is left */ }
  queue.push(target);
  worker ??= drainQueue().finally(() => { worker = undefined; });
}

/** one removal at a time: the background work never takes more than one of libuv's 4 threads */
async function drainQueue(): Promise<void> {
  for (let t = queue.shift(); t !== undefined; t = queue.shift()) {
    await fs.promises.rm(t, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Empties a trash directory that a previous process may have left (at start). */
export function emptyTrash(trash: string): void {
  fs.rmSync(trash, { recursive: true, force: true });
}

/** Resolves when every background removal started so far has finished (tests, shutdown). */
export async function backgroundRemovals(): Promise<void> {
  while (worker) await worker;
}
