// COPY and ADD as a layer: the sources (from the context or another stage's filesystem) resolved
// with wildcards and .dockerignore, a content checksum for the cache (names, modes and bytes, never
// mtimes), and the layer tar written with the destination paths, ownership (--chown, else 0:0) and
// modes (--chmod). ADD unpacks local tar archives (plain, gzip, bzip2, xz) into the destination.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar, { type Header } from 'tar-stream';

type Headers = Partial<Header> & { name: string };
import { decompressStream } from '../archive/decompress.js';
import { detectCompression, MAGIC_LENGTH } from '../image/compression.js';
import { InvalidParameterError, NotFoundError } from '../errdefs/index.js';
import { globMatch, hasWildcard } from './glob.js';

/** A tree sources are read from: the build context or a mounted image filesystem. */
export interface SourceTree {
  root: string;
  hasExceptions: boolean;
  hostPath(rel: string): string | undefined;
  ignored(rel: string): boolean;
}

export interface CopyItem {
  kind: 'file' | 'dir' | 'symlink' | 'archive';
  /** host path to read */
  host: string;
  /** absolute clean destination in the image */
  dest: string;
  mode: number;
  mtime: Date;
  linkname?: string;
}

export interface CopyPlan {
  items: CopyItem[];
  /** sha256 hex of names, kinds, modes and contents */
  checksum: string;
  /** `file`, `dir` or `multi`, as dockerd's history text names the source */
  kind: 'file' | 'dir' | 'multi';
}

export interface CopyRequest {
  tree: SourceTree;
  sources: string[];
  /** absolute destination; a trailing `/` means a directory */
  dest: string;
  add: boolean;
  /** what the destination is in the current image */
  destType: (p: string) => 'dir' | 'file' | undefined;
  /** instruction name for error texts (COPY/ADD) */
  name: string;
}

const cleanRel = (p: string): string => path.posix.normalize(p.replace(/^\/+/, '')) || '.';

function walk(tree: SourceTree, rel: string, host: string, dest: string, items: CopyItem[], destType: CopyRequest['destType']): void {
  const names = fs.readdirSync(host).sort();
  for (const name of names) {
    const childRel = rel === '.' ? name : `${rel}/${name}`;
    const childHost = path.join(host, name);
    const st = fs.lstatSync(childHost);
    const childDest = path.posix.join(dest, name);
    if (tree.ignored(childRel) && !(st.isDirectory() && tree.hasExceptions)) continue;
    if (st.isDirectory()) {
      if (!tree.ignored(childRel)) items.push(item('dir', childHost, childDest, st));
      walk(tree, childRel, childHost, childDest, items, destType);
    } else if (st.isSymbolicLink()) {
      items.push({ ...item('symlink', childHost, childDest, st), linkname: fs.readlinkSync(childHost) });
    } else if (st.isFile()) {
      items.push(item('file', childHost, childDest, st));
    }
  }
}

const item = (kind: CopyItem['kind'], host: string, dest: string, st: fs.Stats): CopyItem =>
  ({ kind, host, dest, mode: st.mode & 0o7777, mtime: st.mtime });

/** Whether a local file is a tar archive ADD unpacks (dockerd's IsArchivePath). */
function isArchive(host: string): boolean {
  const fd = fs.openSync(host, 'r');
  try {
    const head = Buffer.alloc(512);
    const n = fs.readSync(fd, head, 0, 512, 0);
    if (n < MAGIC_LENGTH) return false;
    const kind = detectCompression(head);
    if (kind !== 'none' && kind !== 'zstd') return true;
    if (n < 512) return false;
    return head.subarray(257, 262).toString('latin1') === 'ustar' || checksumOk(head);
  } finally {
    fs.closeSync(fd);
  }
}

function checksumOk(block: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] as number);
  const recorded = parseInt(block.subarray(148, 156).toString('latin1').replace(/[\0 ]+$/g, '').trim(), 8);
  return recorded === sum && sum !== 256;
}

/** Resolves the sources of one COPY/ADD into the items of its layer. */
export async function planCopy(r: CopyRequest): Promise<CopyPlan> {
  const matched: Array<{ rel: string; host: string }> = [];
  for (const src of r.sources) {
    const rel = cleanRel(src);
    if (rel === '..' || rel.startsWith('../')) throw new InvalidParameterError(`${r.name} failed: forbidden path outside the build context: ${src} ()`);
    if (hasWildcard(rel)) {
      const found: Array<{ rel: string; host: string }> = [];
      collectMatches(r.tree, rel, '.', r.tree.root, found);
      matched.push(...found);
      continue;
    }
    const host = r.tree.hostPath(rel);
    if (!host || (rel !== '.' && r.tree.ignored(rel) && !fs.statSync(host).isDirectory())) {
      throw new NotFoundError(`${r.name} failed: file not found in build context or excluded by .dockerignore: stat ${rel}: file does not exist`);
    }
    matched.push({ rel, host });
  }
  if (matched.length === 0) throw new InvalidParameterError(`${r.name} failed: no source files were specified`);
  const multi = r.sources.length > 1 || r.sources.some((s) => hasWildcard(s));
  const destDirHint = r.dest.endsWith('/') || r.dest.endsWith('/.');
  const dest = path.posix.normalize(r.dest);
  if (multi && matched.length > 1 && !destDirHint && r.destType(dest) !== 'dir') {
    throw new InvalidParameterError(`When using ${r.name} with more than one source file, the destination must be a directory and end with a /`);
  }
  const items: CopyItem[] = [];
  for (const m of matched) {
    const st = fs.statSync(m.host);
    if (st.isDirectory()) {
      walk(r.tree, m.rel, m.host, dest, items, r.destType);
    } else if (r.add && isArchive(m.host)) {
      items.push({ ...item('archive', m.host, dest, st) });
    } else {
      const intoDir = destDirHint || multi || r.destType(dest) === 'dir';
      items.push(item('file', m.host, intoDir ? path.posix.join(dest, path.posix.basename(m.rel)) : dest, st));
    }
  }
  const kind = matched.length > 1 ? 'multi' : fs.statSync((matched[0] as { host: string }).host).isDirectory() ? 'dir' : 'file';
  return { items, checksum: await checksumOf(items), kind };
}

function collectMatches(tree: SourceTree, pattern: string, rel: string, host: string, out: Array<{ rel: string; host: string }>): void {
  let names: string[];
  try { names = fs.readdirSync(host).sort(); } catch { return; }
  for (const name of names) {
    const childRel = rel === '.' ? name : `${rel}/${name}`;
    const childHost = path.join(host, name);
    if (globMatch(pattern, childRel)) {
      if (!tree.ignored(childRel)) out.push({ rel: childRel, host: childHost });
      continue;
    }
    // descend only where the pattern can still match deeper paths
    const depth = childRel.split('/').length;
    if (pattern.split('/').length > depth && fs.lstatSync(childHost).isDirectory()) collectMatches(tree, pattern, childRel, childHost, out);
  }
}

async function fileHash(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

async function checksumOf(items: CopyItem[]): Promise<string> {
  const h = createHash('sha256');
  for (const it of items) {
    h.update(`${it.kind}\0${it.dest}\0${it.mode.toString(8)}\0`);
    if (it.kind === 'file' || it.kind === 'archive') h.update(await fileHash(it.host));
    if (it.linkname !== undefined) h.update(it.linkname);
    h.update('\n');
  }
  return h.digest('hex');
}

export interface LayerFile {
  path: string;
  /** sha256:… of the tar */
  diffId: string;
  size: number;
}

export interface LayerWriteOptions {
  chown?: { uid: number; gid: number };
  chmod?: number;
  /** destination directories to create (with the chown owner) because the image lacks them */
  createDirs: string[];
}

/** Writes the layer tar of a copy plan to `file`. */
export async function writeCopyLayer(plan: CopyPlan, file: string, o: LayerWriteOptions): Promise<LayerFile> {
  const pack = tar.pack();
  const hash = createHash('sha256');
  let size = 0;
  const digest = new Transform({
    transform(chunk: Buffer, _e, cb) { hash.update(chunk); size += chunk.length; cb(null, chunk); },
  });
  const done = pipeline(pack, digest, fs.createWriteStream(file));
  const owner = { uid: o.chown?.uid ?? 0, gid: o.chown?.gid ?? 0 };
  const name = (dest: string): string => dest.replace(/^\/+/, '');
  const put = (h: Headers): Promise<void> => new Promise((resolve, reject) => {
    pack.entry(h, (err) => (err ? reject(err) : resolve()));
  });
  try {
    for (const d of o.createDirs) await put({ name: name(d), type: 'directory', mode: 0o755, ...owner, mtime: new Date() });
    for (const it of plan.items) {
      const mode = o.chmod ?? it.mode;
      if (it.kind === 'dir') await put({ name: name(it.dest), type: 'directory', mode, ...owner, mtime: it.mtime });
      else if (it.kind === 'symlink') await put({ name: name(it.dest), type: 'symlink', linkname: it.linkname ?? '', mode: 0o777, ...owner, mtime: it.mtime });
      else if (it.kind === 'file') {
        const st = fs.statSync(it.host);
        await new Promise<void>((resolve, reject) => {
          const entry = pack.entry({ name: name(it.dest), type: 'file', size: st.size, mode, ...owner, mtime: it.mtime }, (err) => (err ? reject(err) : resolve()));
          fs.createReadStream(it.host).on('error', reject).pipe(entry);
        });
      } else await rebaseArchive(it, pack, o);
    }
    pack.finalize();
    await done;
  } catch (err) {
    pack.destroy(err as Error);
    await done.catch(() => undefined);
    throw err;
  }
  return { path: file, diffId: `sha256:${hash.digest('hex')}`, size };
}

/** ADD of a local archive: its entries under the destination (ownership from the archive unless --chown). */
async function rebaseArchive(it: CopyItem, pack: tar.Pack, o: LayerWriteOptions): Promise<void> {
  const input = await decompressStream(fs.createReadStream(it.host));
  const extract = tar.extract();
  input.on('error', (err) => extract.destroy(err));
  input.pipe(extract);
  for await (const entry of extract as AsyncIterable<Readable & { header: Headers }>) {
    const h = entry.header;
    const rel = path.posix.normalize('/' + h.name);
    const out: Headers = { ...h, name: path.posix.join(it.dest, rel).replace(/^\/+/, '') };
    if (o.chown) { out.uid = o.chown.uid; out.gid = o.chown.gid; }
    if (h.type === 'link' && h.linkname) out.linkname = path.posix.join(it.dest, path.posix.normalize('/' + h.linkname)).replace(/^\/+/, '');
    if (h.type === 'file' || h.type === 'contiguous-file') {
      await new Promise<void>((resolve, reject) => {
        const e = pack.entry(out, (err) => (err ? reject(err) : resolve()));
        entry.on('error', reject).pipe(e);
      });
    } else {
      await new Promise<void>((resolve, reject) => pack.entry(out, (err) => (err ? reject(err) : resolve())));
      entry.resume();
    }
  }
}
