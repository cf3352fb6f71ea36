// The volumes of this engine: the API's operations (list, create, inspect, remove, prune, usage for
// df) over the local driver, and what containers need (ensure a volume exists, mount it at start,
// unmount it when no running container uses it, remove anonymous ones with `rm -v`). Which
// containers use a volume is read from the containers themselves (their mount points), so the
// reference counts survive restarts without a second record to keep in step.
import { volumeEvent } from '../events/actor-events.js';
import { noEvents, type EventSink } from '../events/types.js';
import type {
  VolumeBackend, VolumeCreateRequest, VolumeInfo, VolumeListResult, VolumePruneOptions, VolumePruneResult,
} from '../api/routers/volumes/backend.js';
import { ConflictError, NotFoundError, withPrefix } from '../errdefs/index.js';
import { LOCAL_DRIVER, LocalDriver, validateLocalOptions } from './local-driver.js';
import { ANONYMOUS_LABEL, type VolumeMeta } from './types.js';
import { listPredicate, prunePredicate, type FilterableVolume } from './volume-filters.js';
import { anonymousVolumeName, validateVolumeName } from './volume-name.js';

/** A container as the volume area sees it. */
export interface VolumeUser {
  id: string;
  running: boolean;
  /** names of the volumes among its mount points */
  volumes: readonly string[];
}

export class VolumeService implements VolumeBackend {
  private users: () => VolumeUser[] = () => [];
  /** volume events (the event bus, set at wiring) */
  events: EventSink = noEvents;

  constructor(private readonly driver: LocalDriver) {}

  /** Wiring: where the containers and their volumes come from. */
  setUserSource(users: () => VolumeUser[]): void {
    this.users = users;
  }

  async volumeList(filters: Record<string, string[]>): Promise<VolumeListResult> {
    const wanted = listPredicate(filters);
    const used = this.usedNames();
    const volumes = this.driver.list().filter((m) => wanted(filterable(m, used))).map((m) => this.info(m));
    return { Volumes: volumes, Warnings: null };
  }

  async volumeCreate(req: VolumeCreateRequest): Promise<VolumeInfo> {
    return this.info(this.create(req));
  }

  /** Creates the volume, or returns the existing one of that name (dockerd keeps its options and labels). */
  create(req: VolumeCreateRequest): VolumeMeta {
    const name = req.Name || anonymousVolumeName();
    try {
      const driver = req.Driver || LOCAL_DRIVER;
      // no volume plugins yet: dockerd's answer for a plugin it cannot find
      if (driver !== LOCAL_DRIVER) throw new NotFoundError(`error looking up volume plugin ${driver}: plugin ${JSON.stringify(driver)} not found`);
      validateVolumeName(name);
      const existing = this.driver.get(name);
      if (existing) return existing;
      const options = { ...(req.DriverOpts ?? {}) };
      validateLocalOptions(options);
      // a volume created without a name is anonymous wherever it comes from (API or a container's
      // mount), as moby's VolumesService.Create labels it: `volume prune` removes it by default
      const labels = { ...(req.Labels ?? {}), ...(req.Name ? {} : { [ANONYMOUS_LABEL]: '' }) };
      const meta = this.driver.create({ name, driver, labels, options, createdAt: new Date().toISOString() });
      volumeEvent(this.events, name, 'create', { driver });
      return meta;
    } catch (err) {
      throw withPrefix(err, `create ${name}: `);
    }
  }

  async volumeInspect(name: string): Promise<VolumeInfo> {
    return this.info(this.get(name));
  }

  async volumeRemove(name: string, options: { force: boolean }): Promise<void> {
    if (!this.driver.get(name)) {
      if (options.force) return;
      this.get(name);
    }
    const users = this.usersOf(name);
    // as dockerd, even `force` does not take a volume from containers that use it
    if (users.length > 0) throw new ConflictError(`remove ${name}: volume is in use - [${users.join(' ')}]`);
    await this.driver.remove(name).catch((err: unknown) => { throw withPrefix(err, `remove ${name}: `); });
    volumeEvent(this.events, name, 'destroy', { driver: LOCAL_DRIVER });
  }

  async volumesPrune(filters: Record<string, string[]>, options: VolumePruneOptions, signal: AbortSignal): Promise<VolumePruneResult> {
    const filter = prunePredicate(filters, options.allowAll);
    const used = this.usedNames();
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const meta of this.driver.list()) {
      if (signal.aborted) break;
      if (options.anonymousOnly && !filter.all && !Object.hasOwn(meta.labels, ANONYMOUS_LABEL)) continue;
      if (!filter.matches(filterable(meta, used))) continue;
      const size = await this.driver.size(meta.name).catch(() => 0);
      try {
        await this.volumeRemove(meta.name, { force: false });
      } catch {
        continue; // taken by a container meanwhile
      }
      deleted.push(meta.name);
      reclaimed += size;
    }
    this.events.publish('volume', 'prune', '', { reclaimed: String(reclaimed) });
    // dockerd 20.10 answers an empty list, not null, when nothing went
    return { VolumesDeleted: deleted, SpaceReclaimed: reclaimed };
  }

  /** `system df`: every volume with its size and how many containers use it. */
  async usage(): Promise<VolumeInfo[]> {
    const counts = new Map<string, number>();
    for (const u of this.users()) for (const v of new Set(u.volumes)) counts.set(v, (counts.get(v) ?? 0) + 1);
    return Promise.all(this.driver.list().map(async (m) => ({
      ...this.info(m),
      UsageData: { Size: await this.driver.size(m.name).catch(() => -1), RefCount: counts.get(m.name) ?? 0 },
    })));
  }

  get(name: string): VolumeMeta {
    const meta = this.driver.get(name);
    if (!meta) throw new NotFoundError(`get ${name}: no such volume`);
    return meta;
  }

  dataPath(name: string): string {
    return this.driver.dataPath(name);
  }

  /** Start of a container: the host path to bind, the volume's filesystem mounted. */
  mount(name: string): Promise<string> {
    this.get(name);
    return this.driver.mount(name);
  }

  /** Unmounts the volume's filesystem unless a running container still uses it. */
  async release(name: string): Promise<void> {
    if (!this.driver.needsMount(name)) return;
    if (this.users().some((u) => u.running && u.volumes.includes(name))) return;
    await this.driver.unmount(name);
  }

  /** After a restart: filesystems left mounted for containers that are no longer running. */
  async reconcileMounts(log: (msg: string) => void): Promise<void> {
    for (const m of this.driver.list()) {
      if (this.driver.isMounted(m.name)) await this.release(m.name).catch((err: unknown) => log(`unmount volume ${m.name}: ${(err as Error).message}`));
    }
  }

  /** `rm -v`: removes an anonymous volume unless another container still uses it. */
  async removeIfUnused(name: string): Promise<boolean> {
    if (!this.driver.get(name) || this.usersOf(name).length > 0) return false;
    await this.driver.remove(name);
    volumeEvent(this.events, name, 'destroy', { driver: LOCAL_DRIVER });
    return true;
  }

  private usersOf(name: string): string[] {
    return this.users().filter((u) => u.volumes.includes(name)).map((u) => u.id);
  }

  private usedNames(): Set<string> {
    return new Set(this.users().flatMap((u) => u.volumes));
  }

  private info(m: VolumeMeta): VolumeInfo {
    return {
      CreatedAt: m.createdAt.replace(/\.\d+Z$/, 'Z'),
      Driver: m.driver,
      Labels: Object.keys(m.labels).length > 0 ? { ...m.labels } : null,
      Mountpoint: this.driver.dataPath(m.name),
      Name: m.name,
      Options: Object.keys(m.options).length > 0 ? { ...m.options } : null,
      Scope: 'local',
    };
  }
}

function filterable(m: VolumeMeta, used: ReadonlySet<string>): FilterableVolume {
  return { name: m.name, driver: m.driver, labels: m.labels, inUse: used.has(m.name) };
}
