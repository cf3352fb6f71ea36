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

const syncing = new Map<string, { again: boolean }>();

/**
 * Like writeJsonAtomicSync for the hot path (container state on every start and exit): the file is
 * replaced atomically by rename before this returns, which is all a crash of the process (kill -9)
 * needs — the page cache outlives it. The fsyncs that only a power loss needs (file, then the
 * directory holding the rename) run in the background on libuv's pool instead of blocking the
 * event loop for 3–4 ms; writes to one file while its fsync runs are coalesced into one more.
 */
export function writeJsonReplaceSync(file: string, value: unknown, mode = 0o600): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(value), { mode });
  fs.renameSync(tmp, file);
  syncSoon(file);
}

/** Resolves once every background fsync started so far has finished (tests, shutdown). */
export async function flushBackgroundSyncs(): Promise<void> {
  while (syncing.size > 0) await new Promise((r) => setTimeout(r, 5));
}

function syncSoon(file: string): void {
  const running = syncing.get(file);
  if (running) { running.again = true; return; }
  const state = { again: false };
  syncing.set(file, state);
  void (async (): Promise<void> => {
    do {
      state.again = false;
      await fsyncPath(file);
      await fsyncPath(path.dirname(file));
    } while (state.again);
  })().catch(() => undefined /* removed meanwhile: nothing left to make durable */).finally(() => syncing.delete(file));
}

async function fsyncPath(p: string): Promise<void> {
  const h = await fs.promises.open(p, 'r');
  try { await h.sync(); } finally { await h.close(); }
}
