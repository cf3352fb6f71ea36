// `docker system df`: images (with container counts and shared sizes), containers (with SizeRw and
// SizeRootFs), volumes (from whoever owns them) and the build cache (none kept yet), with dockerd's
// per-type counts (daemon/disk_usage.go).
import type { DiskUsage, DiskUsageBackend, DiskUsageType, UsageOf } from '../api/routers/system/df-backend.js';
import type { ContainerSummary } from '../api/routers/containers/backend.js';
import type { VolumeInfo } from '../api/routers/volumes/backend.js';
import type { ImageService } from './image-service.js';

export interface DiskUsageDeps {
  images: ImageService;
  /** every container, with sizes */
  containers: () => Promise<ContainerSummary[]>;
  /** every volume with its UsageData */
  volumes?: () => Promise<VolumeInfo[]>;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

export class DiskUsageService implements DiskUsageBackend {
  constructor(private readonly deps: DiskUsageDeps) {}

  async systemDiskUsage(types: ReadonlySet<DiskUsageType>): Promise<DiskUsage> {
    const out: DiskUsage = {};
    if (types.has('image')) out.ImageUsage = this.imageUsage();
    if (types.has('container')) out.ContainerUsage = containerUsage(await this.deps.containers());
    if (types.has('volume')) out.VolumeUsage = volumeUsage(await (this.deps.volumes?.() ?? Promise.resolve([])));
    if (types.has('build-cache')) out.BuildCacheUsage = { ActiveCount: 0, TotalCount: 0, Reclaimable: 0, TotalSize: 0, Items: [] };
    return out;
  }

  private imageUsage(): UsageOf<Record<string, unknown>> {
    const { LayersSize, Images } = this.deps.images.diskUsage();
    let active = 0, reclaimable = 0;
    for (const img of Images) {
      const [containers, size, shared] = [num(img.Containers), num(img.Size), num(img.SharedSize)];
      if (containers > 0) active++;
      else if (img.Containers === 0 && size !== -1 && shared !== -1) reclaimable += size - shared;
    }
    return { ActiveCount: active, TotalCount: Images.length, Reclaimable: reclaimable, TotalSize: LayersSize, Items: Images };
  }
}

/** Running, paused and restarting containers are active; the others' SizeRw is reclaimable. */
function containerUsage(containers: ContainerSummary[]): UsageOf<Record<string, unknown>> {
  let active = 0, total = 0, reclaimable = 0;
  for (const c of containers) {
    total += num(c.SizeRw);
    if (['running', 'paused', 'restarting'].includes(String(c.State))) active++;
    else reclaimable += num(c.SizeRw);
  }
  return { ActiveCount: active, TotalCount: containers.length, Reclaimable: reclaimable, TotalSize: total, Items: containers };
}

function volumeUsage(volumes: VolumeInfo[]): UsageOf<Record<string, unknown>> {
  let active = 0, total = 0, reclaimable = 0;
  for (const v of volumes) {
    const usage: { Size?: number; RefCount?: number } = v.UsageData ?? {};
    const size = usage.Size ?? -1;
    active++;
    if (size === -1) continue;
    total += size;
    if (usage.RefCount === 0) { reclaimable += size; active--; }
  }
  return { ActiveCount: active, TotalCount: volumes.length, Reclaimable: reclaimable, TotalSize: total, Items: volumes.map((v) => ({ ...v })) };
}
