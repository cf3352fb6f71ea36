// The volumes a container asks for, from HostConfig.Binds (`name:/path[:ro|rw|nocopy]`, or `/path`
// alone: anonymous), HostConfig.Mounts of type volume and Config.Volumes (the image's VOLUMEs and
// `-v /path`), and how `--volumes-from c[:ro|rw]` is read. dockerd's linux parser's messages;
// bind and tmpfs entries are oci/mounts.ts's.
import path from 'node:path';
import type { MountSpec } from '../api/types/host-config.js';
import { InvalidParameterError } from '../errdefs/index.js';
import { isLocalPath } from './subpath.js';

export interface VolumeRequest {
  destination: string;
  /** '' = anonymous */
  name: string;
  readOnly: boolean;
  /** as inspect shows it: the -v mode, 'z' for a named -v or --mount volume without one */
  mode: string;
  /** copy the image's content at the destination into the volume when it is empty */
  copyData: boolean;
  driver: string;
  driverOpts: Record<string, string>;
  labels: Record<string, string>;
  /** VolumeOptions.Subpath (1.45): a path inside the volume to mount instead of its root */
  subpath?: string;
}

const VOLUME_MODES: readonly string[] = ['rw', 'ro', 'z', 'Z', 'nocopy', 'consistent', 'cached', 'delegated'];
const PROPAGATIONS: readonly string[] = ['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate'];

function volumeSpecError(spec: string, msg: string): InvalidParameterError {
  return new InvalidParameterError(`invalid volume specification: '${spec}': invalid mount config for type "volume": ${msg}`);
}

/** One Binds entry if it is a volume (named, or a lone path), else undefined (a bind: oci/mounts.ts). */
export function parseVolumeBind(spec: string, volumeDriver = ''): VolumeRequest | undefined {
  const parts = spec.split(':');
  if (parts.length === 1) {
    if (!path.isAbsolute(spec)) throw volumeSpecError(spec, `invalid mount path: '${spec}' mount path must be absolute`);
    return { destination: path.normalize(spec), name: '', readOnly: false, mode: '', copyData: true, driver: volumeDriver, driverOpts: {}, labels: {} };
  }
  const [source = '', destination = '', mode = ''] = parts;
  if (parts.length > 3 || source === '' || destination === '' || source.startsWith('/')) return undefined;
  if (!path.isAbsolute(destination)) throw volumeSpecError(spec, `invalid mount path: '${destination}' mount path must be absolute`);
  const modes = mode === '' ? [] : mode.split(',');
  if (modes.some((m) => PROPAGATIONS.includes(m))) throw volumeSpecError(spec, 'field BindOptions must not be specified');
  if (modes.some((m) => !VOLUME_MODES.includes(m)) || (modes.includes('ro') && modes.includes('rw'))) {
    throw new InvalidParameterError(`invalid mode: ${mode}`);
  }
  return {
    destination: path.normalize(destination), name: source, readOnly: modes.includes('ro'), mode: mode || 'z',
    copyData: !modes.includes('nocopy'), driver: volumeDriver, driverOpts: {}, labels: {},
  };
}

interface VolumeOptionsSpec {
  NoCopy?: boolean;
  Labels?: Record<string, string> | null;
  DriverConfig?: { Name?: string; Options?: Record<string, string> | null } | null;
  Subpath?: string;
}

function mountError(msg: string): InvalidParameterError {
  return new InvalidParameterError(`invalid mount config for type "volume": ${msg}`);
}

/** One HostConfig.Mounts entry of type volume (dockerd's validateMountConfig for volumes). */
export function parseVolumeMount(m: MountSpec, volumeDriver = ''): VolumeRequest {
  if (!m.Target) throw mountError('field Target must not be empty');
  if (!path.isAbsolute(m.Target)) throw mountError(`invalid mount path: '${m.Target}' mount path must be absolute`);
  if (m.BindOptions) throw mountError('field BindOptions must not be specified');
  if (m.TmpfsOptions) throw mountError('field TmpfsOptions must not be specified');
  const opts = (m.VolumeOptions ?? {}) as VolumeOptionsSpec;
  if (opts.Subpath && !m.Source) throw mountError('must not set Subpath when using anonymous volumes');
  if (opts.Subpath && !isLocalPath(opts.Subpath)) throw mountError('subpath must be a relative path within the volume');
  return {
    destination: path.normalize(m.Target), name: m.Source ?? '', readOnly: Boolean(m.ReadOnly), mode: 'z',
    copyData: !opts.NoCopy, driver: opts.DriverConfig?.Name || volumeDriver,
    driverOpts: { ...(opts.DriverConfig?.Options ?? {}) }, labels: { ...(opts.Labels ?? {}) },
    ...(opts.Subpath ? { subpath: opts.Subpath } : {}),
  };
}

/** `container[:mode]` of VolumesFrom: the reference and whether it is read-only. */
export function parseVolumesFrom(spec: string): { ref: string; readOnly: boolean | undefined } {
  if (spec === '') throw new InvalidParameterError('volumes-from specification cannot be an empty string');
  const i = spec.indexOf(':');
  if (i < 0) return { ref: spec, readOnly: undefined };
  const mode = spec.slice(i + 1);
  const modes = mode.split(',');
  const valid = modes.every((m) => ['rw', 'ro', 'z', 'Z'].includes(m)) && !(modes.includes('ro') && modes.includes('rw'));
  if (!valid) throw new InvalidParameterError(`invalid mode: ${mode}`);
  return { ref: spec.slice(0, i), readOnly: modes.includes('ro') ? true : modes.includes('rw') ? false : undefined };
}
