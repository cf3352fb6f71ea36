// @berth/client: a typed Docker Engine API client (API 1.25–1.55) for Node.js 20.
export { DockerClient, ClientCore, type ClientOptions, type DockerClientConstructor, type OperationName } from './client.js';
export type { Args, BinaryBody, CallOptions, Frame, FrameStream, HijackedStream, JsonMessage, JsonStream, PathStat, QueryArgs } from './call-types.js';
export { resolveEndpoint, parseHost, tlsFromCertPath, DEFAULT_SOCKET, type ConnectionOptions, type Endpoint, type TlsOptions } from './connection.js';
export * from './errors.js';
export { demultiplex, collect, looksMultiplexed } from './demux.js';
export { parseJsonStream } from './json-stream.js';
export { splitReference, type BuildOptions, type BuildResult, type PullOptions, type RunOptions, type RunResult, type WaitForHealthyOptions } from './helpers.js';
export { API_VERSIONS, LEGACY_API_VERSIONS, NEWEST_API_VERSION, type ApiVersion, type NewestApiVersion, type VersionMethods } from './generated/versions.js';
export { operations } from './generated/operations.js';
export { compareVersions, negotiate } from './version.js';
export { contextTar } from './build-context.js';
export { DockerIgnore } from './dockerignore.js';
export { tarStream, type TarEntry } from './tar-writer.js';
