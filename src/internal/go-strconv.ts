// Go's strconv.Atoi as dockerd's handlers use it for integer query parameters (resize `h`/`w`):
// an optional sign and decimal digits, 64-bit range, and Go's error texts.
import { InvalidParameterError } from '../errdefs/index.js';

const INT64_MAX = 9223372036854775807n;

/** Parses like Go's strconv.Atoi on a 64-bit platform; an empty or absent value is a syntax error. */
export function goAtoi(value: string): number {
  const quoted = JSON.stringify(value);
  if (!/^[+-]?[0-9]+$/.test(value)) throw new InvalidParameterError(`strconv.Atoi: parsing ${quoted}: invalid syntax`);
  const n = BigInt(value);
  if (n > INT64_MAX || n < -INT64_MAX - 1n) throw new InvalidParameterError(`strconv.Atoi: parsing ${quoted}: value out of range`);
  return Number(n);
}
