// `docker system df`: images (with container counts and shared sizes), containers (with SizeRw and
// SizeRootFs), volumes (from whoever owns them) and the build cache (none kept yet).
import type { DiskUsage, DiskUsageBackend } from '../api/routers/system/df-backend.js';
import type { ContainerSummary } from '../api/routers/containers/backend.js';
import type { ImageService } from './image-service.js';

export interface DiskUsageDeps {
  images: ImageService;
  /** every container, with sizes */
  containers: () => Promise<ContainerSummary[]>;
  volumes?: () => Promise<Array<Record<string, unknown>>>;
}

export class DiskUsageService implements DiskUsageBackend {
  constructor(private readonly deps: DiskUsageDeps) {}

  async systemDiskUsage(): Promise<DiskUsage> {
    const { LayersSize, Images } = this.deps.images.diskUsage();
    const [Containers, Volumes] = await Promise.all([this.deps.containers(), this.deps.volumes?.() ?? Promise.resolve([])]);
    return { LayersSize, Images, Containers, Volumes, BuildCache: [] };
  }
}
