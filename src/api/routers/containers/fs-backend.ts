// What the container-filesystem routes (docker diff, export, commit) need from the daemon.
import type { ContainerConfig } from '../../types/container.js';

export interface ContainerChange {
  Path: string;
  Kind: number;
}

export interface CommitOptions {
  repo?: string;
  tag?: string;
  comment: string;
  author: string;
  pause: boolean;
  changes: string[];
  /** the request body: a container Config that replaces the container's (merged with it) */
  config?: ContainerConfig;
}

export interface ContainerFsBackend {
  containerChanges(ref: string): Promise<ContainerChange[]>;
  /** Validates `ref` and starts the export; the returned stream is the container's filesystem as tar. */
  containerExport(ref: string, signal: AbortSignal): Promise<AsyncIterable<Buffer>>;
  containerCommit(ref: string, options: CommitOptions): Promise<{ Id: string }>;
}
