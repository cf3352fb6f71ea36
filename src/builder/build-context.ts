// The build context: the request body's tar (plain, gzip, bzip2 or xz) unpacked into a private
// temporary directory, its `.dockerignore` rules, and the Dockerfile read from it. Paths asked for
// by COPY/ADD are resolved inside it and can never leave it.
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, Transform, type Readable } from 'node:stream';
import dockerignore from '@balena/dockerignore';
import { decompressStream } from '../archive/decompress.js';
import { extractTar } from '../archive/tar-extract.js';
import { InvalidParameterError, NotFoundError } from '../errdefs/index.js';

/** dockerignore's ReadAll: comments and blank lines dropped, patterns cleaned, a leading / removed. */
export function parseDockerignore(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    let neg = false;
    if (line.startsWith('!')) { neg = true; line = line.slice(1).trim(); }
    if (line.length > 0) line = path.posix.normalize(line).replace(/^\/+/, '').replace(/\/$/, '') || '.';
    out.push((neg ? '!' : '') + line);
  }
  return out;
}

/**
 * The docker CLI's `-f -` context ends right after its last file's bytes (no padding, no
 * end-of-archive blocks), which Go's tar reader accepts: the stream is completed here so that the
 * tar parser sees a whole archive.
 */
function terminated(): Transform {
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _e, cb) { size += chunk.length; cb(null, chunk); },
    flush(cb) { cb(null, Buffer.alloc((512 - (size % 512)) % 512 + 1024)); },
  });
}

// a CommonJS module whose typings declare an ES default: its factory is also its `default` property
const ignore = dockerignore.default;

export class BuildContext {
  private readonly matcher: ReturnType<typeof ignore> | undefined;
  /** with `!` exceptions, an excluded directory may still hold included files */
  readonly hasExceptions: boolean;

  private constructor(readonly root: string, patterns: string[], private readonly owned?: string) {
    this.matcher = patterns.length > 0 ? ignore().add(patterns) : undefined;
    this.hasExceptions = patterns.some((p) => p.startsWith('!'));
  }

  /** Unpacks the context into a new directory under `tmpRoot`. */
  static async extract(body: Readable, tmpRoot: string): Promise<BuildContext> {
    fs.mkdirSync(tmpRoot, { recursive: true, mode: 0o700 });
    const root = fs.mkdtempSync(path.join(tmpRoot, 'context-'));
    try {
      // a failed extraction destroys its input: never the request itself (the error answer needs its socket)
      const own = new PassThrough();
      body.on('error', (err) => own.destroy(err));
      body.pipe(own);
      const input = (await decompressStream(own)).pipe(terminated());
      await extractTar({ root, mounts: [] }, '/', input, { noOverwriteDirNonDir: false });
    } catch (err) {
      fs.rmSync(root, { recursive: true, force: true });
      throw err;
    }
    let patterns: string[] = [];
    try { patterns = parseDockerignore(fs.readFileSync(path.join(root, '.dockerignore'), 'utf8')); } catch { /* none */ }
    return new BuildContext(root, patterns, root);
  }

  /** For tests and callers that have a directory already. */
  static fromDir(root: string, patterns: string[], owned?: string): BuildContext {
    return new BuildContext(root, patterns, owned);
  }

  /** A context-relative path (no leading /, '.' for the root) excluded by .dockerignore. */
  ignored(rel: string): boolean {
    if (!this.matcher || rel === '.' || rel === '') return false;
    return this.matcher.ignores(rel);
  }

  /**
   * The Dockerfile's text: `name` inside the context (default Dockerfile, then dockerfile), as
   * dockerd's remotecontext does; a name outside the context or missing is the client's error.
   */
  readDockerfile(name: string | undefined): { text: string; name: string } {
    const wanted = name || 'Dockerfile';
    const rel = path.posix.normalize(wanted.replace(/^\/+/, ''));
    if (rel.startsWith('../')) throw new InvalidParameterError(`Forbidden path outside the build context: ${wanted} ()`);
    const candidates = name ? [rel] : ['Dockerfile', 'dockerfile'];
    for (const c of candidates) {
      const full = this.hostPath(c);
      if (full && fs.existsSync(full) && fs.statSync(full).isFile()) {
        const text = fs.readFileSync(full, 'utf8');
        if (text.trim() === '') throw new InvalidParameterError(`the Dockerfile (${wanted}) cannot be empty`);
        return { text, name: wanted };
      }
    }
    throw new NotFoundError(`Cannot locate specified Dockerfile: ${wanted}`);
  }

  /**
   * The host path of a context path, symlinks followed inside the context only; undefined when it
   * does not exist.
   */
  hostPath(rel: string): string | undefined {
    const parts = path.posix.normalize('/' + rel).split('/').filter(Boolean);
    let cur = '';
    let links = 0;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      if (part === '..') { cur = path.posix.dirname(cur); if (cur === '/') cur = ''; continue; }
      const next = `${cur}/${part}`;
      let st: fs.Stats;
      try { st = fs.lstatSync(path.join(this.root, next)); } catch { return undefined; }
      if (st.isSymbolicLink()) {
        if (++links > 255) return undefined;
        const target = fs.readlinkSync(path.join(this.root, next));
        const rest = parts.slice(i + 1);
        const base = target.startsWith('/') ? '' : cur;
        const resolved = path.posix.normalize(`${base}/${target}`).split('/').filter(Boolean);
        parts.splice(0, parts.length, ...resolved, ...rest);
        i = -1; cur = '';
        continue;
      }
      cur = next;
    }
    return path.join(this.root, cur);
  }

  /** Removes the directory when the context made it (an image root or caller's directory stays). */
  async close(): Promise<void> {
    if (this.owned) await fs.promises.rm(this.owned, { recursive: true, force: true });
  }
}
