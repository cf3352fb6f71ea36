// The classic builder's cache: a step's result is an existing image whose parent is the current
// image and whose container_config (the step's command, with COPY/ADD source checksums and build
// args in it, plus the config it ran with) is the same (dockerd's imageCache.GetCache).
import type { ContainerConfig } from '../api/types/container.js';
import type { ImageStore } from '../image/image-store.js';
import type { ImageRecord } from '../image/types.js';

/** The fields dockerd's compare() looks at, in a canonical form. */
function key(c: ContainerConfig | null | undefined): string {
  const v = c ?? {};
  const sortObj = (o: unknown): unknown => (o && typeof o === 'object' && !Array.isArray(o)
    ? Object.fromEntries(Object.keys(o as object).sort().map((k) => [k, (o as Record<string, unknown>)[k]]))
    : o);
  return JSON.stringify([
    v.Cmd ?? null, v.Entrypoint ?? null, v.Env ?? [], sortObj(v.Labels ?? {}), sortObj(v.ExposedPorts ?? {}),
    sortObj(v.Volumes ?? {}), v.WorkingDir ?? '', v.User ?? '', v.Shell ?? null, v.OnBuild ?? null, v.StopSignal ?? '',
    v.Healthcheck ?? null,
  ]);
}

/**
 * With --cache-from, only those images and their ancestors are cache sources (none when none of
 * them exists), as dockerd's cache-from cache.
 */
export function cacheFromSet(store: ImageStore, refs: string[]): Set<string> {
  const allowed = new Set<string>();
  for (const ref of refs) {
    let img: ImageRecord | undefined;
    try { img = store.resolve(ref); } catch { continue; }
    while (img && !allowed.has(img.id)) {
      allowed.add(img.id);
      img = img.parent ? store.get(img.parent) : undefined;
    }
  }
  return allowed;
}

export function findCachedImage(store: ImageStore, parentId: string | undefined, containerConfig: ContainerConfig, allowed?: Set<string>): ImageRecord | undefined {
  const want = key(containerConfig);
  const candidates = parentId ? store.children(parentId) : store.list().filter((i) => !i.parent);
  let best: ImageRecord | undefined;
  for (const img of candidates) {
    if (allowed && !allowed.has(img.id)) continue;
    if (key(img.config.container_config) !== want) continue;
    // the newest match, as dockerd picks
    if (!best || (Date.parse(img.created) || 0) > (Date.parse(best.created) || 0)) best = img;
  }
  return best;
}
