// API 1.12–1.24, described by prose docs (reference/api/v1.XX.md) rather than specs: typed as
// 1.25 where they agree, plus what differs, written from those docs — per version:
// - operations a version did not have are absent (volumes and networks before 1.21, archive
//   before 1.20, container update before 1.22, swarm and plugins before 1.24, prune, df and
//   secrets before 1.25); `containerCopy` exists before 1.24 only;
// - requests in the old shape: `containerStart` takes a HostConfig body;
// - responses in the old shape: events ({status, id, from, time} before 1.22), the container list
//   (no State/Mounts before 1.23, no NetworkSettings/HostConfig before 1.22, no ImageID before
//   1.21, no Labels before 1.18), inspect (Volumes/VolumesRW instead of Mounts before 1.20,
//   ExecDriver before 1.22, no Networks nor sizes before 1.21), image list (no Labels before 1.17,
//   no RepoDigests before 1.18).
import type { Readable } from 'node:stream';
import type { Args, CallOptions, JsonStream, OperationSpec, QueryArgs } from './call-types.js';
import type { components, Methods as V125, operations } from './generated/v1.25.js';

export type LegacyApiVersion = '1.12' | '1.13' | '1.14' | '1.15' | '1.16' | '1.17' | '1.18' | '1.19' | '1.20' | '1.21' | '1.22' | '1.23' | '1.24';

/** The legacy versions before `C` (`Before<'1.21'>` is '1.12' … '1.20'). */
type Before<C extends LegacyApiVersion> = {
  '1.12': never; '1.13': '1.12'; '1.14': '1.12' | '1.13'; '1.15': Before<'1.14'> | '1.14'; '1.16': Before<'1.15'> | '1.15';
  '1.17': Before<'1.16'> | '1.16'; '1.18': Before<'1.17'> | '1.17'; '1.19': Before<'1.18'> | '1.18'; '1.20': Before<'1.19'> | '1.19';
  '1.21': Before<'1.20'> | '1.20'; '1.22': Before<'1.21'> | '1.21'; '1.23': Before<'1.22'> | '1.22'; '1.24': Before<'1.23'> | '1.23';
}[C];

/** `T` without the keys `K` when V is before C. */
type OmitBefore<V extends LegacyApiVersion, C extends LegacyApiVersion, T, K extends PropertyKey> = V extends Before<C> ? Omit<T, K> : T;

/** An event before 1.22: container and image events only. */
export interface LegacyEventMessageV1 {
  /** The action: `create`, `start`, `die`, `untag`, … */
  status: string;
  /** The container's or image's ID. */
  id: string;
  /** The container's image (container events). */
  from?: string;
  time: number;
  /** From 1.21. */
  timeNano?: number;
}

/** An event of 1.22–1.24: the typed form and, for containers and images, the old fields too. */
export interface LegacyEventMessageV2 extends Partial<LegacyEventMessageV1> {
  Type: 'container' | 'image' | 'volume' | 'network' | 'plugin' | 'daemon' | string;
  Action: string;
  Actor: { ID: string; Attributes?: Record<string, string> };
  time: number;
  timeNano: number;
}

export type LegacyEventMessage<V extends LegacyApiVersion> = V extends Before<'1.22'> ? LegacyEventMessageV1 : LegacyEventMessageV2;

type Summary125 = components['schemas']['ContainerSummary'][number];
export type LegacyContainerSummary<V extends LegacyApiVersion> =
  OmitBefore<V, '1.18', OmitBefore<V, '1.21', OmitBefore<V, '1.22', Omit<Summary125, 'State' | 'Mounts'> & (V extends Before<'1.23'> ? unknown : Pick<Summary125, 'State' | 'Mounts'>),
    'NetworkSettings' | 'HostConfig'>, 'ImageID'>, 'Labels'>;

type Inspect125 = operations['ContainerInspect']['responses'][200]['content']['application/json'];
type NetworkSettingsPre121 = Omit<NonNullable<Inspect125['NetworkSettings']>, 'Networks'>;
export type LegacyContainerInspect<V extends LegacyApiVersion> =
  (V extends Before<'1.21'> ? Omit<Inspect125, 'SizeRw' | 'SizeRootFs' | 'NetworkSettings' | 'Mounts'> & { NetworkSettings?: NetworkSettingsPre121 } : Omit<Inspect125, 'Mounts'>)
  & (V extends Before<'1.20'>
    ? { /** Mount destination → host source. */ Volumes?: Record<string, string>; /** Mount destination → writable. */ VolumesRW?: Record<string, boolean> }
    : Pick<Inspect125, 'Mounts'>)
  & (V extends Before<'1.22'> ? { ExecDriver?: string } : unknown);

type ImageSummary125 = components['schemas']['ImageSummary'];
export type LegacyImageSummary<V extends LegacyApiVersion> = OmitBefore<V, '1.17', OmitBefore<V, '1.18', ImageSummary125, 'RepoDigests'>, 'Labels'>;

type Query<O extends keyof operations> = operations[O] extends { parameters: { query?: infer Q } } ? Args<QueryArgs<NonNullable<Q>>> : never;

/** What every legacy version has, in its own shape. */
interface LegacyShapes<V extends LegacyApiVersion> {
  /** POST /containers/{id}/start: before API 1.24 the body may carry a HostConfig. */
  containerStart(args: { id: string; detachKeys?: string; body?: components['schemas']['HostConfig'] }, options?: CallOptions): Promise<void>;
  /** GET /events: the old shape before 1.22, both shapes until 1.24. */
  systemEvents(args?: Query<'SystemEvents'>, options?: CallOptions): Promise<JsonStream<LegacyEventMessage<V>>>;
  containerList(args?: Query<'ContainerList'>, options?: CallOptions): Promise<Array<LegacyContainerSummary<V>>>;
  containerInspect(args: { id: string; size?: boolean }, options?: CallOptions): Promise<LegacyContainerInspect<V>>;
  imageList(args?: Query<'ImageList'>, options?: CallOptions): Promise<Array<LegacyImageSummary<V>>>;
}

interface ContainerCopy {
  /** POST /containers/{id}/copy (API < 1.24): the resource as a tar stream. */
  containerCopy(args: { id: string; body: { Resource: string } }, options?: CallOptions): Promise<Readable>;
}

type New125 = 'containerPrune' | 'imagePrune' | 'networkPrune' | 'volumePrune' | 'systemDataUsage'
  | 'secretCreate' | 'secretDelete' | 'secretInspect' | 'secretList' | 'secretUpdate';
type New124 = `swarm${string}` | `node${string}` | `service${string}` | `task${string}` | `plugin${string}` | 'getPluginPrivileges';
type New122 = 'containerUpdate';
type New121 = `volume${string}` | `network${string}`;
type New120 = 'containerArchive' | 'containerArchiveInfo' | 'putContainerArchive' | 'containerGetArchive' | 'containerPutArchive' | 'containerArchiveHead';

type Missing<V extends LegacyApiVersion> = New125
  | (V extends Before<'1.24'> ? New124 : never)
  | (V extends Before<'1.22'> ? New122 : never)
  | (V extends Before<'1.21'> ? New121 : never)
  | (V extends Before<'1.20'> ? New120 : never);

type Kept<V extends LegacyApiVersion> = { [K in keyof V125 as K extends Missing<V> | keyof LegacyShapes<V> ? never : K]: V125[K] };

/** The methods of a client pinned to legacy version V. */
export type LegacyMethods<V extends LegacyApiVersion = LegacyApiVersion> = Kept<V> & LegacyShapes<V> & (V extends '1.24' ? unknown : ContainerCopy);

/** The runtime half: where the legacy operations differ from the generated table. */
export const legacyOperations = {
  containerCopy: {
    operationId: 'ContainerCopy', method: 'POST', path: '/containers/{id}/copy', pathParams: ['id'], query: [], header: [],
    body: 'json', bodyContentType: 'application/json', result: 'binary', since: '1.12',
  },
  containerStart: {
    operationId: 'ContainerStart', method: 'POST', path: '/containers/{id}/start', pathParams: ['id'], query: ['detachKeys'], header: [],
    body: 'json', bodyContentType: 'application/json', result: 'none', since: '1.12',
  },
} as const satisfies Record<string, OperationSpec>;
