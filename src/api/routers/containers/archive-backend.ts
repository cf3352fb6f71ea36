// What the archive routes (docker cp: HEAD/GET/PUT /containers/{id}/archive, the old POST
// /containers/{id}/copy) need from the daemon.
import type { Readable } from 'node:stream';
import type { PathStat } from '../../../archive/container-view.js';

export type { PathStat };

export interface ArchiveResult {
  stat: PathStat;
  /** the tar of the path; must be iterated (to its end or a break) to release the container's view */
  tar: AsyncIterable<Buffer>;
}

export interface ExtractOptions {
  noOverwriteDirNonDir: boolean;
  copyUIDGID: boolean;
}

export interface ContainerArchiveBackend {
  containerStatPath(ref: string, path: string): Promise<PathStat>;
  containerArchivePath(ref: string, path: string, signal: AbortSignal): Promise<ArchiveResult>;
  containerExtractToDir(ref: string, path: string, body: Readable, options: ExtractOptions): Promise<void>;
  containerCopy(ref: string, resource: string, signal: AbortSignal): Promise<AsyncIterable<Buffer>>;
}
