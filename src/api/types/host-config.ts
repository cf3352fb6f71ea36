// The typed part of the Engine API's HostConfig (v1.41) that berthd maps onto the OCI spec:
// resources, mounts, security and namespace settings. Field names are the API's.

/** Go's units.Ulimit: a field the client leaves out is its zero value (the API docs' examples send `{}`). */
export interface Ulimit { Name?: string; Soft?: number; Hard?: number }

export interface DeviceMapping { PathOnHost: string; PathInContainer: string; CgroupPermissions: string }

export interface WeightDevice { Path: string; Weight: number }
export interface ThrottleDevice { Path: string; Rate: number }

/** HostConfig's embedded Resources: the part `docker update` may change. */
export interface Resources {
  CpuShares?: number;
  Memory?: number;
  NanoCpus?: number;
  CgroupParent?: string;
  BlkioWeight?: number;
  BlkioWeightDevice?: WeightDevice[] | null;
  BlkioDeviceReadBps?: ThrottleDevice[] | null;
  BlkioDeviceWriteBps?: ThrottleDevice[] | null;
  BlkioDeviceReadIOps?: ThrottleDevice[] | null;
  BlkioDeviceWriteIOps?: ThrottleDevice[] | null;
  CpuPeriod?: number;
  CpuQuota?: number;
  CpuRealtimePeriod?: number;
  CpuRealtimeRuntime?: number;
  CpusetCpus?: string;
  CpusetMems?: string;
  Devices?: DeviceMapping[] | null;
  DeviceCgroupRules?: string[] | null;
  KernelMemory?: number;
  KernelMemoryTCP?: number;
  MemoryReservation?: number;
  MemorySwap?: number;
  MemorySwappiness?: number | null;
  OomKillDisable?: boolean | null;
  PidsLimit?: number | null;
  Ulimits?: Ulimit[] | null;
  CpuCount?: number;
  CpuPercent?: number;
  IOMaximumIOps?: number;
  IOMaximumBandwidth?: number;
}

/** Body of POST /containers/{id}/update. */
export interface ContainerUpdateBody extends Resources {
  RestartPolicy?: { Name: '' | 'no' | 'always' | 'unless-stopped' | 'on-failure'; MaximumRetryCount?: number };
}

export interface MountSpec {
  Type?: 'bind' | 'volume' | 'tmpfs' | 'npipe' | string;
  Source?: string;
  Target?: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: {
    Propagation?: string; NonRecursive?: boolean; CreateMountpoint?: boolean;
    ReadOnlyNonRecursive?: boolean; ReadOnlyForceRecursive?: boolean;
  } | null;
  VolumeOptions?: object | null;
  ImageOptions?: { Subpath?: string } | null;
  TmpfsOptions?: { SizeBytes?: number; Mode?: number } | null;
}

export interface HostConfigSettings extends Resources {
  Mounts?: MountSpec[] | null;
  Tmpfs?: Record<string, string> | null;
  ReadonlyRootfs?: boolean;
  CapAdd?: string[] | null;
  CapDrop?: string[] | null;
  SecurityOpt?: string[] | null;
  ShmSize?: number;
  Sysctls?: Record<string, string> | null;
  GroupAdd?: string[] | null;
  IpcMode?: string;
  PidMode?: string;
  UTSMode?: string;
  CgroupnsMode?: string;
  ExtraHosts?: string[] | null;
  Dns?: string[] | null;
  DnsSearch?: string[] | null;
  DnsOptions?: string[] | null;
  OomScoreAdj?: number;
  PublishAllPorts?: boolean;
  Links?: string[] | null;
  VolumesFrom?: string[] | null;
}
