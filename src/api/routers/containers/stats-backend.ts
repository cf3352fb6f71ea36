// What the stats route needs (GET /containers/{id}/stats): samples in the newest shape.
import type { ContainerStatsSample } from '../../../stats/types.js';

export interface StatsOptions {
  /** a sample a second until the client leaves */
  stream: boolean;
  /** with stream=false: one sample at once, precpu_stats empty (1.41) */
  oneShot: boolean;
}

export interface ContainerStatsBackend {
  /** Throws NotFoundError for an unknown container before anything is streamed. */
  containerStats(ref: string, options: StatsOptions, signal: AbortSignal): Promise<AsyncIterable<ContainerStatsSample>>;
}
