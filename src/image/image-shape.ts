// Engine API shapes of a local image: `GET /images/{name}/json` (ImageInspect) and `GET /images/json`
// (ImageSummary). Pure functions of the record so the router's per-version shaping can start from them
// and tests need no store. The summary is the newest (v1.55) shape. The inspect data is dockerd's
// `inspectData`: the fields of every version, the legacy ones (Container, ContainerConfig, VirtualSize,
// container.Config's defaults) included, because only the record has them; the router's shape.ts
// removes what each version no longer has (images/shape.ts).
import { familiarString } from './reference.js';
import type { ImageContainerConfig, ImageRecord } from './types.js';

/** Go's zero time.Time as dockerd prints it for missing timestamps. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

export interface ImageInspect {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  Created: string;
  Container: string;
  ContainerConfig: ImageContainerConfig;
  DockerVersion: string;
  Author: string;
  Config: ImageContainerConfig | null;
  Architecture: string;
  Variant?: string;
  Os: string;
  OsVersion?: string;
  Size: number;
  VirtualSize: number;
  GraphDriver: { Name: string; Data: null };
  RootFS: { Type: string; Layers: string[] };
  Metadata: { LastTagTime: string };
}

export interface ImageSummary {
  Id: string;
  ParentId: string;
  RepoTags: string[];
  RepoDigests: string[];
  Created: number;
  Size: number;
  SharedSize: number;
  Labels: Record<string, string> | null;
  /** containers using the image (dockerd sends it from API 1.51; -1 before) */
  Containers: number;
}

/**
 * dockerd decodes the image's config into its container.Config struct, so every non-omitempty field
 * appears in the output even when the image does not set it. These are those fields' zero values.
 */
function withContainerConfigDefaults(c: ImageContainerConfig | null | undefined): ImageContainerConfig {
  return {
    Hostname: '',
    Domainname: '',
    User: '',
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: null,
    Cmd: null,
    Image: '',
    Volumes: null,
    WorkingDir: '',
    Entrypoint: null,
    OnBuild: null,
    Labels: null,
    ...(c ?? {}),
  };
}

/** Size as dockerd reports it: the unpacked layers (snapshot usage when known, else the tar size). */
export function imageSize(record: ImageRecord): number {
  return record.layers.reduce((sum, l) => sum + (l.unpackedSize ?? l.diffSize), 0);
}

function familiarAll(refs: readonly string[]): string[] {
  return refs.map((r) => familiarString(r));
}

/** Unix seconds of an RFC 3339 time; 0 when absent or unparsable. */
function unixSeconds(time: string): number {
  const ms = Date.parse(time);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : 0;
}

export function inspectImage(record: ImageRecord): ImageInspect {
  const c = record.config;
  const size = imageSize(record);
  // Built in dockerd's key order (people read `docker inspect`); Variant and OsVersion are
  // omitempty in dockerd and left out when empty.
  return {
    Id: record.id,
    RepoTags: familiarAll(record.repoTags),
    RepoDigests: familiarAll(record.repoDigests),
    Parent: record.parent ?? '',
    Comment: c.comment ?? '',
    Created: c.created || ZERO_TIME,
    Container: c.container ?? '',
    ContainerConfig: withContainerConfigDefaults(c.container_config),
    DockerVersion: c.docker_version ?? '',
    Author: c.author ?? '',
    Config: c.config ? withContainerConfigDefaults(c.config) : null,
    Architecture: c.architecture ?? '',
    ...(c.variant ? { Variant: c.variant } : {}),
    Os: c.os ?? '',
    ...(c['os.version'] ? { OsVersion: c['os.version'] } : {}),
    Size: size,
    VirtualSize: size,
    GraphDriver: { Name: 'overlayfs', Data: null },
    RootFS: { Type: 'layers', Layers: [...c.rootfs.diff_ids] },
    Metadata: { LastTagTime: record.lastTagTime ?? ZERO_TIME },
  };
}

/** `containers`: how many containers use the image (-1: not counted). */
export function summarizeImage(record: ImageRecord, containers = -1): ImageSummary {
  return {
    Id: record.id,
    ParentId: record.parent ?? '',
    // Untagged images have empty lists; the <none> placeholders of API < 1.43 are shape.ts's.
    RepoTags: familiarAll(record.repoTags),
    RepoDigests: familiarAll(record.repoDigests),
    Created: unixSeconds(record.config.created ?? ''),
    Size: imageSize(record),
    SharedSize: -1,
    Labels: record.config.config?.Labels ?? null,
    Containers: containers,
  };
}
