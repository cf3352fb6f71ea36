// Time values as Docker clients send them in filters (`until`, `since`): Go duration strings
// relative to now ("10m", "1h30m"), unix timestamps with an optional fraction, or dates
// (RFC 3339 and its shorter forms), like dockerd's timetypes.GetTimestamp.
import { InvalidParameterError } from '../errdefs/index.js';

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Go duration ("1h30m", "-5s", "1.5h") into milliseconds; undefined when it is not one. */
export function parseGoDuration(value: string): number | undefined {
  const m = /^([-+]?)((?:[0-9]*\.?[0-9]+(?:ns|us|µs|ms|s|m|h))+)$/.exec(value);
  if (!m) return undefined;
  let total = 0;
  for (const part of m[2]!.matchAll(/([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)/g)) total += Number(part[1]) * UNIT_MS[part[2]!]!;
  return m[1] === '-' ? -total : total;
}

/** A filter time value as a Date, relative to `now` for durations. */
export function parseFilterTime(value: string, now = Date.now()): Date {
  const d = value !== '0' ? parseGoDuration(value) : undefined;
  if (d !== undefined) return new Date(now - d);
  if (/^[0-9]+(\.[0-9]+)?$/.test(value)) return new Date(Number(value) * 1000);
  if (value.includes('-')) {
    // Dates without a zone are local time, as in dockerd.
    const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00` : value);
    if (!Number.isNaN(t)) return new Date(t);
    throw new InvalidParameterError(`failed to parse value as time or duration: "${value}"`);
  }
  throw new InvalidParameterError(`failed to parse value as time or duration: "${value}"`);
}
