// User mounts: HostConfig.Binds ("src:dst[:opts]"), Mounts of type bind and tmpfs, Tmpfs, plus the
// root filesystem's read-only flag, /dev/shm's size and the init binary. Parsing and validation use
// dockerd's messages; the spec options are pure, and ensureBindSources is the one side effect
// (dockerd creates a missing -v source directory at start).
import fs from 'node:fs';
import path from 'node:path';
import type { HostConfig } from '../api/types/container.js';
import type { MountSpec } from '../api/types/host-config.js';
import { InvalidParameterError } from '../errdefs/index.js';
import { isLocalPath } from '../volume/subpath.js';
import type { OciMount, SpecOption } from './spec.js';

export type Propagation = 'shared' | 'rshared' | 'slave' | 'rslave' | 'private' | 'rprivate';
const PROPAGATIONS: readonly string[] = ['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate'];
const BIND_MODES: readonly string[] = ['rw', 'ro', 'z', 'Z', 'nocopy', 'consistent', 'cached', 'delegated', ...PROPAGATIONS];

export interface BindMount {
  kind: 'bind';
  source: string;
  destination: string;
  readOnly: boolean;
  propagation: Propagation;
  /** Binds (-v) create a missing source; Mounts (--mount) require it unless BindOptions.CreateMountpoint */
  createSource: boolean;
  /** BindOptions.NonRecursive: the source's submounts are not bound along */
  nonRecursive?: boolean;
  /** BindOptions.ReadOnlyNonRecursive: read-only leaves submounts writable (dockerd's pre-1.44 behaviour) */
  readOnlyNonRecursive?: boolean;
}

export interface TmpfsMount {
  kind: 'tmpfs';
  destination: string;
  options: string[];
}

export type UserMount = BindMount | TmpfsMount;

const invalidSpec = (spec: string): InvalidParameterError => new InvalidParameterError(`invalid volume specification: '${spec}'`);

/**
 * One -v entry. Returns undefined for volumes (a name or no source: the volumes subsystem's); throws
 * dockerd's messages for malformed ones.
 */
export function parseBind(spec: string): BindMount | undefined {
  const parts = spec.split(':');
  if (parts.length < 1 || parts.length > 3 || parts.some((p) => p === '')) throw invalidSpec(spec);
  if (parts.length === 1) return undefined; // anonymous volume
  const [source, destination, mode = ''] = parts as [string, string, string?];
  if (!source.startsWith('/')) return undefined; // named volume: src/volume/mount-spec.ts checks it
  if (!path.isAbsolute(destination)) {
    throw new InvalidParameterError(`invalid volume specification: '${spec}': invalid mount config for type "bind": invalid mount path: '${destination}' mount path must be absolute`);
  }
  const modes = mode === '' ? [] : mode.split(',');
  for (const m of modes) if (!BIND_MODES.includes(m)) throw new InvalidParameterError(`invalid mode: ${mode}`);
  if (modes.includes('ro') && modes.includes('rw')) throw new InvalidParameterError(`invalid mode: ${mode}`);
  if (modes.filter((m) => PROPAGATIONS.includes(m)).length > 1) throw new InvalidParameterError(`invalid mode: ${mode}`);
  return {
    kind: 'bind', source: path.normalize(source), destination: path.normalize(destination), readOnly: modes.includes('ro'),
    propagation: (modes.find((m) => PROPAGATIONS.includes(m)) as Propagation | undefined) ?? 'rprivate',
    createSource: true,
  };
}

function mountError(type: string, msg: string): InvalidParameterError {
  return new InvalidParameterError(`invalid mount config for type "${type}": ${msg}`);
}

/** One HostConfig.Mounts entry of type bind or tmpfs; volumes are left to the volumes subsystem. */
export function parseMount(m: MountSpec): UserMount | undefined {
  const type = m.Type ?? '';
  if (type === 'volume') return undefined;
  if (type !== 'bind' && type !== 'tmpfs' && type !== 'image') throw mountError(type, 'mount type unknown');
  // dockerd's validateExclusiveOptions: each type's options only with that type
  if (type !== 'bind' && m.BindOptions) throw mountError(type, 'field BindOptions must not be specified');
  if (m.VolumeOptions) throw mountError(type, 'field VolumeOptions must not be specified');
  if (type !== 'image' && m.ImageOptions) throw mountError(type, 'field ImageOptions must not be specified');
  if (type !== 'tmpfs' && m.TmpfsOptions) throw mountError(type, 'field TmpfsOptions must not be specified');
  if (!m.Target) throw mountError(type, 'field Target must not be empty');
  if (!path.isAbsolute(m.Target)) throw mountError(type, `invalid mount path: '${m.Target}' mount path must be absolute`);
  if (type === 'image') {
    // mounted by the image-mounts participant (daemon/image-mounts.ts)
    if (!m.Source) throw mountError(type, 'field Source must not be empty');
    const sub = m.ImageOptions?.Subpath;
    if (sub && !isLocalPath(sub)) throw mountError(type, 'subpath must be a relative path within the volume');
    return undefined;
  }
  if (type === 'tmpfs') {
    if (m.Source) throw mountError(type, 'field Source must not be specified');
    const options = ['nosuid', 'nodev', 'noexec'];
    if (m.ReadOnly) options.push('ro');
    const size = m.TmpfsOptions?.SizeBytes;
    if (size !== undefined && size !== 0) {
      if (!Number.isInteger(size) || size < 0) throw mountError(type, `invalid tmpfs size: ${size}`);
      options.push(`size=${size}`);
    }
    const mode = m.TmpfsOptions?.Mode;
    if (mode) options.push(`mode=${mode.toString(8)}`);
    return { kind: 'tmpfs', destination: path.normalize(m.Target), options };
  }
  if (!m.Source) throw mountError(type, 'field Source must not be empty');
  if (!path.isAbsolute(m.Source)) throw mountError(type, `invalid mount path: '${m.Source}' mount path must be absolute`);
  const bo = m.BindOptions ?? {};
  const propagation = bo.Propagation || 'rprivate';
  if (!PROPAGATIONS.includes(propagation)) throw new InvalidParameterError(`invalid propagation mode: ${propagation}`);
  if (bo.ReadOnlyNonRecursive && bo.ReadOnlyForceRecursive) {
    throw new InvalidParameterError('mount options conflict: ReadOnlyNonRecursive && ReadOnlyForceRecursive');
  }
  return {
    kind: 'bind', source: path.normalize(m.Source), destination: path.normalize(m.Target), readOnly: Boolean(m.ReadOnly),
    propagation: propagation as Propagation, createSource: Boolean(bo.CreateMountpoint),
    ...(bo.NonRecursive ? { nonRecursive: true } : {}), ...(bo.ReadOnlyNonRecursive ? { readOnlyNonRecursive: true } : {}),
  };
}

/** dockerd's MergeTmpfsOptions: noexec,nosuid,nodev unless the user's options say otherwise. */
export function tmpfsOptions(userOptions: string): string[] {
  const user = userOptions.split(',').map((o) => o.trim()).filter(Boolean);
  const opposite: Record<string, string> = { exec: 'noexec', suid: 'nosuid', dev: 'nodev' };
  const base = ['noexec', 'nosuid', 'nodev'].filter((d) => !user.some((u) => opposite[u] === d));
  return [...base, ...user.filter((u) => !base.includes(u))];
}

export type UserMountSources = Pick<HostConfig, 'Binds' | 'Mounts' | 'Tmpfs'>;

/** All bind and tmpfs mounts of a HostConfig, validated; duplicates are refused like dockerd. */
export function userMounts(hc: UserMountSources): UserMount[] {
  const out: UserMount[] = [];
  const seen = new Set<string>();
  const add = (m: UserMount | undefined, dest?: string): void => {
    const d = m?.destination ?? dest;
    if (d !== undefined) {
      if (seen.has(d)) throw new InvalidParameterError(`Duplicate mount point: ${d}`);
      seen.add(d);
    }
    if (m) out.push(m);
  };
  for (const b of hc.Binds ?? []) {
    const parsed = parseBind(b);
    const dest = parsed ? undefined : b.split(':')[1] ?? b.split(':')[0];
    add(parsed, dest && path.isAbsolute(dest) ? path.normalize(dest) : undefined);
  }
  for (const m of hc.Mounts ?? []) {
    const parsed = parseMount(m);
    add(parsed, parsed ? undefined : m.Target);
  }
  for (const [dest, opts] of Object.entries(hc.Tmpfs ?? {})) {
    if (!path.isAbsolute(dest)) throw new InvalidParameterError(`invalid mount path: '${dest}' mount path must be absolute`);
    add({ kind: 'tmpfs', destination: path.normalize(dest), options: tmpfsOptions(opts) });
  }
  return out;
}

/** Bind sources must exist: -v creates a missing one as a directory; --mount refuses (at create). */
export function checkBindSources(mounts: UserMount[], create: boolean): void {
  for (const m of mounts) {
    if (m.kind !== 'bind' || fs.existsSync(m.source)) continue;
    if (!m.createSource) throw mountError('bind', `bind source path does not exist: ${m.source}`);
    if (create) fs.mkdirSync(m.source, { recursive: true, mode: 0o755 });
  }
}

/**
 * `rro` for a directory; `ro` for anything else (a file has no submounts, so it is the same, and
 * crun 1.8 fails `rro` on a file: "open mount target: Not a directory"). Missing sources: `rro`.
 */
export function recursiveReadOnly(source: string): 'rro' | 'ro' {
  try {
    return fs.statSync(source).isDirectory() ? 'rro' : 'ro';
  } catch {
    return 'rro';
  }
}

function ociMount(m: UserMount): OciMount {
  if (m.kind === 'tmpfs') return { destination: m.destination, type: 'tmpfs', source: 'tmpfs', options: m.options };
  // read-only is recursive (`rro`: submounts too, as dockerd from API 1.44 where the kernel and
  // runtime allow it) unless asked otherwise
  const ro = m.readOnlyNonRecursive ? 'ro' : recursiveReadOnly(m.source);
  // a non-recursive bind is one mount, so rprivate and private are the same to it; crun 1.8 adds
  // the recursive variant's MS_REC to the bind itself (the submounts come along): the plain one
  const propagation = m.nonRecursive ? m.propagation.replace(/^r/, '') : m.propagation;
  return { destination: m.destination, type: 'bind', source: m.source, options: [m.nonRecursive ? 'bind' : 'rbind', propagation, m.readOnly ? ro : 'rw'] };
}

/**
 * Adds user mounts, replacing default mounts at the same place, parents before children; shared or
 * slave propagation needs the root to propagate too.
 */
export const withUserMounts = (mounts: UserMount[]): SpecOption => (s) => {
  const dests = new Set(mounts.map((m) => m.destination));
  s.mounts = s.mounts.filter((m) => !dests.has(m.destination));
  const depth = (p: string): number => p.split('/').filter(Boolean).length;
  s.mounts.push(...[...mounts].sort((a, b) => depth(a.destination) - depth(b.destination)).map(ociMount));
  const props = mounts.flatMap((m) => (m.kind === 'bind' ? [m.propagation] : []));
  if (props.some((p) => p === 'shared' || p === 'rshared')) s.linux.rootfsPropagation = 'rshared';
  else if (props.some((p) => p === 'slave' || p === 'rslave')) s.linux.rootfsPropagation = 'rslave';
};

export const withReadonlyRootfs = (readonly: boolean): SpecOption => (s) => {
  if (readonly) s.root.readonly = true;
};

export type ShmSource = { kind: 'private'; size: number } | { kind: 'none' } | { kind: 'bind'; source: string };

/** /dev/shm: a private tmpfs of ShmSize, the host's or another container's (IpcMode), or none. */
export const withShm = (shm: ShmSource): SpecOption => (s) => {
  s.mounts = s.mounts.filter((m) => m.destination !== '/dev/shm');
  if (shm.kind === 'none') return;
  if (shm.kind === 'bind') {
    s.mounts.push({ destination: '/dev/shm', type: 'bind', source: shm.source, options: ['rbind', 'rprivate', 'rw'] });
    return;
  }
  s.mounts.push({ destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${shm.size}`] });
};

/** dockerd's --init: the init binary bound read-only at /sbin/docker-init runs as PID 1. */
export const INIT_PATH = '/sbin/docker-init';
export const withInit = (hostBinary: string): SpecOption => (s) => {
  s.mounts.push({ destination: INIT_PATH, type: 'bind', source: hostBinary, options: ['rbind', 'rprivate', 'ro'] });
  s.process.args = [INIT_PATH, '--', ...s.process.args];
};

const INIT_CANDIDATES = ['/usr/bin/tini-static', '/usr/bin/docker-init', '/usr/libexec/docker/docker-init'];
/** The host's init binary (Debian's tini-static, as dockerd's docker-init), if installed. */
export function findInitBinary(candidates = INIT_CANDIDATES): string | undefined {
  return candidates.find((p) => fs.existsSync(p));
}

/**
 * Mounts another area adds after the container's own (volumes, volumes-from binds): they replace
 * mounts at the same place, and the whole list is put parents-first again (a stable sort by depth,
 * so a volume at /data comes before a bind at /data/sub whichever area added it).
 */
export const withAddedMounts = (mounts: OciMount[]): SpecOption => (s) => {
  if (mounts.length === 0) return;
  const dests = new Set(mounts.map((m) => m.destination));
  const depth = (p: string): number => p.split('/').filter(Boolean).length;
  s.mounts = [...s.mounts.filter((m) => !dests.has(m.destination)), ...mounts]
    .map((m, i) => ({ m, i }))
    .sort((a, b) => depth(a.m.destination) - depth(b.m.destination) || a.i - b.i)
    .map(({ m }) => m);
};
