// A container's filesystem as the API sees it: its changes (docker diff), its export as a tar, its
// commit into a new image and its sizes (SizeRw, SizeRootFs). Layers are computed by containerd's
// diff service from snapshot mounts, so whiteouts, ownership and xattrs come out right.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { ContainerChange, CommitOptions, ContainerFsBackend } from '../api/routers/containers/fs-backend.js';
import type { ContainerConfig } from '../api/types/container.js';
import { ConflictError, NotFoundError } from '../errdefs/index.js';
import { applyChanges } from '../image/changes.js';
import { createChildImage } from '../image/commit.js';
import { imageSize, MEDIA_TYPES, parseNormalizedNamed, type ImageStore } from '../image/index.js';
import type { Mount, Runtime } from '../runtime/runtime.js';
import type { Container } from './container.js';
import { emitContainerEvent } from './container-event.js';
import { imageEvent } from '../events/actor-events.js';
import type { EventSink } from '../events/types.js';
import { apparentSize } from '../image/layer-size.js';
import { mountDirs } from '../runtime/mount-dirs.js';
import { containerChanges, initOnlyPaths, isInitPath } from './container-changes.js';
import { withoutInitPaths } from './init-paths-filter.js';

export interface ContainerFsDeps {
  runtime: Runtime;
  images: ImageStore;
  getContainer: (ref: string) => Container;
  /** export and commit events */
  events?: EventSink;
}

/** dockerd's commit merge: what the new config leaves empty comes from the container's config. */
export function mergeCommitConfig(user: ContainerConfig, base: ContainerConfig): ContainerConfig {
  const c: ContainerConfig = { ...user };
  if (!c.User) c.User = base.User ?? '';
  if (!c.ExposedPorts || Object.keys(c.ExposedPorts).length === 0) { if (base.ExposedPorts) c.ExposedPorts = base.ExposedPorts; }
  else c.ExposedPorts = { ...(base.ExposedPorts ?? {}), ...c.ExposedPorts };
  if (!c.Env?.length) c.Env = base.Env ?? null;
  else {
    const keys = new Set(c.Env.map((e) => e.split('=')[0]));
    c.Env = [...c.Env, ...(base.Env ?? []).filter((e) => !keys.has(e.split('=')[0]))];
  }
  c.Labels = { ...(base.Labels ?? {}), ...(c.Labels ?? {}) };
  const empty = (v: unknown): boolean => v === undefined || v === null || (Array.isArray(v) && v.length === 0) || v === '';
  if (empty(c.Entrypoint)) {
    if (empty(c.Cmd)) c.Cmd = base.Cmd ?? null;
    if (c.Entrypoint === undefined || c.Entrypoint === null) c.Entrypoint = base.Entrypoint ?? null;
  }
  if (!c.WorkingDir) c.WorkingDir = base.WorkingDir ?? '';
  if (!c.Volumes || Object.keys(c.Volumes).length === 0) c.Volumes = base.Volumes ?? null;
  else c.Volumes = { ...c.Volumes, ...(base.Volumes ?? {}) };
  if (!c.StopSignal && base.StopSignal) c.StopSignal = base.StopSignal;
  return c;
}

export class ContainerFsService implements ContainerFsBackend {
  constructor(private readonly deps: ContainerFsDeps) {}

  private async mountsOf(c: Container): Promise<Mount[]> {
    try {
      return await this.deps.runtime.snapshots.mounts(c.record.snapshotKey);
    } catch (err) {
      if (err instanceof NotFoundError) throw new NotFoundError(`No such container: ${c.id}: its filesystem is gone`);
      throw err;
    }
  }

  async containerChanges(ref: string): Promise<ContainerChange[]> {
    const c = this.deps.getContainer(ref);
    return containerChanges(await this.mountsOf(c));
  }

  /**
   * Diff.Diff against nothing writes the whole filesystem as a tar blob; it is streamed out and
   * removed. (A running container's overlay is mounted read-only by the differ, as for commit.)
   */
  async containerExport(ref: string, signal: AbortSignal): Promise<AsyncIterable<Buffer>> {
    const c = this.deps.getContainer(ref);
    if (c.record.state.status === 'removing' || c.removed) throw new ConflictError(`You cannot export container ${c.id} which is being removed`);
    const upper = await this.mountsOf(c);
    const { content, differ } = this.deps.runtime;
    const desc = await differ.diff([], upper, { mediaType: MEDIA_TYPES.ociLayer, ref: `berth-export-${c.id}-${randomBytes(4).toString('hex')}` });
    const images = this.deps.images;
    emitContainerEvent(this.deps.events, c, 'export');
    return (async function* () {
      try {
        for await (const chunk of content.read(desc.digest)) {
          if (signal.aborted) return;
          yield chunk;
        }
      } finally {
        // an image may hold the same bytes (an export of an imported image): kept then
        await images.releaseBlob(desc.digest);
      }
    })();
  }

  async containerCommit(ref: string, options: CommitOptions): Promise<{ Id: string }> {
    const c = this.deps.getContainer(ref);
    const status = c.record.state.status;
    if (status === 'dead') throw new ConflictError(`You cannot commit container ${c.id} which is Dead`);
    if (status === 'removing' || c.removed) throw new ConflictError(`You cannot commit container ${c.id} which is being removed`);
    // validate the name before any work, as dockerd's TagImage would fail after it
    const target = options.repo ? parseNormalizedNamed(options.repo) : undefined;
    const targetRef = target && (options.tag ? target.withTag(options.tag) : target.withDefaultTag());
    const newConfig = mergeCommitConfig(applyChanges(options.config ?? c.record.config, options.changes), c.record.config);

    const { runtime, images } = this.deps;
    // dockerd pauses a running, unpaused container and ignores a failed pause (the container exited
    // or is exiting): the commit goes on either way, and only a pause that worked is undone.
    const paused = options.pause && status === 'running' && await runtime.pauseTask(c.id).then(() => true, () => false);
    let desc;
    try {
      desc = await this.diffLayer(c);
    } finally {
      if (paused) await runtime.resumeTask(c.id).catch(() => undefined);
    }
    const parent = images.get(c.record.image);
    const img = await createChildImage(images, {
      parent,
      layer: desc,
      config: newConfig,
      containerConfig: c.record.config,
      containerId: c.id,
      author: options.author,
      comment: options.comment,
    });
    if (targetRef) {
      images.tag(img.id, targetRef.toString());
      if (this.deps.events) imageEvent(this.deps.events, img.id, targetRef.familiarString(), 'tag', newConfig.Labels);
    }
    emitContainerEvent(this.deps.events, c, 'commit', { comment: options.comment ?? '', imageID: img.id, imageRef: targetRef ? targetRef.familiarString() : '' });
    return { Id: img.id };
  }

  /** A build step (the classic builder's CommitBuildStep): the diff as a child image, configs as given. */
  async commitBuildStep(ref: string, o: { config: ContainerConfig; containerConfig: ContainerConfig; author: string }): Promise<string> {
    const c = this.deps.getContainer(ref);
    const desc = await this.diffLayer(c);
    const img = await createChildImage(this.deps.images, {
      parent: this.deps.images.get(c.record.image), layer: desc, config: o.config, containerConfig: o.containerConfig,
      containerId: c.id, author: o.author, comment: '',
    });
    return img.id;
  }

  /** The container's changes as an uncompressed layer blob: Diff.Diff(view of its image, its rootfs). */
  private async diffLayer(c: Container): Promise<{ mediaType: string; digest: string; size: number }> {
    const { runtime, images } = this.deps;
    const upper = await this.mountsOf(c);
    const parent = images.get(c.record.image);
    const parentChain = parent ? images.topChainId(parent) : undefined;
    const viewKey = `commit-view-${c.id}-${randomBytes(4).toString('hex')}`;
    const lower = parentChain ? await runtime.snapshots.view(viewKey, parentChain) : [];
    try {
      const desc = await runtime.differ.diff(lower, upper, { mediaType: MEDIA_TYPES.ociLayer, ref: `berth-commit-${c.id}-${randomBytes(4).toString('hex')}` });
      const dir = mountDirs(upper)?.upper;
      const drop = dir ? initOnlyPaths(dir) : new Set<string>();
      if (drop.size === 0) return desc;
      return await withoutInitPaths(runtime.content, desc, drop, { release: (d) => images.releaseBlob(d), tmpDir: path.join(images.dataRoot, 'tmp') });
    } finally {
      if (parentChain) await runtime.snapshots.remove(viewKey).catch(() => undefined);
    }
  }

  /** SizeRw (size of the files the container wrote) and SizeRootFs (that plus the image), as dockerd. */
  async containerSize(c: Container): Promise<{ SizeRw: number; SizeRootFs: number }> {
    let rw = 0;
    try {
      const dirs = mountDirs(await this.deps.runtime.snapshots.mounts(c.record.snapshotKey));
      // dockerd's ChangesSize: the container's own files, not the mount points of its init layer
      if (dirs?.upper) rw = apparentSize(dirs.upper, isInitPath);
    } catch { /* no snapshot (being removed): 0, as dockerd reports for a missing layer */ }
    const img = this.deps.images.get(c.record.image);
    return { SizeRw: rw, SizeRootFs: rw + (img ? imageSize(img) : 0) };
  }
}
