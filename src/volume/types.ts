// The volume area's own data: what is persisted per volume and what a container asks for when it
// needs a volume (the API's shapes are the volumes router's, api/routers/volumes/backend.ts).

/** `<data-root>/volumes/<name>/volume.json`, written atomically. */
export interface VolumeMeta {
  name: string;
  driver: string;
  labels: Record<string, string>;
  options: Record<string, string>;
  createdAt: string;
}

export interface VolumeCreateOptions {
  /** '' generates a 64-hex name */
  name: string;
  driver?: string;
  driverOpts?: Record<string, string> | null;
  labels?: Record<string, string> | null;
}

/** dockerd ≥ 23 marks the volumes it creates for a container's anonymous mounts with this label. */
export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';
