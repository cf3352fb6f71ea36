// Key-order-preserving edits of JSON objects, for per-version shaping: an older version gets a
// removed field back where dockerd's struct had it, so its clients see the byte layout they always saw.

/** A copy of `obj` with `extra` inserted right after key `after` (at the end when `after` is absent). */
export function withKeysAfter<T extends Record<string, unknown>>(obj: T, after: string, extra: Record<string, unknown>): Record<string, unknown> {
  if (!(after in obj)) return { ...obj, ...extra };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k in extra) continue;
    out[k] = v;
    if (k === after) Object.assign(out, extra);
  }
  return out;
}

/** A copy of `obj` without `keys`. */
export function withoutKeys<T extends Record<string, unknown>>(obj: T, ...keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...obj };
  for (const k of keys) delete out[k];
  return out;
}
