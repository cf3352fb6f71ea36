// Extracts a tar into a directory of a container's view, as dockerd's archive.Unpack does: names
// cleaned and taken below the destination (an absolute name too), a name leaving it refused, parent
// directories created 0755, an existing entry replaced unless both are directories (or refused
// with noOverwriteDirNonDir), ownership from the header or the copyUIDGID override, directories'
// times set last. Every path is resolved again in the container's view for each entry, so a
// symlink the tar itself planted (or the container has) is followed inside the container only;
// the entry itself is never followed (O_NOFOLLOW, lchown, lutimes).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import path from 'node:path';
import tar, { type Header } from 'tar-stream';

type Entry = AsyncIterable<unknown> & { header: Header; resume(): unknown };
import { InvalidParameterError } from '../errdefs/index.js';
import { resolveInView, type ContainerView } from './container-view.js';

export interface ExtractOptions {
  noOverwriteDirNonDir: boolean;
  /** every entry owned by this user (copyUIDGID with a container user); else the header's */
  chown?: { uid: number; gid: number };
}

/** dockerd's breakoutError: a tar entry naming something outside the destination. */
export class BreakoutError extends InvalidParameterError {}

/** The entry name as Go's filepath.Clean of a relative name; undefined when it leaves the destination. */
export function cleanEntryName(name: string): string | undefined {
  const clean = path.posix.normalize(name.replace(/^\/+/, '') || '.');
  const trimmed = clean.endsWith('/') && clean !== '/' ? clean.slice(0, -1) : clean;
  if (trimmed === '..' || trimmed.startsWith('../')) return undefined;
  return trimmed;
}

/** tar-stream's parse errors in Go's archive/tar words, as dockerd answers them. */
function goTarError(err: Error): Error {
  if (/Invalid tar header/i.test(err.message)) return new InvalidParameterError('archive/tar: invalid tar header', { cause: err });
  if (/Unexpected end of data/i.test(err.message)) return new InvalidParameterError('unexpected EOF', { cause: err });
  return err;
}

export async function extractTar(view: ContainerView, destCPath: string, input: Readable, opts: ExtractOptions): Promise<void> {
  const extract = tar.extract();
  const dirTimes: Array<{ cpath: string; mtime: Date }> = [];
  input.on('error', (err) => extract.destroy(err));
  input.pipe(extract);
  try {
    for await (const entry of extract) {
      await extractEntry(view, destCPath, entry, opts, dirTimes);
      entry.resume();
    }
  } catch (err) {
    input.unpipe(extract);
    // the rest of the body is discarded, not destroyed: the input may be the request itself, and
    // destroying it closes the connection before the error response is written (a bare hang-up)
    input.resume();
    throw err instanceof InvalidParameterError ? err : goTarError(err as Error);
  }
  // directory times last: creating their children changed them
  for (const d of dirTimes.reverse()) {
    const r = resolveInView(view, d.cpath, false);
    try { fs.lutimesSync(r.host, d.mtime, d.mtime); } catch { /* gone or replaced: nothing to date */ }
  }
}

async function extractEntry(
  view: ContainerView, destCPath: string, entry: Entry, opts: ExtractOptions, dirTimes: Array<{ cpath: string; mtime: Date }>,
): Promise<void> {
  const h = entry.header;
  const name = cleanEntryName(h.name);
  if (name === undefined) throw new BreakoutError(`${JSON.stringify(h.name)} is outside of ${JSON.stringify(destCPath)}`);
  const cpath = path.posix.join(destCPath, name);
  // the parent, with every link in it followed inside the container (dockerd's chrooted untar)
  const parent = resolveInView(view, path.posix.dirname(cpath), true);
  const base = path.posix.basename(cpath);
  if (name !== '.') {
    // missing parents are made 0755, as dockerd's Unpack does (its missing tail holds no links)
    if (!fs.existsSync(parent.host)) fs.mkdirSync(parent.host, { recursive: true, mode: 0o755 });
  }
  const target = name === '.' ? resolveInView(view, destCPath, true) : { cpath: path.posix.join(parent.cpath, base), host: path.join(parent.host, base) };
  const host = target.host;
  const isDir = h.type === 'directory';

  let existing: fs.Stats | undefined;
  try { existing = fs.lstatSync(host); } catch { /* new */ }
  if (existing) {
    if (opts.noOverwriteDirNonDir && existing.isDirectory() && !isDir) {
      throw new InvalidParameterError(`cannot overwrite directory ${JSON.stringify(target.cpath)} with non-directory ${JSON.stringify(name)}`);
    }
    if (opts.noOverwriteDirNonDir && !existing.isDirectory() && isDir) {
      throw new InvalidParameterError(`cannot overwrite non-directory ${JSON.stringify(target.cpath)} with directory ${JSON.stringify(name)}`);
    }
    if (existing.isDirectory() && name === '.') return;
    if (!(existing.isDirectory() && isDir)) fs.rmSync(host, { recursive: true, force: true });
  }

  const mode = (h.mode ?? 0o644) & 0o7777;
  switch (h.type) {
    case 'directory':
      if (!existing?.isDirectory()) fs.mkdirSync(host, { mode });
      break;
    case 'file':
    case 'contiguous-file': {
      // chunk by chunk through a file handle: a write stream's small buffer paused the tar parser
      // on every chunk and made the copy several times slower
      const fh = await fs.promises.open(host, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, mode);
      try {
        for await (const chunk of entry) await fh.write(chunk as Buffer);
      } finally {
        await fh.close();
      }
      break;
    }
    case 'symlink': {
      const linkname = h.linkname ?? '';
      // dockerd refuses a relative link whose target lies above the destination
      const resolvedTarget = path.posix.join(path.posix.dirname(cpath), linkname);
      if (!linkname.startsWith('/') && resolvedTarget !== destCPath && !resolvedTarget.startsWith(destCPath === '/' ? '/' : `${destCPath}/`)) {
        throw new BreakoutError(`invalid symlink ${JSON.stringify(cpath)} -> ${JSON.stringify(linkname)}`);
      }
      fs.symlinkSync(linkname, host);
      break;
    }
    case 'link': {
      const linkName = cleanEntryName(h.linkname ?? '');
      if (linkName === undefined) throw new BreakoutError(`invalid hardlink ${JSON.stringify(cpath)} -> ${JSON.stringify(h.linkname)}`);
      const src = resolveInView(view, path.posix.join(destCPath, linkName), false);
      try {
        fs.linkSync(src.host, host);
      } catch (err) {
        // a link to what neither the archive nor the container has (or across the container's
        // mounts) is the archive's fault: a 400, not a server error
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'EXDEV' || code === 'EPERM') {
          throw new InvalidParameterError(`invalid hardlink ${JSON.stringify(cpath)} -> ${JSON.stringify(h.linkname)}: ${code}`, { cause: err });
        }
        throw err;
      }
      break;
    }
    case 'character-device':
    case 'block-device':
    case 'fifo':
      mknod(host, h, mode);
      break;
    default:
      // dockerd skips what it does not know (with a debug log)
      return;
  }
  if (h.type === 'link') return;
  const uid = opts.chown?.uid ?? h.uid ?? 0;
  const gid = opts.chown?.gid ?? h.gid ?? 0;
  fs.lchownSync(host, uid, gid);
  if (h.type !== 'symlink') fs.chmodSync(host, mode);
  const mtime = h.mtime ?? new Date();
  if (h.type === 'directory') dirTimes.push({ cpath: target.cpath, mtime });
  else fs.lutimesSync(host, mtime, mtime);
}

/** Node has no mknod: mknod(1) makes device nodes and fifos. */
function mknod(host: string, h: Header, mode: number): void {
  const args = h.type === 'fifo' ? [host, 'p'] : [host, h.type === 'block-device' ? 'b' : 'c', String(h.devmajor ?? 0), String(h.devminor ?? 0)];
  const r = spawnSyncChecked('mknod', ['-m', (mode & 0o777).toString(8), ...args]);
  if (r) throw new Error(r);
}

function spawnSyncChecked(cmd: string, args: string[]): string | undefined {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status === 0) return undefined;
  return (r.stderr || r.error?.message || `${cmd} failed`).trim();
}
