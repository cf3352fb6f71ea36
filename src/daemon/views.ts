// Builds the API's views of a container (list summary, inspect) from its record. Pure functions
// of the record, so they are cheap to test. (`docker ps` filters: container-list.ts.)
import { healthJSON, healthText } from '../health/health-state.js';
import { LEGACY_MAC_ADDRESS, type ContainerInspect, type ContainerSummary } from '../api/routers/containers/backend.js';
import { humanDuration } from '../internal/human-duration.js';
import type { MountPoint } from '../api/types/container.js';
import type { ContainerRecord } from './container.js';
import { fillHostConfigDefaults } from './host-config-view.js';
import { summaryPorts } from '../network/port-bindings.js';

/** NetworkSettings as the API shows it (the network area's own sandbox state left out). */
export function networkSettingsView(rec: ContainerRecord): { SandboxID: string; SandboxKey: string; Ports: Record<string, unknown>; Networks: Record<string, unknown> } {
  const ns = rec.networkSettings;
  return { SandboxID: ns?.SandboxID ?? '', SandboxKey: ns?.SandboxKey ?? '', Ports: ns?.Ports ?? {}, Networks: ns?.Networks ?? {} };
}

export function commandText(rec: ContainerRecord): string {
  if (rec.args.length === 0) return rec.path;
  const args = rec.args.map((a) => (a.includes(' ') ? `'${a}'` : a));
  return `${rec.path} ${args.join(' ')}`;
}

export function statusText(rec: ContainerRecord, now = Date.now()): string {
  const s = rec.state;
  switch (s.status) {
    case 'created': return 'Created';
    case 'running': return `Up ${humanDuration(now - Date.parse(s.startedAt))}${s.health ? ` (${healthText(s.health)})` : ''}`;
    case 'paused': return `Up ${humanDuration(now - Date.parse(s.startedAt))} (Paused)`;
    case 'restarting': return `Restarting (${s.exitCode}) ${humanDuration(now - Date.parse(s.finishedAt))} ago`;
    case 'removing': return 'Removal In Progress';
    case 'dead': return 'Dead';
    case 'exited':
      if (s.finishedAt.startsWith('0001-')) return `Exited (${s.exitCode})`;
      return `Exited (${s.exitCode}) ${humanDuration(now - Date.parse(s.finishedAt))} ago`;
  }
}

/** Inspect's and the list's Mounts: the record's mount points without what only berthd needs. */
export function mountsView(rec: ContainerRecord): MountPoint[] {
  return (rec.mountPoints ?? []).map(({ Anonymous: _a, From: _f, Subpath: _s, ImageId: _i, SnapshotKey: _k, ...m }) => m);
}

export function containerSummary(rec: ContainerRecord): ContainerSummary {
  return {
    Id: rec.id,
    Names: [`/${rec.name}`],
    Image: rec.config.Image ?? '',
    ImageID: rec.image,
    Command: commandText(rec),
    Created: Math.floor(Date.parse(rec.created) / 1000),
    Ports: summaryPorts(rec.networkSettings?.Ports ?? {}),
    Labels: rec.config.Labels ?? {},
    State: rec.state.status,
    Status: statusText(rec),
    HostConfig: { NetworkMode: rec.hostConfig.NetworkMode || 'default' },
    NetworkSettings: { Networks: rec.networkSettings?.Networks ?? {} },
    Mounts: mountsView(rec),
  };
}

// Every HostConfig key inspect shows; LogConfig, CgroupnsMode, IpcMode, ShmSize, Runtime and the
// masked/read-only paths get their values from fillHostConfigDefaults.
const HOST_CONFIG_DEFAULTS = {
  Binds: null, ContainerIDFile: '', LogConfig: null, NetworkMode: 'default',
  PortBindings: {}, RestartPolicy: { Name: 'no', MaximumRetryCount: 0 }, AutoRemove: false, VolumeDriver: '',
  VolumesFrom: null, CapAdd: null, CapDrop: null, CgroupnsMode: '', Dns: [], DnsOptions: [], DnsSearch: [],
  ExtraHosts: null, GroupAdd: null, IpcMode: '', Cgroup: '', Links: null, OomScoreAdj: 0, PidMode: '',
  Privileged: false, PublishAllPorts: false, ReadonlyRootfs: false, SecurityOpt: null, UTSMode: '', UsernsMode: '',
  ShmSize: 0, Runtime: '', ConsoleSize: [0, 0], Isolation: '', CpuShares: 0, Memory: 0, NanoCpus: 0,
  CgroupParent: '', BlkioWeight: 0, BlkioWeightDevice: [], BlkioDeviceReadBps: null, BlkioDeviceWriteBps: null,
  BlkioDeviceReadIOps: null, BlkioDeviceWriteIOps: null, CpuPeriod: 0, CpuQuota: 0, CpuRealtimePeriod: 0,
  CpuRealtimeRuntime: 0, CpusetCpus: '', CpusetMems: '', Devices: [], DeviceCgroupRules: null, DeviceRequests: null,
  MemoryReservation: 0, MemorySwap: 0, MemorySwappiness: null,
  OomKillDisable: false, PidsLimit: null, Ulimits: null, CpuCount: 0, CpuPercent: 0, IOMaximumIOps: 0,
  IOMaximumBandwidth: 0, MaskedPaths: null, ReadonlyPaths: null,
};

/**
 * `execIds`: the container's exec instances that have not exited. dockerd lists an exec from its
 * create until its process ends, and forgets them all when the container stops.
 */
export function containerInspect(rec: ContainerRecord, execIds: readonly string[] = []): ContainerInspect {
  const s = rec.state;
  const hostConfig: Record<string, unknown> = { ...HOST_CONFIG_DEFAULTS };
  for (const [k, v] of Object.entries(rec.hostConfig)) if (v !== undefined) hostConfig[k] = v;
  fillHostConfigDefaults(hostConfig);
  // 1.42: KernelMemory/KernelMemoryTCP omitted unless set (older versions: containers/shape.ts).
  for (const k of ['KernelMemory', 'KernelMemoryTCP']) if (!hostConfig[k]) delete hostConfig[k];
  // A client may have sent RestartPolicy null (Go: the zero policy).
  const rp = (hostConfig.RestartPolicy ?? {}) as { Name?: string; MaximumRetryCount?: number };
  hostConfig.RestartPolicy = { Name: rp.Name || 'no', MaximumRetryCount: rp.MaximumRetryCount ?? 0 };
  const cfg = rec.config;
  return {
    Id: rec.id,
    Created: rec.created,
    Path: rec.path,
    Args: rec.args,
    State: {
      Status: s.status,
      Running: s.status === 'running' || s.status === 'paused',
      Paused: s.status === 'paused',
      Restarting: s.status === 'restarting',
      OOMKilled: s.oomKilled,
      Dead: s.status === 'dead',
      Pid: s.pid,
      ExitCode: s.exitCode,
      Error: s.error,
      StartedAt: s.startedAt,
      FinishedAt: s.finishedAt,
      ...(s.health ? { Health: healthJSON(s.health) } : {}),
    },
    Image: rec.image,
    // dockerd sets these on the first start (initializeNetworking, buildSandboxOptions,
    // StartLogger): a container never started shows them empty.
    ResolvConfPath: rec.hasBeenStartedBefore ? rec.resolvConfPath : '',
    HostnamePath: rec.hasBeenStartedBefore ? rec.hostnamePath : '',
    HostsPath: rec.hasBeenStartedBefore ? rec.hostsPath : '',
    LogPath: rec.hasBeenStartedBefore ? rec.logPath : '',
    Name: `/${rec.name}`,
    RestartCount: rec.restartCount,
    Driver: 'overlayfs',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: execIds.length > 0 ? [...execIds] : null,
    HostConfig: hostConfig,
    GraphDriver: { Data: null, Name: 'overlayfs' },
    Mounts: mountsView(rec),
    Config: {
      Hostname: cfg.Hostname ?? '',
      Domainname: cfg.Domainname ?? '',
      User: cfg.User ?? '',
      AttachStdin: cfg.AttachStdin ?? false,
      AttachStdout: cfg.AttachStdout ?? false,
      AttachStderr: cfg.AttachStderr ?? false,
      ...(cfg.ExposedPorts ? { ExposedPorts: cfg.ExposedPorts } : {}),
      Tty: cfg.Tty ?? false,
      OpenStdin: cfg.OpenStdin ?? false,
      StdinOnce: cfg.StdinOnce ?? false,
      Env: cfg.Env ?? null,
      Cmd: cfg.Cmd ?? null,
      ...(cfg.Healthcheck ? { Healthcheck: cfg.Healthcheck } : {}),
      // The omitempty fields of dockerd's container.Config, in its order: shown when set.
      ...(cfg.ArgsEscaped ? { ArgsEscaped: true } : {}),
      Image: cfg.Image ?? '',
      Volumes: cfg.Volumes ?? null,
      WorkingDir: cfg.WorkingDir ?? '',
      Entrypoint: cfg.Entrypoint ?? null,
      ...(cfg.NetworkDisabled ? { NetworkDisabled: true } : {}),
      // Config.MacAddress (container-wide, gone in 1.52) and an empty OnBuild (omitted from 1.52)
      // are added back for older versions by containers/shape.ts from the record's config.
      ...(cfg.OnBuild && cfg.OnBuild.length > 0 ? { OnBuild: cfg.OnBuild } : {}),
      Labels: cfg.Labels ?? {},
      ...(cfg.StopSignal ? { StopSignal: cfg.StopSignal } : {}),
      ...(cfg.StopTimeout !== undefined && cfg.StopTimeout !== null ? { StopTimeout: cfg.StopTimeout } : {}),
      ...(cfg.Shell && cfg.Shell.length > 0 ? { Shell: cfg.Shell } : {}),
    },
    // The 1.52 shape: the fields deprecated in 1.21 (Bridge, IPAddress, ...) are shape.ts's.
    NetworkSettings: networkSettingsView(rec),
    // The container-wide MAC address a client set (Config.MacAddress before 1.52), beside the
    // response as dockerd's ContainerInspect returns desiredMACAddress; shape.ts moves or drops it.
    ...(cfg.MacAddress ? { [LEGACY_MAC_ADDRESS]: cfg.MacAddress } : {}),
  };
}
