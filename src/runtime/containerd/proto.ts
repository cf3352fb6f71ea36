// Loads our minimal containerd protos once. The .proto files sit next to the compiled JS
// (scripts/copy-protos.mjs copies them into dist), so they are found relative to import.meta.url.
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const PROTO_DIR = fileURLToPath(new URL('./protos/', import.meta.url));

const FILES = [
  'services/version.proto',
  'services/containers.proto',
  'services/tasks.proto',
  'services/content.proto',
  'services/snapshots.proto',
  'services/diff.proto',
  'services/events.proto',
  'services/leases.proto',
  'berth/decoders.proto',
];

// keepCase false: JS objects use camelCase (containerId, exitStatus) — except google.protobuf.Any,
// whose bundled definition keeps `type_url` (see wire.ts).
// longs as Number: sizes/offsets stay far below 2^53. enums as String: 'RUNNING', 'COMMITTED'.
// defaults: absent fields decode to their zero value, so '' / 0 / {} never need undefined checks.
const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

let cached: { definition: protoLoader.PackageDefinition; grpcObject: grpc.GrpcObject } | undefined;

function load(): { definition: protoLoader.PackageDefinition; grpcObject: grpc.GrpcObject } {
  if (!cached) {
    const definition = protoLoader.loadSync(FILES, LOADER_OPTIONS);
    cached = { definition, grpcObject: grpc.loadPackageDefinition(definition) };
  }
  return cached;
}

export type ServiceName = 'version' | 'containers' | 'tasks' | 'content' | 'snapshots' | 'diff' | 'events' | 'leases';

const SERVICE_PATHS: Record<ServiceName, string> = {
  version: 'containerd.services.version.v1.Version',
  containers: 'containerd.services.containers.v1.Containers',
  tasks: 'containerd.services.tasks.v1.Tasks',
  content: 'containerd.services.content.v1.Content',
  snapshots: 'containerd.services.snapshots.v1.Snapshots',
  diff: 'containerd.services.diff.v1.Diff',
  events: 'containerd.services.events.v1.Events',
  leases: 'containerd.services.leases.v1.Leases',
};

export function serviceClientConstructor(name: ServiceName): grpc.ServiceClientConstructor {
  let node: unknown = load().grpcObject;
  for (const part of SERVICE_PATHS[name].split('.')) {
    node = (node as Record<string, unknown>)[part];
  }
  if (typeof node !== 'function') throw new Error(`proto service ${SERVICE_PATHS[name]} not loaded`);
  return node as grpc.ServiceClientConstructor;
}

/** Decodes an event payload by its bare type name (e.g. "containerd.events.TaskExit"); undefined if unknown. */
export function decodeEvent(typeUrl: string, value: Buffer): Record<string, unknown> | undefined {
  const name = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
  if (!name.startsWith('containerd.events.')) return undefined;
  const service = load().definition['berth.decoders.EventDecoders'] as protoLoader.ServiceDefinition | undefined;
  const method = service?.[name.slice('containerd.events.'.length)];
  if (!method) return undefined;
  return method.responseDeserialize(value) as Record<string, unknown>;
}
