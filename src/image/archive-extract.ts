// Extracts an image archive (a `docker save` tarball or an OCI layout in a tar, maybe gzip'd as a
// whole) into a temp directory. The manifest may come after the layers in the tar, so nothing can be
// interpreted while streaming; instead every file is stored and digested on the way (one read of
// each layer), and the loader then looks files up by their archive path.
//
// Files are stored flat under numbered names and links are resolved in memory: entry names never
// become filesystem paths, so no entry can write outside the directory whatever its name. Names that
// climb out of the archive root are still rejected as malformed, as dockerd does.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import tar from 'tar-stream';
import { BerthError, InvalidParameterError } from '../errdefs/errors.js';
import { MAGIC_LENGTH, StreamDigester, detectCompression, type FileDigests } from './compression.js';

export interface ArchiveFile extends FileDigests {
  /** normalized path inside the archive */
  name: string;
  /** where the bytes are on disk */
  path: string;
}

/** Largest JSON document (manifest, index, config) read into memory. */
const MAX_JSON_BYTES = 32 * 1024 * 1024;
const MAX_LINK_HOPS = 40;

/**
 * "./a//b/" → "a/b"; a leading "/" is dropped (as tar does). Returns "" for the root itself.
 * Throws InvalidParameterError for names that escape the root ("../x", "a/../../x").
 */
export function normalizeArchivePath(name: string): string {
  const n = path.posix.normalize(`/${name}`).slice(1).replace(/\/+$/, '');
  // normalize('/' + name) resolves ".." against the root; compare with a relative normalize to see
  // whether any ".." climbed above it.
  const rel = path.posix.normalize(name.replace(/^\/+/, '') || '.');
  if (rel === '..' || rel.startsWith('../')) {
    throw new InvalidParameterError(`invalid archive: path ${JSON.stringify(name)} escapes the archive root`);
  }
  return n;
}

export class ExtractedArchive {
  constructor(
    readonly dir: string,
    private readonly files: ReadonlyMap<string, ArchiveFile>,
    /** link name → normalized target name (symlinks resolved relative to their directory) */
    private readonly links: ReadonlyMap<string, string>,
  ) {}

  /** Follows links; undefined when nothing regular is found under `name`. */
  lookup(name: string): ArchiveFile | undefined {
    let n = normalizeArchivePath(name);
    for (let hops = 0; hops <= MAX_LINK_HOPS; hops++) {
      const file = this.files.get(n);
      if (file) return file;
      const target = this.links.get(n);
      if (target === undefined) return undefined;
      n = target;
    }
    return undefined;
  }

  has(name: string): boolean {
    return this.lookup(name) !== undefined;
  }

  /** Like lookup, but a missing file is an invalid archive (dockerd's "open …: no such file" wording). */
  file(name: string): ArchiveFile {
    const file = this.lookup(name);
    if (!file) throw new InvalidParameterError(`open ${name}: no such file or directory`);
    return file;
  }

  async readBytes(name: string): Promise<Buffer> {
    const file = this.file(name);
    if (file.size > MAX_JSON_BYTES) throw new InvalidParameterError(`${name}: file too large (${file.size} bytes)`);
    return fs.promises.readFile(file.path);
  }

  async readJson(name: string): Promise<unknown> {
    const bytes = await this.readBytes(name);
    try {
      return JSON.parse(bytes.toString('utf8')) as unknown;
    } catch (err) {
      throw new InvalidParameterError(`invalid JSON in ${name}: ${(err as Error).message}`);
    }
  }

  /** Files in the archive (regular files only), for diagnostics and tests. */
  names(): string[] {
    return [...this.files.keys()];
  }
}

/** An error of the input stream itself (client went away), passed through untranslated. */
class InputError extends Error {
  constructor(readonly inner: Error) {
    super(inner.message);
  }
}

/**
 * Reads the first `n` bytes without consuming them (they are unshifted back), to sniff compression.
 * Returns the stream to read from afterwards, which is `input` unless it ended early.
 */
function sniff(input: Readable, n: number, signal: AbortSignal | undefined): Promise<{ head: Buffer; source: Readable }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const cleanup = (): void => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      cleanup();
      input.pause();
      reject(signal?.reason ?? new Error('aborted'));
    };
    const onData = (chunk: Buffer | string): void => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      chunks.push(buf);
      length += buf.length;
      if (length < n) return;
      cleanup();
      input.pause();
      const head = Buffer.concat(chunks);
      input.unshift(head);
      resolve({ head, source: input });
    };
    const onEnd = (): void => {
      // Too short to unshift into an ended stream: replay what was read from a fresh one.
      cleanup();
      const head = Buffer.concat(chunks);
      resolve({ head, source: Readable.from(head.length > 0 ? [head] : []) });
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(new InputError(err));
    };
    if (input.readableEnded) {
      onEnd();
      return;
    }
    input.on('data', onData);
    input.on('end', onEnd);
    input.on('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Maps a failure of tar/gzip parsing to a client error in dockerd's words; passes others through. */
function archiveError(err: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return signal.reason ?? err;
  if (err instanceof InputError) return err.inner;
  if (err instanceof BerthError) return err;
  const e = err as NodeJS.ErrnoException;
  const message = e?.message ?? String(err);
  if (/tar header|Invalid header|Header exceeds/i.test(message)) {
    return new InvalidParameterError('archive/tar: invalid tar header', { cause: err });
  }
  if (/Unexpected end of data/i.test(message)) return new InvalidParameterError('unexpected EOF', { cause: err });
  // a truncated gzip stream: Go's gzip reader says io.ErrUnexpectedEOF
  if (e?.code === 'Z_BUF_ERROR' && /unexpected end of file/i.test(message)) return new InvalidParameterError('unexpected EOF', { cause: err });
  if (typeof e?.code === 'string' && e.code.startsWith('Z_')) {
    return new InvalidParameterError(`gzip: invalid data: ${message}`, { cause: err });
  }
  if (typeof e?.syscall === 'string') return err; // filesystem trouble on our side
  return new InvalidParameterError(`invalid archive: ${message}`, { cause: err });
}

async function writeAll(fh: fs.promises.FileHandle, chunk: Buffer): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await fh.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}

/**
 * Streams a tar archive (plain or gzip'd) from `input` into `dir`, which must exist and be empty.
 * On failure the rest of `input` is left unread (paused): the caller decides whether to drain it or
 * drop the connection. Files already written stay in `dir`; the caller removes it.
 */
export async function extractArchive(input: Readable, dir: string, options: { signal?: AbortSignal } = {}): Promise<ExtractedArchive> {
  const { signal } = options;
  signal?.throwIfAborted();
  const { head, source } = await sniff(input, MAGIC_LENGTH, signal);
  const compression = detectCompression(head);
  if (compression !== 'none' && compression !== 'gzip') {
    throw new InvalidParameterError(`unsupported archive compression: ${compression}`);
  }

  const extract = tar.extract();
  const gunzip = compression === 'gzip' ? zlib.createGunzip() : undefined;
  const onSourceError = (err: Error): void => {
    extract.destroy(new InputError(err));
  };
  const onGunzipError = (err: Error): void => {
    extract.destroy(err);
  };
  const onAbort = (): void => {
    extract.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
  };
  source.on('error', onSourceError);
  signal?.addEventListener('abort', onAbort, { once: true });
  if (gunzip) {
    gunzip.on('error', onGunzipError);
    source.pipe(gunzip).pipe(extract);
  } else {
    source.pipe(extract);
  }

  const files = new Map<string, ArchiveFile>();
  const links = new Map<string, string>();
  let seq = 0;
  let ok = false;
  try {
    const entries = extract[Symbol.asyncIterator]();
    for (;;) {
      let next: Awaited<ReturnType<typeof entries.next>>;
      try {
        next = await entries.next();
      } catch (err) {
        throw archiveError(err, signal);
      }
      if (next.done) break;
      const entry = next.value;
      const header = entry.header;
      const name = normalizeArchivePath(header.name);
      const type = header.type ?? 'file';
      if ((type === 'file' || type === 'contiguous-file') && name !== '') {
        const diskPath = path.join(dir, String(seq++));
        const digester = new StreamDigester();
        const fh = await fs.promises.open(diskPath, 'wx', 0o600);
        // One write in flight while the next chunk is parsed and hashed (measured faster than write-then-read).
        let pendingWrite: Promise<void> = Promise.resolve();
        try {
          const chunks = entry[Symbol.asyncIterator]();
          for (;;) {
            let chunk: Awaited<ReturnType<typeof chunks.next>>;
            try {
              chunk = await chunks.next();
            } catch (err) {
              // An entry fails with a generic "destroyed" error when the parser fails; the parser's
              // own error (e.g. truncation) is what the iterator reports next.
              await entries.next().catch((parserErr: unknown) => {
                throw archiveError(parserErr, signal);
              });
              throw archiveError(err, signal);
            }
            if (chunk.done) break;
            const data = chunk.value as Buffer;
            await digester.update(data);
            await pendingWrite;
            pendingWrite = writeAll(fh, data);
            pendingWrite.catch(() => undefined); // awaited above/below; no unhandled-rejection noise
          }
          await pendingWrite;
        } finally {
          await pendingWrite.catch(() => undefined);
          await fh.close();
        }
        files.set(name, { name, path: diskPath, ...(await digester.finish()) });
        links.delete(name);
        continue;
      }
      if (type === 'symlink' && header.linkname) {
        // Relative targets resolve from the link's directory, absolute ones from the archive root.
        const base = header.linkname.startsWith('/') ? '' : path.posix.dirname(name);
        links.set(name, normalizeArchivePath(path.posix.join(base, header.linkname)));
        files.delete(name);
      } else if (type === 'link' && header.linkname) {
        links.set(name, normalizeArchivePath(header.linkname));
        files.delete(name);
      }
      entry.resume(); // directories, devices, …: nothing to keep, but the entry must be consumed
    }
    ok = true;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    source.off('error', onSourceError);
    gunzip?.off('error', onGunzipError);
    if (!ok) {
      source.unpipe();
      gunzip?.unpipe();
      gunzip?.destroy();
      extract.destroy();
      if (source === input) input.pause();
    }
  }
  return new ExtractedArchive(dir, files, links);
}
