// `since` and `until` of GET /events as dockerd reads them (timetypes.GetTimestamp then
// ParseTimestamps): Go durations relative to now (whole seconds, as Go's Time.Unix truncates),
// unix seconds with an optional fraction, RFC 3339 dates (local time without a zone). Nanoseconds.
import { SystemError } from '../errdefs/index.js';
import { parseGoDuration } from '../internal/go-time.js';

const NS = 1_000_000_000n;

function secondsWithFraction(value: string): bigint {
  const [s, frac] = value.split('.', 2) as [string, string | undefined];
  const sec = BigInt(s === '' || s === '-' ? '0' : s);
  if (!frac) return sec * NS;
  const nanos = BigInt(frac.slice(0, 9).padEnd(9, '0'));
  return sec * NS + (sec < 0n ? -nanos : nanos);
}

/** undefined for an absent or empty value (Go's zero time). */
export function parseEventTime(value: string | undefined, nowMs = Date.now()): bigint | undefined {
  if (value === undefined || value === '') return undefined;
  if (value !== '0') {
    const d = parseGoDuration(value);
    if (d !== undefined) return BigInt(Math.floor((nowMs - d) / 1000)) * NS;
  }
  if (/^-?[0-9]*(\.[0-9]*)?$/.test(value) && /[0-9]/.test(value)) return secondsWithFraction(value);
  if (/[-:T]/.test(value)) {
    const m = /^(.*?T?\d{2}:\d{2}:\d{2})\.(\d+)(.*)$/.exec(value);
    const withoutFraction = m ? m[1]! + m[3]! : value;
    const zoned = /[zZ+]/.test(value) || (value.match(/-/g)?.length ?? 0) === 3;
    const text = !zoned && /^\d{4}-\d{2}-\d{2}$/.test(withoutFraction) ? `${withoutFraction}T00:00:00` : withoutFraction;
    const ms = Date.parse(text);
    if (!Number.isNaN(ms)) return BigInt(ms) * 1_000_000n + (m ? BigInt(m[2]!.slice(0, 9).padEnd(9, '0')) : 0n);
  }
  // dockerd's API parses only "seconds[.nanos]" (the CLI converts the rest): its strconv error, a 500
  throw new SystemError(`strconv.ParseInt: parsing ${JSON.stringify(value.split('.')[0])}: invalid syntax`);
}
