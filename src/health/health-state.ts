// State.Health and what one probe result does to it (dockerd's handleProbeResult): the log keeps
// the last 5 results; exit 0 is healthy; any failure counts toward `Retries` except while the
// container is still starting within its start period.
import type { ProbeTimings } from './health-config.js';

export type HealthStatus = 'starting' | 'healthy' | 'unhealthy';

export interface HealthLogEntry {
  Start: string;
  End: string;
  ExitCode: number;
  Output: string;
}

/** persisted in the container's state (`health`), shown as inspect's State.Health */
export interface HealthState {
  status: HealthStatus;
  failingStreak: number;
  log: HealthLogEntry[];
}

export const MAX_LOG_ENTRIES = 5;
export const MAX_OUTPUT_LEN = 4096;

/** Applies a result; returns the new status when it changed. */
export function applyProbeResult(h: HealthState, result: HealthLogEntry, timings: ProbeTimings, startedAt: string): HealthStatus | undefined {
  const old = h.status;
  h.log = [...h.log, result].slice(-MAX_LOG_ENTRIES);
  if (result.ExitCode === 0) {
    h.failingStreak = 0;
    h.status = 'healthy';
  } else {
    const withinStartPeriod = h.status === 'starting' && Date.parse(result.Start) - Date.parse(startedAt) < timings.startPeriodMs;
    if (!withinStartPeriod) {
      h.failingStreak++;
      if (h.failingStreak >= timings.retries) h.status = 'unhealthy';
    }
  }
  return h.status !== old ? h.status : undefined;
}

/** dockerd's limitedBuffer: the first 4096 bytes, "..." when more came. */
export class ProbeOutput {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private truncated = false;

  write(data: Buffer): void {
    const keep = Math.min(MAX_OUTPUT_LEN - this.size, data.length);
    if (keep > 0) { this.chunks.push(data.subarray(0, keep)); this.size += keep; }
    if (keep < data.length) this.truncated = true;
  }

  toString(): string {
    const out = Buffer.concat(this.chunks).toString('utf8');
    return this.truncated ? `${out}...` : out;
  }
}

/** inspect's State.Health */
export function healthJSON(h: HealthState): { Status: HealthStatus; FailingStreak: number; Log: HealthLogEntry[] } {
  return { Status: h.status, FailingStreak: h.failingStreak, Log: h.log };
}

/** the `docker ps` Status suffix ("health: starting", "healthy", "unhealthy") */
export function healthText(h: HealthState): string {
  return h.status === 'starting' ? 'health: starting' : h.status;
}
