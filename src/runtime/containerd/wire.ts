// Shapes of the decoded protobuf messages as @grpc/proto-loader hands them to us (camelCase,
// defaults filled in, int64 as number, enums as strings), and conversions to our runtime types.
import type { Descriptor, Mount, TaskState, TaskStatus } from '../runtime.js';

export interface WireTimestamp {
  seconds: number;
  nanos: number;
}

/**
 * google.protobuf.Any keeps its snake_case `type_url` even with keepCase: false: proto-loader takes
 * the well-known types from protobufjs's bundled JSON, whose field names are not camelCased.
 * (A `typeUrl` key is silently dropped and containerd then sees an empty type URL.)
 */
export interface WireAny {
  type_url: string;
  value: Buffer;
}

export interface WireMount {
  type: string;
  source: string;
  target: string;
  options: string[];
}

export interface WireDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations: Record<string, string>;
}

export interface WireProcess {
  containerId: string;
  id: string;
  pid: number;
  status: string;
  stdin: string;
  stdout: string;
  stderr: string;
  terminal: boolean;
  exitStatus: number;
  exitedAt: WireTimestamp | null;
}

export interface WireContainer {
  id: string;
  labels: Record<string, string>;
  image: string;
  snapshotter: string;
  snapshotKey: string;
}

/** Type URLs containerd expects for OCI JSON payloads (exact; no type.googleapis.com/ prefix). */
export const SPEC_TYPE_URL = 'types.containerd.io/opencontainers/runtime-spec/1/Spec';
export const PROCESS_TYPE_URL = 'types.containerd.io/opencontainers/runtime-spec/1/Process';
export const RESOURCES_TYPE_URL = 'types.containerd.io/opencontainers/runtime-spec/1/LinuxResources';

export function jsonAny(typeUrl: string, value: object): WireAny {
  return { type_url: typeUrl, value: Buffer.from(JSON.stringify(value)) };
}

/**
 * containerd's timestamps are non-nullable Go times: "no time" arrives as Go's zero time
 * (0001-01-01T00:00:00Z), which this maps faithfully, as dockerd shows it.
 */
const GO_ZERO_TIME_MS = -62135596800000;

export function toDate(ts: WireTimestamp | null | undefined): Date {
  if (!ts) return new Date(GO_ZERO_TIME_MS);
  return new Date(ts.seconds * 1000 + Math.floor(ts.nanos / 1e6));
}

export function toMount(m: WireMount): Mount {
  const mount: Mount = { type: m.type, source: m.source, options: [...m.options] };
  if (m.target) mount.target = m.target;
  return mount;
}

export function fromMount(m: Mount): WireMount {
  return { type: m.type, source: m.source, target: m.target ?? '', options: m.options };
}

export function toDescriptor(d: WireDescriptor | null | undefined): Descriptor {
  if (!d) throw new Error('containerd returned no descriptor');
  const desc: Descriptor = { mediaType: d.mediaType, digest: d.digest, size: d.size };
  if (d.annotations && Object.keys(d.annotations).length > 0) desc.annotations = { ...d.annotations };
  return desc;
}

export function fromDescriptor(d: Descriptor): WireDescriptor {
  return { mediaType: d.mediaType, digest: d.digest, size: d.size, annotations: d.annotations ?? {} };
}

const STATUSES: Record<string, TaskStatus> = {
  UNKNOWN: 'unknown',
  CREATED: 'created',
  RUNNING: 'running',
  STOPPED: 'stopped',
  PAUSED: 'paused',
  PAUSING: 'pausing',
};

/** Tasks.List puts the container id in `id` and leaves `containerId` empty; Get does the same. */
export function toTaskState(p: WireProcess): TaskState {
  return {
    containerId: p.containerId || p.id,
    pid: p.pid,
    status: STATUSES[p.status] ?? 'unknown',
    exitStatus: p.exitStatus,
    stdin: p.stdin,
    stdout: p.stdout,
    stderr: p.stderr,
    terminal: p.terminal,
  };
}
