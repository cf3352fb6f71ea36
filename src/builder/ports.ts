// What the builder needs from the rest of berthd, as narrow interfaces wired in src/cmd/berthd.ts:
// containers to run RUN steps in, a source of base images that are not local (the registry puller,
// plugged in at merge), and a sink for the events a build causes (the events area).
import type { ContainerConfig, HostConfig } from '../api/types/container.js';
import type { ImageRecord } from '../image/types.js';

export interface BuildContainerOptions {
  config: ContainerConfig;
  hostConfig: HostConfig;
}

export interface BuildContainers {
  /** Creates a container (not started); returns its ID. */
  create(options: BuildContainerOptions): Promise<string>;
  /** Starts it with its output going to `output` while it runs; resolves with its exit code. */
  run(id: string, output: (stream: 'stdout' | 'stderr', data: Buffer) => void, signal: AbortSignal): Promise<number>;
  /** Commits its filesystem changes as a child image of its image, with these configs (no merge). */
  commit(id: string, options: { config: ContainerConfig; containerConfig: ContainerConfig; author: string }): Promise<string>;
  /** Removes it (forced) with its anonymous volumes. */
  remove(id: string): Promise<void>;
}

/**
 * Fetches an image that is not local (`FROM name` with the registry puller). Until one is wired the
 * builder answers as dockerd does when the pull fails.
 */
export interface BaseImageSource {
  pull(ref: string, options: { platform?: string; authConfigs: Record<string, unknown>; signal: AbortSignal; progress: (msg: object) => void }): Promise<ImageRecord>;
}

/** Events a build causes besides those of its containers (image `tag`); a no-op until wired. */
export interface BuildEventSink {
  imageEvent(action: 'tag', id: string, attributes: Record<string, string>): void;
}

export const noEvents: BuildEventSink = { imageEvent: () => undefined };
