// Time values in filters and query parameters the way dockerd's timetypes.GetTimestamp reads them:
// a Go duration ("24h", "1h30m", meaning that long before now), an RFC 3339 time or date (with or
// without zone), or unix seconds with an optional fraction.
import { InvalidParameterError } from '../errdefs/errors.js';

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration, in milliseconds; undefined when `s` is not a duration. */
export function parseGoDuration(s: string): number | undefined {
  const m = /^([-+]?)((?:[0-9]*\.?[0-9]+(?:ns|us|µs|ms|s|m|h))+)$/.exec(s);
  if (!m) return s === '0' ? 0 : undefined;
  let total = 0;
  for (const part of (m[2] as string).matchAll(/([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(part[1]) * (UNIT_MS[part[2] as string] as number);
  }
  return m[1] === '-' ? -total : total;
}

/** Milliseconds since the epoch of a dockerd timestamp argument; `now` anchors durations. */
export function parseTimestamp(value: string, now = Date.now()): number {
  const d = parseGoDuration(value);
  if (d !== undefined && value !== '0') return now - d;
  if (/^[0-9]+(\.[0-9]+)?$/.test(value)) return Number(value) * 1000;
  // dates and times without a zone are local time in dockerd; Date.parse treats date-only as UTC
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00`) : Date.parse(value);
  if (Number.isFinite(ms)) return ms;
  throw new InvalidParameterError(`failed to parse value as time or duration: "${value}"`);
}
