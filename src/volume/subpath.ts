// VolumeOptions.Subpath (API 1.45): mount a directory or file inside a volume instead of the whole
// volume. The subpath is checked at create (relative, no `..` out of the volume: Go's filepath.IsLocal)
// and resolved at start with every link followed, then refused if the result leaves the volume
// (dockerd's safepath errors). What is handed to the runtime is not that path but an open file
// descriptor of it (`/proc/<berthd>/fd/<n>`), so a container that swaps a directory for a link after
// the check cannot redirect the bind mount: the descriptor still names the checked file. The runtime
// cannot bind a descriptor of another mount namespace (EINVAL), so the descriptor is first bound onto
// a private path on the host (`<exec-root>/volume-subpaths/<container>/<n>`), which the container's
// spec then names; those mounts are undone when the task is gone (also after a berthd restart: they
// are found by path, not remembered).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { InvalidParameterError, NotFoundError } from '../errdefs/index.js';
import { unmount } from './host-mounts.js';

const run = promisify(execFile);

/** Go's filepath.IsLocal for Unix paths: non-empty, relative, and staying below its base once cleaned. */
export function isLocalPath(p: string): boolean {
  if (p === '' || p.startsWith('/')) return false;
  const clean = path.posix.normalize(p);
  return clean !== '..' && !clean.startsWith('../');
}

/** An open, checked subpath: `source` is what the bind mount uses; close() when the task exists no more. */
export interface OpenedSubpath {
  source: string;
  /** the resolved host path (for copy-up and logs) */
  resolved: string;
  close(): void;
}

/** Resolves `subpath` inside `base` and opens it (dockerd's safepath.Join). */
export function openSubpath(base: string, subpath: string): OpenedSubpath {
  const realBase = fs.realpathSync(base);
  const joined = path.join(realBase, subpath);
  let resolved: string;
  try {
    resolved = fs.realpathSync(joined);
  } catch (err) {
    throw new NotFoundError(`cannot access path ${joined}: ${(err as Error).message}`);
  }
  if (resolved !== realBase && !resolved.startsWith(`${realBase}/`)) {
    throw new InvalidParameterError(`path concatenation escapes the base directory, base: ${realBase}, subpath: ${subpath}`);
  }
  let fd: number;
  try {
    // (libuv opens every descriptor close-on-exec)
    fd = fs.openSync(resolved, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch (err) {
    throw new NotFoundError(`cannot access path ${joined}: ${(err as Error).message}`);
  }
  // the path may have been swapped between the check and the open: the descriptor tells
  const opened = fs.readlinkSync(`/proc/self/fd/${fd}`);
  if (opened !== resolved) {
    fs.closeSync(fd);
    throw new NotFoundError(`cannot access path ${joined}: the path changed while it was opened`);
  }
  let closed = false;
  return {
    source: `/proc/${process.pid}/fd/${fd}`,
    resolved,
    close: () => { if (!closed) { closed = true; fs.closeSync(fd); } },
  };
}

/**
 * Binds an opened subpath onto `target` (created as a file or directory like the source) with
 * mount(8) given the descriptor's magic link uncanonicalized, so nothing re-resolves the path.
 */
export async function bindOpenedSubpath(opened: OpenedSubpath, target: string): Promise<void> {
  fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  if (fs.statSync(opened.source).isDirectory()) fs.mkdirSync(target, { recursive: true });
  else fs.writeFileSync(target, '');
  try {
    await run('mount', ['--no-canonicalize', '--bind', opened.source, target]);
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(`mount subpath ${opened.resolved}: ${stderr || (err as Error).message}`, { cause: err });
  }
}

/** Undoes every subpath bind under `dir` (one container's) and removes it. */
export async function unbindSubpaths(dir: string): Promise<void> {
  let entries: string[];
  try { entries = fs.readdirSync(dir); } catch { return; }
  for (const e of entries) await unmount(path.join(dir, e));
  fs.rmSync(dir, { recursive: true, force: true });
}
