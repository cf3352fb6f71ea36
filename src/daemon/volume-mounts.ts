// Volumes in containers: the ContainerParticipant that records a container's mount points at create
// (VolumesFrom, Binds, Mounts, then the image's and `-v /path` anonymous volumes), creates the
// volumes it names and copies the image's content up into empty ones; mounts them at start,
// unmounts filesystems no running container needs at exit, and with `rm -v` (or AutoRemove)
// removes the anonymous volumes it created. Binds and tmpfs of the container's own HostConfig are
// mounted by container-spec.ts; they are recorded here so that inspect and `ps` show every mount.
import { volumeEvent } from '../events/actor-events.js';
import fs from 'node:fs';
import path from 'node:path';
import { parseBind, parseMount, recursiveReadOnly, withAddedMounts } from '../oci/mounts.js';
import type { OciMount, SpecOption } from '../oci/spec.js';
import type { Mount } from '../runtime/runtime.js';
import { copyUp, withImageRoot } from '../volume/copy-up.js';
import { bindOpenedSubpath, openSubpath, unbindSubpaths } from '../volume/subpath.js';
import { parseVolumeBind, parseVolumeMount, parseVolumesFrom, type VolumeRequest } from '../volume/mount-spec.js';
import type { VolumeService, VolumeUser } from '../volume/volume-service.js';
import type { Container, ContainerMountPoint, ContainerRecord } from './container.js';
import type { ContainerParticipant } from './hooks.js';

export interface VolumeMountsDeps {
  volumes: VolumeService;
  /** the container's snapshot mounts (its image layers), for copy-up */
  snapshotMounts(key: string): Promise<Mount[]>;
  /** a container by ID, name or prefix (NotFoundError otherwise) */
  getContainer(ref: string): Container;
  /** a directory for temporary read-only mounts of image layers */
  scratchDir: string;
  /** where VolumeOptions.Subpath binds are made on the host, one directory per container */
  subpathDir: string;
  log(msg: string): void;
}

const volumeNames = (rec: ContainerRecord): string[] =>
  (rec.mountPoints ?? []).flatMap((m) => (m.Type === 'volume' && m.Name ? [m.Name] : []));

/** The containers as the volume service counts references. */
export function volumeUsers(containers: readonly Container[]): VolumeUser[] {
  return containers.filter((c) => !c.removed).map((c) => ({ id: c.id, running: c.running, volumes: volumeNames(c.record) }));
}

/** A new volume mount point and whether its content should be copied up. */
interface Planned { mp: ContainerMountPoint; copyData: boolean }

export class VolumeMounts implements ContainerParticipant {
  readonly name = 'volumes';

  constructor(private readonly deps: VolumeMountsDeps) {}

  async prepare(c: Container): Promise<void> {
    const created: string[] = [];
    try {
      const planned = this.plan(c, created);
      await this.copyUp(c, planned.filter((p) => p.copyData));
      c.record.mountPoints = planned.map((p) => p.mp);
    } catch (err) {
      for (const name of created) await this.deps.volumes.removeIfUnused(name).catch(() => undefined);
      throw err;
    }
  }

  async beforeTaskStart(c: Container): Promise<SpecOption[]> {
    const mounts: OciMount[] = [];
    const mounted: string[] = [];
    try {
      for (const mp of c.record.mountPoints ?? []) {
        if (mp.Type === 'volume' && mp.Name) {
          const source = await this.deps.volumes.mount(mp.Name);
          mounted.push(mp.Name);
          volumeEvent(this.deps.volumes.events, mp.Name, 'mount', {
            driver: mp.Driver || 'local', container: c.id, destination: mp.Destination, 'read/write': String(mp.RW), propagation: mp.Propagation ?? '',
          });
          const from = mp.Subpath ? await this.bindSubpath(c.id, source, mp.Subpath, mounts.length) : source;
          mounts.push(bindOf(mp.Destination, from, mp.RW, 'rprivate'));
        } else if (mp.Type === 'bind' && mp.From) {
          mounts.push(bindOf(mp.Destination, mp.Source, mp.RW, mp.Propagation || 'rprivate'));
        }
      }
    } catch (err) {
      await this.unbindSubpaths(c.id);
      for (const name of mounted) await this.deps.volumes.release(name).catch(() => undefined);
      throw err;
    }
    return [withAddedMounts(mounts)];
  }

  async startFailed(c: Container): Promise<void> {
    await this.unbindSubpaths(c.id);
  }

  async afterExit(c: Container): Promise<void> {
    await this.unbindSubpaths(c.id);
    for (const name of new Set(volumeNames(c.record))) {
      volumeEvent(this.deps.volumes.events, name, 'unmount', { driver: 'local', container: c.id });
      await this.deps.volumes.release(name);
    }
  }

  async release(c: Container): Promise<void> {
    await this.unbindSubpaths(c.id);
    // dockerd's AutoRemove removes the container with its volumes, as `rm -v` does
    const removeAnonymous = c.removeVolumes || Boolean(c.record.hostConfig.AutoRemove);
    for (const mp of c.record.mountPoints ?? []) {
      if (mp.Type !== 'volume' || !mp.Name) continue;
      await this.deps.volumes.release(mp.Name).catch((err: unknown) => this.deps.log(`unmount volume ${mp.Name}: ${(err as Error).message}`));
      if (removeAnonymous && mp.Anonymous) {
        await this.deps.volumes.removeIfUnused(mp.Name).catch((err: unknown) => this.deps.log(`remove volume ${mp.Name}: ${(err as Error).message}`));
      }
    }
  }

  /** dockerd's registerMountPoints order: volumes-from, then Binds and Mounts override, then image volumes. */
  private plan(c: Container, created: string[]): Planned[] {
    const rec = c.record;
    const hc = rec.hostConfig;
    const volumeDriver = typeof hc.VolumeDriver === 'string' ? hc.VolumeDriver : '';
    const byDest = new Map<string, Planned>();
    const put = (p: Planned): void => { byDest.delete(p.mp.Destination); byDest.set(p.mp.Destination, p); };

    for (const spec of hc.VolumesFrom ?? []) {
      const { ref, readOnly } = parseVolumesFrom(spec);
      const source = this.deps.getContainer(ref);
      for (const m of source.record.mountPoints ?? []) {
        if (m.Type === 'tmpfs') continue; // a tmpfs is the source container's own
        const { Anonymous: _a, ...inherited } = m;
        put({ mp: { ...inherited, RW: m.RW && readOnly !== true, From: source.id }, copyData: false });
      }
    }
    const volume = (req: VolumeRequest): void => {
      const meta = this.deps.volumes.create({
        Name: req.name, Driver: req.driver, DriverOpts: req.driverOpts,
        Labels: req.labels,
      });
      if (req.name === '') created.push(meta.name); // rolled back with a failed create
      put({
        mp: {
          Type: 'volume', Name: meta.name, Source: this.deps.volumes.dataPath(meta.name), Destination: req.destination,
          Driver: meta.driver, Mode: req.mode, RW: !req.readOnly, Propagation: '', ...(req.name === '' ? { Anonymous: true } : {}),
          ...(req.subpath ? { Subpath: req.subpath } : {}),
        },
        copyData: req.copyData,
      });
    };
    for (const spec of hc.Binds ?? []) {
      const bind = parseBind(spec);
      if (bind) {
        const mode = spec.split(':')[2] ?? '';
        put({ mp: { Type: 'bind', Source: bind.source, Destination: bind.destination, Mode: mode, RW: !bind.readOnly, Propagation: bind.propagation }, copyData: false });
      } else {
        const req = parseVolumeBind(spec, volumeDriver);
        if (req) volume(req);
      }
    }
    for (const m of hc.Mounts ?? []) {
      if (m.Type === 'volume') { volume(parseVolumeMount(m)); continue; } // VolumeDriver is not for Mounts
      const parsed = parseMount(m);
      if (parsed?.kind === 'bind') {
        put({ mp: { Type: 'bind', Source: parsed.source, Destination: parsed.destination, Mode: '', RW: !parsed.readOnly, Propagation: parsed.propagation }, copyData: false });
      } else if (parsed?.kind === 'tmpfs') {
        put({ mp: { Type: 'tmpfs', Source: '', Destination: parsed.destination, Mode: '', RW: !m.ReadOnly, Propagation: '' }, copyData: false });
      }
    }
    const tmpfs = new Set(Object.keys(hc.Tmpfs ?? {}).map((d) => path.normalize(d)));
    for (const dest of Object.keys(rec.config.Volumes ?? {})) {
      const destination = path.normalize(dest);
      if (byDest.has(destination) || tmpfs.has(destination)) continue;
      volume(parseVolumeBind(destination, volumeDriver)!);
    }
    return [...byDest.values()];
  }

  private async copyUp(c: Container, planned: Planned[]): Promise<void> {
    const targets = planned.filter((p) => p.mp.Type === 'volume' && p.mp.Name && !p.mp.From);
    if (targets.length === 0) return;
    const mounts = await this.deps.snapshotMounts(c.record.snapshotKey);
    await withImageRoot(mounts, this.deps.scratchDir, async (root) => {
      if (!root) return;
      for (const { mp } of targets) {
        const name = mp.Name!;
        const dest = await this.deps.volumes.mount(name);
        try {
          const into = mp.Subpath ? this.subpathDir(dest, mp.Subpath) : dest;
          if (into) await copyUp(root, mp.Destination, into);
        } finally {
          await this.deps.volumes.release(name);
        }
      }
    });
  }

  /** The host path bound to a volume's checked subpath, which the container's spec binds in turn. */
  private async bindSubpath(id: string, volumeRoot: string, subpath: string, n: number): Promise<string> {
    const opened = openSubpath(volumeRoot, subpath);
    try {
      const target = path.join(this.deps.subpathDir, id, String(n));
      await bindOpenedSubpath(opened, target);
      return target;
    } finally {
      opened.close();
    }
  }

  /** A subpath that is a directory inside the volume at create (copy-up target), or undefined. */
  private subpathDir(volumeRoot: string, subpath: string): string | undefined {
    try {
      const opened = openSubpath(volumeRoot, subpath);
      opened.close();
      return fs.statSync(opened.resolved).isDirectory() ? opened.resolved : undefined;
    } catch {
      return undefined; // checked again, with dockerd's errors, at start
    }
  }

  private async unbindSubpaths(id: string): Promise<void> {
    await unbindSubpaths(path.join(this.deps.subpathDir, id));
  }
}

function bindOf(destination: string, source: string, rw: boolean, propagation: string): OciMount {
  return { destination, type: 'bind', source, options: ['rbind', propagation, rw ? 'rw' : recursiveReadOnly(source)] };
}
