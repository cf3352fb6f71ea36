// Per-version shaping of GET /system/df (dockerd's system_routes.go getDiskUsage). The backend gives
// the 1.52+ per-type usage; before 1.52 the answer is the legacy lists, and 1.52+ sends both unless
// `verbose` is set (dockerd keeps the legacy fields for clients that use the unversioned API).
import { InvalidParameterError } from '../../../errdefs/index.js';
import { withKeysAfter } from '../../../internal/object-keys.js';
import { versionLt } from '../../../internal/version.js';
import type { DiskUsage, DiskUsageType } from './df-backend.js';
import { withShapedEndpoints } from '../containers/endpoint-shape.js';

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

/**
 * An image of the legacy `Images` list: <none> placeholders before 1.43, VirtualSize before 1.44.
 * Before 1.43 an empty RepoTags/RepoDigests is a nil list (null), as dockerd's image summaries
 * were; 1.43 made them empty arrays (image_routes.go: `useNone`).
 */
export function legacyImage(img: Record<string, unknown>, version: string): Record<string, unknown> {
  let out = img;
  if (versionLt(version, '1.44')) out = withKeysAfter(out, 'SharedSize', { VirtualSize: img.Size });
  const none = (v: unknown): boolean => !Array.isArray(v) || v.length === 0;
  if (versionLt(version, '1.43')) {
    if (none(img.RepoTags) && none(img.RepoDigests)) out = { ...out, RepoTags: ['<none>:<none>'], RepoDigests: ['<none>@<none>'] };
    else out = { ...out, RepoTags: none(img.RepoTags) ? null : img.RepoTags, RepoDigests: none(img.RepoDigests) ? null : img.RepoDigests };
  }
  return out;
}

/** A container of the df lists: SizeRw and SizeRootFs are omitted when 0 (`omitempty` in container.Summary). */
export function dfContainer(c: Record<string, unknown>): Record<string, unknown> {
  if (c.SizeRw !== 0 && c.SizeRootFs !== 0) return c;
  const out = { ...c };
  if (out.SizeRw === 0) delete out.SizeRw;
  if (out.SizeRootFs === 0) delete out.SizeRootFs;
  return out;
}

function legacyFields(du: DiskUsage, version: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (du.ImageUsage) {
    out.LayersSize = du.ImageUsage.TotalSize;
    out.Images = du.ImageUsage.Items.map((i) => legacyImage(i, version));
  }
  if (du.ContainerUsage) out.Containers = du.ContainerUsage.Items.map((c) => dfContainer(withShapedEndpoints(c, version)));
  if (du.VolumeUsage) out.Volumes = du.VolumeUsage.Items;
  // BuildCache appeared in 1.31.
  if (du.BuildCacheUsage && !versionLt(version, '1.31')) out.BuildCache = du.BuildCacheUsage.Items;
  // BuilderSize: 1.31 to 1.41 (CHANGELOG v1.42 removed it); berthd has no build cache yet, so 0.
  if (du.BuildCacheUsage && !versionLt(version, '1.31') && versionLt(version, '1.42')) out.BuilderSize = du.BuildCacheUsage.TotalSize;
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
  const containers = du.ContainerUsage && { ...du.ContainerUsage, Items: du.ContainerUsage.Items.map(dfContainer) };
  for (const [k, u] of [['ImageUsage', du.ImageUsage], ['ContainerUsage', containers], ['VolumeUsage', du.VolumeUsage], ['BuildCacheUsage', du.BuildCacheUsage]] as const) {
    const shaped = usage(u);
    if (shaped) out[k] = shaped;
  }
  return out;
}
