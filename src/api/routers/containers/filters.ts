// Parses the `filters` query parameter in both encodings Docker clients use:
// {"name":["a","b"]} and the older {"name":{"a":true,"b":true}}.
import { InvalidParameterError } from '../../../errdefs/index.js';
import { goUnmarshalError } from '../../../internal/go-json-error.js';

export function parseFilters(raw: string | undefined): Record<string, string[]> {
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    // moby 23+ (filters.FromJSON): "invalid filter: " and json.Unmarshal's error
    throw new InvalidParameterError(`invalid filter: ${goUnmarshalError(raw) ?? (err as Error).message}`, { cause: err });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidParameterError(`invalid filter '${raw}'`);
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (Array.isArray(value)) out[key] = value.map(String);
    else if (value && typeof value === 'object') out[key] = Object.entries(value as Record<string, unknown>).filter(([, v]) => v).map(([k]) => k);
    else throw new InvalidParameterError(`invalid filter '${raw}'`);
  }
  return out;
}
