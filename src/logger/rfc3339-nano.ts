// Timestamps of log records: a nanosecond wall clock (Node only offers milliseconds) and Go's
// RFC3339Nano text forms, as dockerd writes them in json-file logs and prints for `logs --timestamps`.
// Times travel as bigint nanoseconds since the Unix epoch so nothing below a millisecond is lost.

const NS_PER_MS = 1_000_000n;
const NS_PER_S = 1_000_000_000n;

let anchorWallNs = BigInt(Date.now()) * NS_PER_MS;
let anchorHr = process.hrtime.bigint();
let lastNs = 0n;

/**
 * Wall-clock nanoseconds since the epoch. Sub-millisecond digits come from the monotonic clock
 * measured against an anchor; the anchor is moved whenever the result leaves the millisecond that
 * Date.now() reports (NTP slew, a clock step), so the text never drifts from the wall clock by 1 ms
 * or more. Small backward steps are absorbed so consecutive calls never go back in time.
 */
export function nowEpochNanos(): bigint {
  const hr = process.hrtime.bigint();
  const wallNs = BigInt(Date.now()) * NS_PER_MS;
  let t = anchorWallNs + (hr - anchorHr);
  if (t < wallNs || t >= wallNs + NS_PER_MS) {
    anchorWallNs = wallNs;
    anchorHr = hr;
    t = wallNs;
  }
  // A re-anchor may land slightly before the previous value; a real clock step back (> 1 s) is
  // accepted as it is, as Go's time.Now() would.
  if (t <= lastNs && lastNs - t < NS_PER_S) t = lastNs + 1n;
  lastNs = t;
  return t;
}

export function dateToEpochNanos(d: Date): bigint {
  return BigInt(d.getTime()) * NS_PER_MS;
}

export function epochNanosToDate(ns: bigint): Date {
  return new Date(Number(floorDiv(ns, NS_PER_MS)));
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b < 0n ? q - 1n : q;
}

// The date-and-seconds prefix changes once a second; logs print far more often than that.
let cachedSec = Number.NaN;
let cachedPrefix = '';

function secondsPrefix(sec: number): string {
  if (sec !== cachedSec) {
    cachedPrefix = new Date(sec * 1000).toISOString().slice(0, 19);
    cachedSec = sec;
  }
  return cachedPrefix;
}

function split(ns: bigint): { sec: number; frac: number } {
  const sec = floorDiv(ns, NS_PER_S);
  return { sec: Number(sec), frac: Number(ns - sec * NS_PER_S) };
}

/** Go's time.RFC3339Nano in UTC: fraction with trailing zeros trimmed, no dot when it is zero. */
export function formatRfc3339Nano(ns: bigint): string {
  const { sec, frac } = split(ns);
  if (frac === 0) return `${secondsPrefix(sec)}Z`;
  let digits = String(frac).padStart(9, '0');
  let end = 9;
  while (digits.charCodeAt(end - 1) === 48 /* '0' */) end--;
  digits = digits.slice(0, end);
  return `${secondsPrefix(sec)}.${digits}Z`;
}

/** dockerd's RFC3339NanoFixed (always nine digits), used by `docker logs --timestamps`. */
export function formatRfc3339NanoFixed(ns: bigint): string {
  const { sec, frac } = split(ns);
  return `${secondsPrefix(sec)}.${String(frac).padStart(9, '0')}Z`;
}

const RFC3339_RE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** Parses RFC3339 / RFC3339Nano text; undefined when it is not one. */
export function parseRfc3339Nano(text: string): bigint | undefined {
  const m = RFC3339_RE.exec(text);
  if (m === null) return undefined;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return undefined;
  const frac = m[2] === undefined ? 0n : BigInt(m[2].padEnd(9, '0'));
  return BigInt(ms) * NS_PER_MS + frac;
}

// Records of one second share their date-and-seconds text; parsing it once per second keeps the
// reader's per-record cost to a slice and a few digits.
let parsedPrefix = '';
let parsedPrefixMs = Number.NaN;

/** Milliseconds since the epoch of RFC3339 / RFC3339Nano text (sub-ms digits dropped); NaN if invalid. */
export function parseRfc3339Millis(text: string): number {
  // fast path for dockerd's own form: "YYYY-MM-DDTHH:MM:SS[.fraction]Z"
  if (text.length >= 20 && text.charCodeAt(text.length - 1) === 90 /* Z */ && text.charCodeAt(10) === 84 /* T */) {
    const prefix = text.slice(0, 19);
    if (prefix !== parsedPrefix) {
      parsedPrefixMs = Date.parse(`${prefix}Z`);
      parsedPrefix = prefix;
    }
    if (text.length === 20) return parsedPrefixMs;
    if (text.charCodeAt(19) === 46 /* . */) {
      let ms = 0;
      let ok = true;
      for (let i = 20, k = 0; i < text.length - 1; i++, k++) {
        const d = text.charCodeAt(i) - 48;
        if (d < 0 || d > 9 || k >= 9) {
          ok = false;
          break;
        }
        if (k < 3) ms += d * (k === 0 ? 100 : k === 1 ? 10 : 1);
      }
      if (ok && text.length > 21) return parsedPrefixMs + ms;
    }
  }
  const ns = parseRfc3339Nano(text);
  return ns === undefined ? Number.NaN : Number(floorDiv(ns, NS_PER_MS));
}
