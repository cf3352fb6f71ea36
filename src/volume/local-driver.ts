// dockerd's `local` volume driver: each volume is <root>/<name>/_data plus its metadata in
// <root>/<name>/volume.json (written atomically, re-read at start). Options type/device/o describe a
// filesystem mounted on _data at first use (e.g. a tmpfs with size=10m, or a bind of a host path)
// and unmounted when no running container needs it any more.
import fs from 'node:fs';
import path from 'node:path';
import { InvalidParameterError, NotFoundError, SystemError } from '../errdefs/index.js';
import { writeJsonAtomicSync } from '../internal/atomic-write.js';
import { dirSize } from './dir-size.js';
import { isMountPoint, mount, unmount } from './host-mounts.js';
import type { VolumeMeta } from './types.js';

export const LOCAL_DRIVER = 'local';
const DATA = '_data';
const META = 'volume.json';
const VALID_OPTIONS = new Set(['type', 'device', 'o']);

/** dockerd's validateOpts: known keys only, and a device whenever there are options at all. */
export function validateLocalOptions(opts: Readonly<Record<string, string>>): void {
  const keys = Object.keys(opts);
  if (keys.length === 0) return;
  for (const k of keys) if (!VALID_OPTIONS.has(k)) throw new InvalidParameterError(`invalid option: ${JSON.stringify(k)}`);
  if (!Object.hasOwn(opts, 'device')) throw new InvalidParameterError('missing required option: "device"');
}

export class LocalDriver {
  readonly name = LOCAL_DRIVER;
  private readonly volumes = new Map<string, VolumeMeta>();
  /** mount/unmount/remove of one volume run one at a time */
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(readonly root: string, private readonly log: (msg: string) => void = () => undefined) {}

  /** Reads every volume's metadata. A directory without it (a crash mid-create) is a plain volume. */
  load(): void {
    fs.mkdirSync(this.root, { recursive: true, mode: 0o700 });
    for (const name of fs.readdirSync(this.root)) {
      if (name.startsWith('.')) continue;
      const dir = path.join(this.root, name);
      let meta: VolumeMeta | undefined;
      try {
        meta = JSON.parse(fs.readFileSync(path.join(dir, META), 'utf8')) as VolumeMeta;
      } catch {
        try {
          const st = fs.statSync(dir);
          if (!st.isDirectory()) continue;
          meta = { name, driver: LOCAL_DRIVER, labels: {}, options: {}, createdAt: st.mtime.toISOString() };
          fs.mkdirSync(this.dataPath(name), { recursive: true, mode: 0o755 });
          writeJsonAtomicSync(path.join(dir, META), meta);
        } catch (err) {
          this.log(`volume ${name}: ${(err as Error).message}`);
          continue;
        }
      }
      this.volumes.set(name, { ...meta, name });
    }
  }

  get(name: string): VolumeMeta | undefined {
    return this.volumes.get(name);
  }

  list(): VolumeMeta[] {
    return [...this.volumes.values()];
  }

  dataPath(name: string): string {
    return path.join(this.root, name, DATA);
  }

  /** Creates the volume's directories and metadata (the name and options are already valid). */
  create(meta: VolumeMeta): VolumeMeta {
    validateLocalOptions(meta.options);
    const existing = this.volumes.get(meta.name);
    if (existing) return existing;
    fs.mkdirSync(this.dataPath(meta.name), { recursive: true, mode: 0o755 });
    writeJsonAtomicSync(path.join(this.root, meta.name, META), meta);
    this.volumes.set(meta.name, meta);
    return meta;
  }

  needsMount(name: string): boolean {
    return Boolean(this.volumes.get(name)?.options.device);
  }

  /** The host path to bind into a container; mounts the volume's filesystem first when it has one. */
  mount(name: string): Promise<string> {
    return this.locked(name, async () => {
      const meta = this.require(name);
      const target = this.dataPath(name);
      const device = meta.options.device;
      if (device && !isMountPoint(target)) {
        try {
          await mount({ device, target, type: meta.options.type ?? '', options: meta.options.o ?? '' });
        } catch (err) {
          throw new SystemError(`error while mounting volume '${target}': failed to mount local volume: ${(err as Error).message}`, { cause: err });
        }
      }
      return target;
    });
  }

  unmount(name: string): Promise<void> {
    return this.locked(name, async () => {
      if (this.needsMount(name)) await unmount(this.dataPath(name));
    });
  }

  isMounted(name: string): boolean {
    return this.needsMount(name) && isMountPoint(this.dataPath(name));
  }

  remove(name: string): Promise<void> {
    return this.locked(name, async () => {
      this.require(name);
      const dir = path.join(this.root, name);
      // never below a mounted filesystem (a bind of a host path would lose the host's files)
      await unmount(this.dataPath(name));
      if (isMountPoint(this.dataPath(name))) throw new SystemError(`volume ${name} is still mounted at ${this.dataPath(name)}`);
      if (path.dirname(dir) !== this.root) throw new SystemError(`Unable to remove a directory outside of the volumes root: ${dir}`);
      fs.rmSync(dir, { recursive: true, force: true });
      this.volumes.delete(name);
    });
  }

  async size(name: string): Promise<number> {
    return dirSize(this.dataPath(name));
  }

  private require(name: string): VolumeMeta {
    const meta = this.volumes.get(name);
    if (!meta) throw new NotFoundError('no such volume');
    return meta;
  }

  private locked<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(name) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const settled = next.catch(() => undefined);
    this.locks.set(name, settled);
    void settled.then(() => { if (this.locks.get(name) === settled) this.locks.delete(name); });
    return next;
  }
}
