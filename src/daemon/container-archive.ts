// The archive API on a container's filesystem (docker cp): stat, tar out, tar in, the old /copy.
// A running container is reached through /proc/<pid>/root (its mounts included); a stopped one has
// its snapshot mounted read-write under the scratch directory for the operation, with its volume
// and bind mount points mapped over it, under the container's lock so that no start races it.
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { ArchiveResult, ContainerArchiveBackend, ExtractOptions } from '../api/routers/containers/archive-backend.js';
import { cleanContainerPath, resolveInView, statInView, type ContainerView, type PathStat } from '../archive/container-view.js';
import { decompressStream } from '../archive/decompress.js';
import { extractTar } from '../archive/tar-extract.js';
import { tarContainerPath } from '../archive/tar-writer.js';
import { BerthError, InvalidParameterError, NotFoundError, SystemError } from '../errdefs/index.js';
import type { Mount, Runtime } from '../runtime/runtime.js';
import { mount, unmount } from '../volume/host-mounts.js';
import type { Container } from './container.js';
import { emitContainerEvent } from './container-event.js';
import type { EventSink } from '../events/types.js';
import { readRootfsFile } from './rootfs-files.js';
import { resolveUser } from './user-lookup.js';

export interface ContainerArchiveDeps {
  runtime: Pick<Runtime, 'snapshots'>;
  getContainer: (ref: string) => Container;
  /** where stopped containers' snapshots are mounted for an operation */
  scratchDir: string;
  /** archive-path, extract-to-dir and copy events */
  events?: EventSink;
}

/** dockerd's containerFileNotFound. */
const fileNotFound = (file: string, ref: string): NotFoundError => new NotFoundError(`Could not find the file ${file} in container ${ref}`);

/** Go's archive.PreserveTrailingDotOrSeparator: a client's `dir/` or `dir/.` keeps its meaning. */
function preserveTrailing(clean: string, original: string): string {
  if (original.endsWith('/.') && !clean.endsWith('/.')) return `${clean === '/' ? '' : clean}/.`;
  if (original.endsWith('/') && !clean.endsWith('/')) return `${clean}/`;
  return clean;
}

const isNotExist = (err: unknown): boolean => {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
};

export class ContainerArchiveService implements ContainerArchiveBackend {
  constructor(private readonly deps: ContainerArchiveDeps) {}

  async containerStatPath(ref: string, p: string): Promise<PathStat> {
    const c = this.deps.getContainer(ref);
    return this.withView(c, async (view) => this.stat(view, ref, preserveTrailing(cleanContainerPath(p), p)));
  }

  async containerArchivePath(ref: string, p: string, signal: AbortSignal): Promise<ArchiveResult> {
    const c = this.deps.getContainer(ref);
    const abs = preserveTrailing(cleanContainerPath(p), p);
    return this.openView(c, async (view, release) => {
      const stat = this.stat(view, ref, abs);
      // the base is renamed to what the client asked for (`dir/.` → `.`), parents resolved in the view
      const dot = abs.endsWith('/.');
      const clean = dot ? abs.slice(0, -2) || '/' : abs.replace(/\/+$/, '') || '/';
      const resolved = resolveInView(view, clean, dot || abs.endsWith('/'));
      const rebase = dot ? '.' : path.posix.basename(clean) || '/';
      const tar = tarContainerPath(view, resolved.cpath, rebase, signal);
      emitContainerEvent(this.deps.events, c, 'archive-path', { path: p });
      return { stat, tar: releasing(tar, release) };
    });
  }

  async containerExtractToDir(ref: string, p: string, body: Readable, options: ExtractOptions): Promise<void> {
    const c = this.deps.getContainer(ref);
    await this.withView(c, async (view) => {
      // the destination's own last link is followed too: extracting to a link to a directory works
      const dest = resolveInView(view, cleanContainerPath(p), true);
      let st: fs.Stats;
      try { st = fs.statSync(dest.host); } catch (err) {
        if (isNotExist(err)) throw fileNotFound(p, ref);
        throw new SystemError((err as Error).message, { cause: err });
      }
      if (!st.isDirectory()) throw new InvalidParameterError('extraction point is not a directory');
      this.checkWritable(c, dest.cpath);
      const chown = options.copyUIDGID ? this.containerUser(c, view) : undefined;
      let input: Readable;
      try {
        input = await decompressStream(body);
      } catch (err) {
        throw new InvalidParameterError((err as Error).message, { cause: err });
      }
      await extractTar(view, dest.cpath, input, { noOverwriteDirNonDir: options.noOverwriteDirNonDir, ...(chown ? { chown } : {}) });
      emitContainerEvent(this.deps.events, c, 'extract-to-dir', { path: p });
    });
  }

  /** POST /containers/{id}/copy (API < 1.24): the resource, its last link followed, as a tar. */
  async containerCopy(ref: string, resource: string, signal: AbortSignal): Promise<AsyncIterable<Buffer>> {
    const c = this.deps.getContainer(ref);
    return this.openView(c, async (view, release) => {
      const r = resolveInView(view, cleanContainerPath(resource), true);
      let st: fs.Stats;
      try { st = fs.statSync(r.host); } catch (err) {
        if (isNotExist(err)) throw fileNotFound(resource, ref);
        throw new SystemError((err as Error).message, { cause: err });
      }
      // dockerd tars a directory's content, a file under its own name
      const base = st.isDirectory() ? path.posix.basename(r.cpath) || '.' : path.posix.basename(r.cpath);
      emitContainerEvent(this.deps.events, c, 'copy', { path: resource });
      return releasing(tarContainerPath(view, r.cpath, base, signal), release);
    });
  }

  private stat(view: ContainerView, ref: string, abs: string): PathStat {
    try {
      return statInView(view, abs);
    } catch (err) {
      if (isNotExist(err)) throw fileNotFound(abs, ref);
      if (err instanceof BerthError) throw err;
      throw new SystemError((err as Error).message, { cause: err });
    }
  }

  /** dockerd's checkIfPathIsInAVolume and its read-only rootfs refusal. */
  private checkWritable(c: Container, cpath: string): void {
    let inMount: { RW: boolean } | undefined;
    let best = -1;
    for (const m of c.record.mountPoints ?? []) {
      const d = cleanContainerPath(m.Destination);
      if ((cpath === d || cpath.startsWith(d === '/' ? '/' : `${d}/`)) && d.length > best) { inMount = m; best = d.length; }
    }
    if (inMount && !inMount.RW) throw new InvalidParameterError('mounted volume is marked read-only');
    if (!inMount && c.record.hostConfig.ReadonlyRootfs) throw new InvalidParameterError('container rootfs is marked read-only');
  }

  /** copyUIDGID: the container's Config.User as uid/gid from its /etc/passwd; no user keeps the tar's. */
  private containerUser(c: Container, view: ContainerView): { uid: number; gid: number } | undefined {
    const user = c.record.config.User ?? '';
    if (user === '') return undefined;
    const read = (file: string): string | undefined => {
      try { return fs.readFileSync(resolveInView(view, file, true).host, 'utf8'); } catch { return undefined; }
    };
    try {
      const u = resolveUser(user, read('/etc/passwd'), read('/etc/group'));
      return { uid: u.uid, gid: u.gid };
    } catch (err) {
      throw new InvalidParameterError((err as Error).message, { cause: err });
    }
  }

  private withView<T>(c: Container, fn: (view: ContainerView) => Promise<T>): Promise<T> {
    return this.openView(c, async (view, release) => {
      try { return await fn(view); } finally { await release(); }
    });
  }

  /**
   * Opens the container's view for `fn`; `release` ends it (unmounts a stopped container's
   * snapshot). When `fn` throws, the view is released here.
   */
  private async openView<T>(c: Container, fn: (view: ContainerView, release: () => Promise<void>) => Promise<T>): Promise<T> {
    const pid = c.record.state.pid;
    if (c.running && pid > 0 && fs.existsSync(`/proc/${pid}/root`)) {
      const view: ContainerView = { root: `/proc/${pid}/root`, mounts: [] };
      return fn(view, async () => undefined);
    }
    let unlock!: () => void;
    const locked = new Promise<void>((resolve) => { unlock = resolve; });
    let entered!: () => void;
    const inLock = new Promise<void>((resolve) => { entered = resolve; });
    // the container's lock is held from mount to release, so a start waits for the copy
    void c.exclusive(async () => { entered(); await locked; });
    await inLock;
    let target: string | undefined;
    const release = async (): Promise<void> => {
      try { if (target) { await unmount(target); fs.rmSync(target, { recursive: true, force: true }); } } finally { unlock(); }
    };
    try {
      if (c.removed) throw new NotFoundError(`No such container: ${c.id}`);
      const mounts = await this.deps.runtime.snapshots.mounts(c.record.snapshotKey);
      fs.mkdirSync(this.deps.scratchDir, { recursive: true, mode: 0o700 });
      target = fs.mkdtempSync(path.join(this.deps.scratchDir, `${c.id.slice(0, 12)}-`));
      await mountSnapshot(mounts, target);
      return await fn(stoppedView(c, target), release);
    } catch (err) {
      await release();
      throw err;
    }
  }
}

async function mountSnapshot(mounts: Mount[], target: string): Promise<void> {
  for (const m of mounts) await mount({ device: m.source, target, type: m.type, options: m.options.join(',') });
}

/** A stopped container's view: its snapshot, with volumes, binds and its /etc files mapped over it. */
function stoppedView(c: Container, root: string): ContainerView {
  const rec = c.record;
  const mounts = (rec.mountPoints ?? [])
    .filter((m) => (m.Type === 'volume' || m.Type === 'bind') && m.Source)
    .map((m) => ({ destination: cleanContainerPath(m.Destination), source: m.Source }));
  // dockerd shows the files it manages once the container ran (they are bind-mounted at start)
  if (rec.hasBeenStartedBefore) {
    for (const [destination, source] of [['/etc/hosts', rec.hostsPath], ['/etc/hostname', rec.hostnamePath], ['/etc/resolv.conf', rec.resolvConfPath]] as const) {
      if (source && !mounts.some((m) => m.destination === destination)) mounts.push({ destination, source });
    }
  }
  return { root, mounts };
}

/** The tar stream, the view released when it ends or its reader goes away. */
function releasing(tar: AsyncIterable<Buffer>, release: () => Promise<void>): AsyncIterable<Buffer> {
  return (async function* () {
    try {
      for await (const chunk of tar) yield chunk;
    } finally {
      await release();
    }
  })();
}

export type { PathStat };
