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

export function findCachedImage(store: ImageStore, parentId: string | undefined, containerConfig: ContainerConfig): ImageRecord | undefined {
  const want = key(containerConfig);
  const candidates = parentId ? store.children(parentId) : store.list().filter((i) => !i.parent);
  let best: ImageRecord | undefined;
  for (const img of candidates) {
    if (key(img.config.container_config) !== want) continue;
    // the newest match, as dockerd picks
    if (!best || (Date.parse(img.created) || 0) > (Date.parse(best.created) || 0)) best = img;
  }
  return best;
}
