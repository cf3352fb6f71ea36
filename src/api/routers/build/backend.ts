// What the build routes (POST /build, /build/prune, /build/cancel) need from the builder.
import type { Readable } from 'node:stream';

export interface BuildOptions {
  dockerfile?: string;
  tags: string[];
  quiet: boolean;
  noCache: boolean;
  /** remove intermediate containers after a successful step */
  remove: boolean;
  /** remove them even when the step failed */
  forceRemove: boolean;
  pull: boolean;
  buildArgs: Record<string, string | null>;
  labels: Record<string, string>;
  target?: string;
  networkMode?: string;
  shmSize?: number;
  memory?: number;
  memorySwap?: number;
  cpuShares?: number;
  cpuPeriod?: number;
  cpuQuota?: number;
  cpuSetCpus?: string;
  cpuSetMems?: string;
  cgroupParent?: string;
  extraHosts: string[];
  ulimits?: Array<{ Name: string; Soft: number; Hard: number }>;
  cacheFrom: string[];
  platform?: string;
  buildId?: string;
  /** a URL (tar or Dockerfile) or git repository to take the context from instead of the body */
  remote?: string;
  authConfigs: Record<string, unknown>;
}

/** Where a build writes what the client sees. */
export interface BuildOutput {
  /** text for the `stream` field */
  stream(text: string): void;
  /** an `aux` message (the image ID) */
  aux(value: object): void;
  /** a progress message as it is (a base image's pull: status, id, progressDetail) */
  progress(message: object): void;
}

export interface BuildPruneResult { CachesDeleted: string[] | null; SpaceReclaimed: number }

export interface BuildBackend {
  /** Builds from the context tar; resolves with the image ID. */
  build(context: Readable, options: BuildOptions, out: BuildOutput, signal: AbortSignal): Promise<string>;
  buildPrune(options: { all: boolean; filters: Record<string, string[]> }): Promise<BuildPruneResult>;
  buildCancel(id: string): Promise<void>;
}
