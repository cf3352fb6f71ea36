// Image mounts (HostConfig.Mounts of type `image`, API 1.48): an image's filesystem, read-only, at a
// path in the container. At create the image is resolved and a read-only snapshot view of its layers
// is made (so a later `rmi` of the image cannot take the layers away, as dockerd keeps its layer);
// at start the view is mounted on the host under `<exec-root>/image-mounts/<container>/` and bound
// into the container (or only `ImageOptions.Subpath` of it, checked like a volume's subpath); the
// host mounts are undone when the task is gone and the views removed with the container.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { MountSpec } from '../api/types/host-config.js';
import { recursiveReadOnly, withAddedMounts } from '../oci/mounts.js';
import type { OciMount, SpecOption } from '../oci/spec.js';
import type { Snapshotter } from '../runtime/runtime.js';
import { mountDirs } from '../runtime/mount-dirs.js';
import { mount } from '../volume/host-mounts.js';
import { bindOpenedSubpath, openSubpath, unbindSubpaths } from '../volume/subpath.js';
import type { Container, ContainerMountPoint } from './container.js';
import type { ContainerParticipant } from './hooks.js';
import type { ContainerImage } from './ports.js';

export interface ImageMountsDeps {
  /** an image by reference (NotFoundError "No such image: …" otherwise) */
  resolveImage(ref: string): ContainerImage;
  snapshots: Snapshotter;
  /** host directory for the mounted views, one subdirectory per container */
  dir: string;
  log(msg: string): void;
}

const isImageMount = (m: ContainerMountPoint): boolean => m.Type === 'image' && Boolean(m.SnapshotKey);

/** The images a container's image mounts use (for `rmi` conflicts). */
export function mountedImageIds(c: Container): string[] {
  return (c.record.mountPoints ?? []).flatMap((m) => (isImageMount(m) && m.ImageId ? [m.ImageId] : []));
}

export class ImageMounts implements ContainerParticipant {
  readonly name = 'image-mounts';

  constructor(private readonly deps: ImageMountsDeps) {}

  async prepare(c: Container): Promise<void> {
    const specs = (c.record.hostConfig.Mounts ?? []).filter((m): m is MountSpec => m?.Type === 'image');
    const made: string[] = [];
    try {
      for (const m of specs) {
        const image = this.deps.resolveImage(m.Source ?? '');
        const destination = path.normalize(m.Target ?? '');
        const key = `berth-image-mount-${createHash('sha256').update(`${c.id}-src=${m.Source}-dst=${destination}`).digest('hex')}`;
        if (image.topChainId) {
          await this.deps.snapshots.view(key, image.topChainId, { 'berth.container': c.id });
          made.push(key);
        }
        const mp: ContainerMountPoint = {
          Type: 'image', Name: m.Source ?? '', Source: '', Destination: destination, Mode: '', RW: false, Propagation: 'rprivate',
          ImageId: image.id, SnapshotKey: image.topChainId ? key : '',
          ...(m.ImageOptions?.Subpath ? { Subpath: m.ImageOptions.Subpath } : {}),
        };
        c.record.mountPoints = [...(c.record.mountPoints ?? []).filter((p) => p.Destination !== destination), mp];
      }
    } catch (err) {
      for (const key of made) await this.deps.snapshots.remove(key).catch(() => undefined);
      throw err;
    }
  }

  async beforeTaskStart(c: Container): Promise<SpecOption[]> {
    const points = (c.record.mountPoints ?? []).filter((m) => m.Type === 'image' && m.ImageId);
    if (points.length === 0) return [];
    const base = path.join(this.deps.dir, c.id);
    const mounts: OciMount[] = [];
    try {
      for (const [n, mp] of points.entries()) {
        const root = path.join(base, 'root', String(n));
        await this.mountView(mp.SnapshotKey ?? '', root);
        mp.Source = root;
        let source = root;
        if (mp.Subpath) {
          const opened = openSubpath(root, mp.Subpath);
          try {
            source = path.join(base, 'sub', String(n));
            await bindOpenedSubpath(opened, source);
          } finally {
            opened.close();
          }
        }
        mounts.push({ destination: mp.Destination, type: 'bind', source, options: ['rbind', 'rprivate', recursiveReadOnly(source)] });
      }
    } catch (err) {
      await this.unmountAll(c.id);
      throw err;
    }
    return [withAddedMounts(mounts)];
  }

  async startFailed(c: Container): Promise<void> {
    await this.unmountAll(c.id);
  }

  async afterExit(c: Container): Promise<void> {
    await this.unmountAll(c.id);
  }

  async release(c: Container): Promise<void> {
    await this.unmountAll(c.id);
    for (const mp of c.record.mountPoints ?? []) {
      if (isImageMount(mp)) {
        await this.deps.snapshots.remove(mp.SnapshotKey!).catch((err: unknown) => this.deps.log(`remove image mount ${mp.SnapshotKey}: ${(err as Error).message}`));
      }
    }
  }

  /** The view's layers, read-only at `target` (an empty directory for an image without layers). */
  private async mountView(key: string, target: string): Promise<void> {
    fs.mkdirSync(target, { recursive: true, mode: 0o755 });
    if (!key) return;
    const dirs = mountDirs(await this.deps.snapshots.mounts(key));
    const layers = dirs ? (dirs.lowers.length > 0 ? dirs.lowers : [dirs.upper]).filter((d) => d !== '') : [];
    if (layers.length === 0) return;
    if (layers.length === 1) await mount({ device: layers[0]!, target, type: 'bind', options: 'ro' });
    else await mount({ device: 'overlay', target, type: 'overlay', options: `ro,lowerdir=${layers.join(':')}` });
  }

  private async unmountAll(id: string): Promise<void> {
    const base = path.join(this.deps.dir, id);
    await unbindSubpaths(path.join(base, 'sub'));
    await unbindSubpaths(path.join(base, 'root'));
    fs.rmSync(base, { recursive: true, force: true });
  }
}
