// What `GET /system/df` needs: disk usage of images, containers, volumes and the build cache, in the
// newest (1.52+) form: per-type counts and sizes with their items. df-shape.ts derives the legacy
// top-level lists (LayersSize, Images, Containers, Volumes, BuildCache) older versions get.

export interface UsageOf<T> {
  ActiveCount: number;
  TotalCount: number;
  Reclaimable: number;
  TotalSize: number;
  Items: T[];
}

export type DiskUsageType = 'container' | 'image' | 'volume' | 'build-cache';

export interface DiskUsage {
  ImageUsage?: UsageOf<Record<string, unknown>>;
  ContainerUsage?: UsageOf<Record<string, unknown>>;
  VolumeUsage?: UsageOf<Record<string, unknown>>;
  BuildCacheUsage?: UsageOf<Record<string, unknown>>;
}

export interface DiskUsageBackend {
  /** Computes the usage of the given object types only. */
  systemDiskUsage(types: ReadonlySet<DiskUsageType>, signal: AbortSignal): Promise<DiskUsage>;
}
