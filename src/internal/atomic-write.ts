// State files are written atomically: temp file in the same directory, fsync, rename, fsync dir.
// A crash leaves either the old or the new content, never a torn file.
import fs from 'node:fs';
import path from 'node:path';

export function writeFileAtomicSync(file: string, data: string | Buffer, mode = 0o600): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const fd = fs.openSync(tmp, 'w', mode);
  try {
    if (typeof data === "string") fs.writeSync(fd, data); else fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  const dfd = fs.openSync(dir, 'r');
  try { fs.fsyncSync(dfd); } finally { fs.closeSync(dfd); }
}

export function writeJsonAtomicSync(file: string, value: unknown): void {
  writeFileAtomicSync(file, JSON.stringify(value));
}

/** files whose fsync is owed; one worker makes them durable, one at a time, so the fsyncs take at most one of libuv's 4 threads */
const owed = new Set<string>();
let worker: Promise<void> | undefined;

/**
 * Like writeJsonAtomicSync for the hot path (container state on every start and exit): the file is
 * replaced atomically by rename before this returns, which is all a crash of the process (kill -9)
 * needs — the page cache outlives it. The fsyncs that only a power loss needs (file, then the
 * directory holding the rename) run later in the background, batched, one at a time, instead of
 * blocking the event loop for 3–4 ms per write (or every thread of libuv's pool under a burst).
 */
export function writeJsonReplaceSync(file: string, value: unknown, mode = 0o600): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(value), { mode });
  fs.renameSync(tmp, file);
  owed.add(file);
  worker ??= drainOwed().finally(() => { worker = undefined; });
}

/** Resolves once every background fsync owed so far has run (tests, shutdown). */
export async function flushBackgroundSyncs(): Promise<void> {
  while (worker) await worker;
}

async function drainOwed(): Promise<void> {
  // a short pause lets a burst of writes (20 containers starting) share the directory fsyncs
  await new Promise((r) => setTimeout(r, 20));
  while (owed.size > 0) {
    const files = [...owed];
    owed.clear();
    const dirs = new Set<string>();
    for (const f of files) {
      if (await fsyncPath(f)) dirs.add(path.dirname(f));
    }
    for (const d of dirs) await fsyncPath(d);
  }
}

/** false when the file is gone (removed meanwhile: nothing left to make durable) */
async function fsyncPath(p: string): Promise<boolean> {
  try {
    const h = await fs.promises.open(p, 'r');
    try { await h.sync(); } finally { await h.close(); }
    return true;
  } catch {
    return false;
  }
}
