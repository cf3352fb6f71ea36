// A container's HealthConfig as dockerd reads it: the image's merged under the user's (field by
// field), the probe command (CMD, CMD-SHELL through the container's shell, NONE), and durations
// with dockerd's defaults (interval 30 s, timeout 30 s, start period 0, start interval 5 s, 3 retries).

import { InvalidParameterError } from '../errdefs/index.js';

export interface HealthConfig {
  Test?: string[] | null;
  /** nanoseconds; 0 = inherit/default */
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

export const DEFAULT_INTERVAL_MS = 30_000;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_START_INTERVAL_MS = 5_000;
export const DEFAULT_RETRIES = 3;

/** dockerd's merge (daemon/commit.go): the user's fields win, empty ones come from the image. */
export function mergeHealthcheck(user: HealthConfig | null | undefined, image: HealthConfig | null | undefined): HealthConfig | null | undefined {
  if (!user) return image;
  if (!image) return user;
  const out: HealthConfig = { ...user };
  if (!out.Test || out.Test.length === 0) out.Test = image.Test ?? null;
  for (const k of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'] as const) {
    if (!out[k] && image[k]) out[k] = image[k];
  }
  return out;
}

/** The argv a probe runs, or undefined when there is no probe (none configured, NONE, unknown kind). */
export function probeCommand(hc: HealthConfig | null | undefined, shell: string[] | null | undefined): string[] | undefined {
  const test = hc?.Test;
  if (!test || test.length === 0) return undefined;
  switch (test[0]) {
    case 'CMD': return test.length > 1 ? test.slice(1) : undefined;
    case 'CMD-SHELL': return [...(shell && shell.length ? shell : ['/bin/sh', '-c']), test.slice(1).join(' ')];
    default: return undefined;
  }
}

const ms = (ns: number | undefined, fallback: number): number => (ns && ns > 0 ? ns / 1e6 : fallback);

export interface ProbeTimings {
  intervalMs: number;
  timeoutMs: number;
  startPeriodMs: number;
  startIntervalMs: number;
  retries: number;
}

export function probeTimings(hc: HealthConfig): ProbeTimings {
  return {
    intervalMs: ms(hc.Interval, DEFAULT_INTERVAL_MS),
    timeoutMs: ms(hc.Timeout, DEFAULT_TIMEOUT_MS),
    startPeriodMs: ms(hc.StartPeriod, 0),
    startIntervalMs: ms(hc.StartInterval, DEFAULT_START_INTERVAL_MS),
    retries: hc.Retries && hc.Retries > 0 ? hc.Retries : DEFAULT_RETRIES,
  };
}

/** Go's time.Duration.String for whole milliseconds and above ("30s", "1.5s", "500ms", "1m0s"). */
export function goDurationString(msValue: number): string {
  if (msValue === 0) return '0s';
  if (msValue < 1000) return `${msValue}ms`;
  let s = msValue / 1000;
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  const secs = `${Number(s.toFixed(9))}s`;
  if (h > 0) return `${h}h${m}m${secs}`;
  if (m > 0) return `${m}m${secs}`;
  return secs;
}

const MINIMUM_NS = 1e6;

/** dockerd's verifyContainerSettings for HealthConfig (durations of at least 1ms, retries not negative). */
export function validateHealthConfig(hc: HealthConfig | null | undefined): void {
  if (!hc) return;
  const tooShort = (v: number | null | undefined): boolean => typeof v === 'number' && v !== 0 && v < MINIMUM_NS;
  if (tooShort(hc.Interval)) throw new InvalidParameterError('Interval in Healthcheck cannot be less than 1ms');
  if (tooShort(hc.Timeout)) throw new InvalidParameterError('Timeout in Healthcheck cannot be less than 1ms');
  if (typeof hc.Retries === 'number' && hc.Retries < 0) throw new InvalidParameterError('Retries in Healthcheck cannot be negative');
  if (tooShort(hc.StartPeriod)) throw new InvalidParameterError('StartPeriod in Healthcheck cannot be less than 1ms');
  if (tooShort(hc.StartInterval)) throw new InvalidParameterError('StartInterval in Healthcheck cannot be less than 1ms');
}
