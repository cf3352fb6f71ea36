// What the volumes router needs (/volumes, /volumes/create, /volumes/{name}, /volumes/prune), in
// the newest shape; shape.ts derives older versions' bodies.

/** dockerd's volume.Volume. UsageData only where it is asked for (system df). */
export interface VolumeInfo {
  CreatedAt: string;
  Driver: string;
  Labels: Record<string, string> | null;
  Mountpoint: string;
  Name: string;
  Options: Record<string, string> | null;
  Scope: 'local';
  Status?: Record<string, unknown>;
  UsageData?: { Size: number; RefCount: number };
}

export interface VolumeListResult {
  Volumes: VolumeInfo[];
  Warnings: string[] | null;
}

export interface VolumeCreateRequest {
  /** '' generates a 64-hex name */
  Name: string;
  Driver: string;
  DriverOpts: Record<string, string> | null;
  Labels: Record<string, string> | null;
}

export interface VolumePruneOptions {
  /** API 1.42+: without the `all` filter only anonymous volumes go */
  anonymousOnly: boolean;
  /** the `all` filter is known (1.42+) */
  allowAll: boolean;
}

export interface VolumePruneResult {
  VolumesDeleted: string[];
  SpaceReclaimed: number;
}

export interface VolumeBackend {
  volumeList(filters: Record<string, string[]>): Promise<VolumeListResult>;
  volumeCreate(req: VolumeCreateRequest): Promise<VolumeInfo>;
  volumeInspect(name: string): Promise<VolumeInfo>;
  /** `force`: a missing volume is not an error */
  volumeRemove(name: string, options: { force: boolean }): Promise<void>;
  volumesPrune(filters: Record<string, string[]>, options: VolumePruneOptions, signal: AbortSignal): Promise<VolumePruneResult>;
}
