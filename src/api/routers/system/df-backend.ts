// What `GET /system/df` needs: disk usage of images, containers, volumes and the build cache.
export interface DiskUsage {
  LayersSize: number;
  Images: Array<Record<string, unknown>>;
  Containers: Array<Record<string, unknown>>;
  Volumes: Array<Record<string, unknown>>;
  BuildCache: Array<Record<string, unknown>>;
}

export interface DiskUsageBackend {
  systemDiskUsage(signal: AbortSignal): Promise<DiskUsage>;
}
