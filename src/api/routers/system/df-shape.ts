// Per-version shaping of GET /system/df (dockerd's system_routes.go getDiskUsage). The backend gives
// the 1.52+ per-type usage; before 1.52 the answer is the legacy lists, and 1.52+ sends both unless
// `verbose` is set (dockerd keeps the legacy fields for clients that use the unversioned API).
import { InvalidParameterError } from '../../../errdefs/index.js';
import { withKeysAfter } from '../../../internal/object-keys.js';
import { versionLt } from '../../../internal/version.js';
import type { DiskUsage, DiskUsageType } from './df-backend.js';

const ALL_TYPES: readonly DiskUsageType[] = ['container', 'image', 'volume', 'build-cache'];

/** `type` (1.42, repeatable) selects the object types; before 1.42, or without it, all of them. */
export function diskUsageTypes(values: string[], version: string): Set<DiskUsageType> {
  if (versionLt(version, '1.42') || values.length === 0) return new Set(ALL_TYPES);
  const out = new Set<DiskUsageType>();
  for (const v of values) {
    if (!(ALL_TYPES as readonly string[]).includes(v)) throw new InvalidParameterError(`unknown object type: ${v}`);
    out.add(v as DiskUsageType);
  }
  return out;
}

/** An image of the legacy `Images` list: <none> placeholders before 1.43, VirtualSize before 1.44. */
function legacyImage(img: Record<string, unknown>, version: string): Record<string, unknown> {
  let out = img;
  if (versionLt(version, '1.44')) out = withKeysAfter(out, 'SharedSize', { VirtualSize: img.Size });
  const none = (v: unknown): boolean => !Array.isArray(v) || v.length === 0;
  if (versionLt(version, '1.43') && none(img.RepoTags) && none(img.RepoDigests)) {
    out = { ...out, RepoTags: ['<none>:<none>'], RepoDigests: ['<none>@<none>'] };
  }
  return out;
}

function legacyFields(du: DiskUsage, version: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (du.ImageUsage) {
    out.LayersSize = du.ImageUsage.TotalSize;
    out.Images = du.ImageUsage.Items.map((i) => legacyImage(i, version));
  }
  if (du.ContainerUsage) out.Containers = du.ContainerUsage.Items;
  if (du.VolumeUsage) out.Volumes = du.VolumeUsage.Items;
  // BuildCache appeared in 1.31.
  if (du.BuildCacheUsage && !versionLt(version, '1.31')) out.BuildCache = du.BuildCacheUsage.Items;
  return out;
}

/** Items are omitted when empty (omitempty in dockerd's types). */
function usage<T>(u: { Items: T[] } | undefined): Record<string, unknown> | undefined {
  if (!u) return undefined;
  const { Items, ...counts } = u;
  return Items.length > 0 ? { ...counts, Items } : counts;
}

export function shapeDiskUsage(du: DiskUsage, version: string, verbose: boolean): Record<string, unknown> {
  if (versionLt(version, '1.52')) return legacyFields(du, version);
  const out: Record<string, unknown> = verbose ? {} : legacyFields(du, version);
  for (const [k, u] of [['ImageUsage', du.ImageUsage], ['ContainerUsage', du.ContainerUsage], ['VolumeUsage', du.VolumeUsage], ['BuildCacheUsage', du.BuildCacheUsage]] as const) {
    const shaped = usage(u);
    if (shaped) out[k] = shaped;
  }
  return out;
}
