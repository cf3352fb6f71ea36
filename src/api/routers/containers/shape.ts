// Per-version shaping of container responses (newest shape in, older shape out), and of requests.
// Versions follow the API reference docs (reference/api/v1.x.md) and dockerd 20.10's
// containerInspectPre120/containerInspect120. List and inspect are hot paths: clients of a version
// with the newest shape get the backend's object itself, not a copy.
import { InvalidParameterError } from '../../../errdefs/index.js';
import { withKeysAfter } from '../../../internal/object-keys.js';
import { versionGte, versionLt } from '../../../internal/version.js';
import type { ContainerCreateBody } from '../../types/container.js';
import type { ContainerUpdateBody } from '../../types/host-config.js';
import { LEGACY_MAC_ADDRESS, type ContainerInspect, type ContainerSummary } from './backend.js';
import { MULTIPLEXED_STREAM, RAW_STREAM } from '../hijacked-stream.js';
import { withLegacyAliases, withShapedEndpoints } from './endpoint-shape.js';

export function shapeSummary(s: ContainerSummary, version: string): Record<string, unknown> {
  if (!versionLt(version, '1.48')) return s;
  s = withShapedEndpoints(s, version);
  if (!versionLt(version, '1.46')) return s;
  const hc = s.HostConfig as Record<string, unknown> | undefined;
  // HostConfig.Annotations in the list: 1.46.
  if (hc && 'Annotations' in hc) { const { Annotations: _, ...rest } = hc; s = { ...s, HostConfig: rest }; }
  if (!versionLt(version, '1.23')) return s;
  // State, Mounts (1.23); NetworkSettings, HostConfig (1.22); ImageID (1.21); Labels (1.18)
  const out: Record<string, unknown> = { ...s };
  delete out.State; delete out.Mounts;
  if (versionLt(version, '1.22')) { delete out.NetworkSettings; delete out.HostConfig; }
  if (versionLt(version, '1.21')) delete out.ImageID;
  if (versionLt(version, '1.18')) delete out.Labels;
  return out;
}

interface InspectMount { Source?: string; Destination?: string; RW?: boolean }

/**
 * NetworkSettings before 1.52: dockerd 20.10's order, with the fields deprecated in 1.21 filled
 * from the default bridge network's endpoint (empty on other networks, as dockerd).
 */
function networkSettingsPre152(ns: Record<string, unknown>): Record<string, unknown> {
  const bridge = ((ns.Networks ?? {}) as Record<string, Record<string, unknown> | undefined>).bridge ?? {};
  const f = <T>(k: string, d: T): T => (bridge[k] as T | undefined) ?? d;
  return {
    Bridge: '', SandboxID: ns.SandboxID ?? '', HairpinMode: false, LinkLocalIPv6Address: '', LinkLocalIPv6PrefixLen: 0,
    Ports: ns.Ports ?? {}, SandboxKey: ns.SandboxKey ?? '', SecondaryIPAddresses: null, SecondaryIPv6Addresses: null,
    EndpointID: f('EndpointID', ''), Gateway: f('Gateway', ''), GlobalIPv6Address: f('GlobalIPv6Address', ''),
    GlobalIPv6PrefixLen: f('GlobalIPv6PrefixLen', 0), IPAddress: f('IPAddress', ''), IPPrefixLen: f('IPPrefixLen', 0),
    IPv6Gateway: f('IPv6Gateway', ''), MacAddress: f('MacAddress', ''), Networks: ns.Networks ?? {},
  };
}

/**
 * Inspect from the newest shape down. 1.52 removed NetworkSettings' deprecated fields, the
 * container-wide Config.MacAddress and HostConfig.KernelMemoryTCP, and omits an empty OnBuild;
 * 1.42 omits KernelMemory/KernelMemoryTCP when not set (they were always there before).
 */
export function shapeInspect(c: ContainerInspect, version: string): Record<string, unknown> {
  const mac = c[LEGACY_MAC_ADDRESS];
  if (versionGte(version, '1.52') && mac === undefined) return c;
  let top: Record<string, unknown> = { ...c };
  delete top[LEGACY_MAC_ADDRESS];
  if (versionGte(version, '1.52')) return top;
  top.NetworkSettings = networkSettingsPre152((c.NetworkSettings ?? {}) as Record<string, unknown>);
  top = withLegacyAliases(withShapedEndpoints(top, version), version);
  let cfg = { ...(c.Config as Record<string, unknown> | undefined) };
  // dockerd 20.10's order: ..., Entrypoint, NetworkDisabled?, MacAddress?, OnBuild, Labels
  const before = 'NetworkDisabled' in cfg ? 'NetworkDisabled' : 'Entrypoint';
  if (!('OnBuild' in cfg)) cfg = withKeysAfter(cfg, before, { OnBuild: null });
  if (typeof mac === 'string') cfg = withKeysAfter(cfg, before, { MacAddress: mac });
  if (c.Config !== undefined) top.Config = cfg;
  if (versionLt(version, '1.42') && top.HostConfig) {
    const hc = top.HostConfig as Record<string, unknown>;
    top.HostConfig = withKeysAfter(hc, 'DeviceRequests', { KernelMemory: hc.KernelMemory ?? 0, KernelMemoryTCP: hc.KernelMemoryTCP ?? 0 });
  }
  if (!versionLt(version, '1.25')) return top;
  return inspectPre125(top, version);
}

/**
 * Before 1.25. Platform, State.Status and State.Dead stay: dockerd 20.10 sends them at every
 * version and the CHANGELOG never says they were added (the old docs' examples just lack them).
 * ExecDriver is the v1.12–v1.21 docs' shape (dockerd 20.10 no longer sends it: allowlisted).
 */
function inspectPre125(c: Record<string, unknown>, version: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...c };
  const config = { ...(out.Config as Record<string, unknown> | undefined) };
  const hostConfig = (out.HostConfig as Record<string, unknown> | undefined) ?? {};
  if (versionLt(version, '1.22')) out.ExecDriver = 'native-0.2';
  if (versionLt(version, '1.21')) {
    // `size` on inspect: 1.21 (CHANGELOG); dockerd's v1.20 and older inspect ignores it.
    delete out.SizeRw; delete out.SizeRootFs;
    out.NetworkSettings = networkSettingsPre121(out.NetworkSettings as Record<string, unknown> | undefined);
  }
  if (versionLt(version, '1.20')) {
    // Before 1.20 mounts were reported as Volumes/VolumesRW maps keyed by destination, and the
    // resource settings were part of Config as well.
    const mounts = (out.Mounts as InspectMount[] | undefined) ?? [];
    out.Volumes = Object.fromEntries(mounts.map((m) => [m.Destination ?? '', m.Source ?? '']));
    out.VolumesRW = Object.fromEntries(mounts.map((m) => [m.Destination ?? '', m.RW ?? true]));
    delete out.Mounts;
    config.Memory = hostConfig.Memory ?? 0;
    config.MemorySwap = hostConfig.MemorySwap ?? 0;
    config.CpuShares = hostConfig.CpuShares ?? 0;
    config.Cpuset = hostConfig.CpusetCpus ?? '';
  }
  if (versionLt(version, '1.21')) {
    config.VolumeDriver = hostConfig.VolumeDriver ?? '';
    // Before 1.21 these Config fields were always present (the docs' examples; dockerd's v1p19/v1p20
    // ContainerConfig), where the current shape omits them when empty.
    config.MacAddress ??= '';
    config.NetworkDisabled ??= false;
    config.ExposedPorts ??= null;
  }
  if (out.Config !== undefined) out.Config = config;
  return out;
}

/**
 * NetworkSettings before 1.21 (dockerd's getBackwardsCompatibleNetworkSettings): no Networks
 * (1.21), and the container's own port map, null when it has none (the docs' `"Ports": null`),
 * where the current shape always has an object.
 */
function networkSettingsPre121(ns: Record<string, unknown> | undefined): Record<string, unknown> {
  const { Networks: _, ...out } = ns ?? {};
  const ports = out.Ports as Record<string, unknown> | null | undefined;
  if (!ports || Object.keys(ports).length === 0) out.Ports = null;
  return out;
}

/**
 * A create body as the version's clients meant it (dockerd's postContainersCreate): fields a version
 * did not have are ignored, and the container-wide MAC address is refused from 1.52 (a warning from 1.44).
 */
export function shapeCreateRequest(body: ContainerCreateBody, version: string): { body: ContainerCreateBody; warnings: string[] } {
  const out: ContainerCreateBody = { ...body };
  const warnings: string[] = [];
  const hc = out.HostConfig ? { ...out.HostConfig } as Record<string, unknown> : undefined;
  if (hc) {
    // ConsoleSize is honoured from 1.42 (Linux dockerd ignored it before).
    if (versionLt(version, '1.42')) delete hc.ConsoleSize;
    // KernelMemory is ignored from 1.42, KernelMemoryTCP from 1.52.
    if (versionGte(version, '1.42')) delete hc.KernelMemory;
    if (versionGte(version, '1.52')) delete hc.KernelMemoryTCP;
    // HostConfig.Annotations: 1.43.
    if (versionLt(version, '1.43')) delete hc.Annotations;
    // VolumeOptions.Subpath: 1.45 (dockerd refuses it from older clients rather than mount the whole volume).
    if (versionLt(version, '1.45') && Array.isArray(hc.Mounts)
      && (hc.Mounts as Array<{ VolumeOptions?: { Subpath?: string } | null } | null>).some((m) => m?.VolumeOptions?.Subpath)) {
      throw new InvalidParameterError('VolumeOptions.Subpath needs API v1.45 or newer');
    }
    type M = { Type?: string; BindOptions?: Record<string, unknown> | null; VolumeOptions?: unknown; TmpfsOptions?: unknown } | null;
    if (Array.isArray(hc.Mounts) && versionLt(version, '1.42')) {
      // CreateMountpoint is 1.42's; options of another type were not checked before 1.42: dropped
      hc.Mounts = (hc.Mounts as M[]).map((m) => {
        if (!m) return m;
        const { VolumeOptions, TmpfsOptions, BindOptions, ...rest } = m;
        return {
          ...rest,
          ...(BindOptions ? { BindOptions: { ...BindOptions, CreateMountpoint: false } } : {}),
          ...(VolumeOptions && m.Type === 'volume' ? { VolumeOptions } : {}),
          ...(TmpfsOptions && m.Type === 'tmpfs' ? { TmpfsOptions } : {}),
        };
      }) as typeof hc.Mounts;
    } else if (Array.isArray(hc.Mounts)) {
      for (const m of hc.Mounts as M[]) {
        if (m?.VolumeOptions && m.Type !== 'volume') throw new InvalidParameterError(`VolumeOptions must not be specified on mount type ${JSON.stringify(m.Type ?? '')}`);
        if (m?.BindOptions && m.Type !== 'bind') throw new InvalidParameterError(`BindOptions must not be specified on mount type ${JSON.stringify(m.Type ?? '')}`);
        if (m?.TmpfsOptions && m.Type !== 'tmpfs') throw new InvalidParameterError(`TmpfsOptions must not be specified on mount type ${JSON.stringify(m.Type ?? '')}`);
      }
    }
    const binds = Array.isArray(hc.Mounts) ? (hc.Mounts as Array<{ Type?: string; BindOptions?: Record<string, unknown> | null } | null>) : [];
    // BindOptions.NonRecursive: 1.40; ReadOnlyForceRecursive: 1.44 (refused rather than ignored, as dockerd)
    if (versionLt(version, '1.40')) {
      hc.Mounts = binds.map((m) => (m?.BindOptions ? { ...m, BindOptions: { ...m.BindOptions, NonRecursive: false } } : m)) as typeof hc.Mounts;
    }
    if (versionLt(version, '1.44') && binds.some((m) => m?.Type === 'bind' && m.BindOptions?.ReadOnlyForceRecursive)) {
      throw new InvalidParameterError('BindOptions.ReadOnlyForceRecursive needs API v1.44 or newer');
    }
    if (versionLt(version, '1.48') && Array.isArray(hc.Mounts) && (hc.Mounts as Array<{ Type?: string } | null>).some((m) => m?.Type === 'image')) {
      throw new InvalidParameterError('Mount type "Image" needs API v1.48 or newer');
    }
    out.HostConfig = hc as ContainerCreateBody['HostConfig'];
  }
  // Healthcheck.StartInterval: 1.44.
  if (versionLt(version, '1.44') && out.Healthcheck && typeof out.Healthcheck === 'object') {
    const { StartInterval: _, ...rest } = out.Healthcheck as Record<string, unknown>;
    out.Healthcheck = rest as ContainerCreateBody['Healthcheck'];
  }
  shapeEndpointsConfig(out, version);
  // the container-wide MacAddress: deprecated from 1.44 (a warning), gone from 1.52 (moby 29 no longer
  // decodes it, so it is ignored)
  if (out.MacAddress && versionGte(version, '1.52')) delete out.MacAddress;
  else if (out.MacAddress && versionGte(version, '1.44')) {
    warnings.push('The container-wide MacAddress field is now deprecated. It should be specified in EndpointsConfig instead.');
  }
  // HostConfig.Capabilities existed in 1.40 only (moby refuses it there, ignores it elsewhere)
  if (hc && version === '1.40' && Array.isArray(hc.Capabilities) && hc.Capabilities.length > 0) {
    throw new InvalidParameterError('the HostConfig.Capabilities field is not supported by this daemon; use CapAdd and CapDrop to set capabilities');
  }
  // VolumeDriver does not apply to Mounts volumes (their own DriverConfig does): said from 1.48
  const mounts = Array.isArray(hc?.Mounts) ? hc.Mounts as Array<{ Type?: string; VolumeOptions?: { DriverConfig?: { Name?: string } | null } | null } | null> : [];
  if (hc?.VolumeDriver && versionGte(version, '1.48') && mounts.some((m) => m?.Type === 'volume' && !m.VolumeOptions?.DriverConfig?.Name)) {
    warnings.push("WARNING: the container-wide volume-driver configuration is ignored for volumes specified via 'mount'. Use '--mount type=volume,volume-driver=...' instead");
  }
  return { body: out, warnings };
}

/**
 * NetworkingConfig.EndpointsConfig at create: one endpoint only before 1.44 (dockerd's message);
 * GwPriority is 1.48's.
 */
function shapeEndpointsConfig(body: ContainerCreateBody, version: string): void {
  const nc = (body as Record<string, unknown>).NetworkingConfig as { EndpointsConfig?: Record<string, Record<string, unknown> | null> | null } | undefined | null;
  const eps = nc?.EndpointsConfig;
  if (!eps) return;
  const names = Object.keys(eps);
  if (versionLt(version, '1.44') && names.length > 1) {
    throw new InvalidParameterError(`Container cannot be connected to network endpoints: ${names.join(', ')}`);
  }
  if (versionLt(version, '1.48')) {
    const shaped = Object.fromEntries(Object.entries(eps).map(([k, ep]) => {
      if (!ep) return [k, ep];
      const { GwPriority: _g, ...rest } = ep;
      return [k, rest];
    }));
    (body as Record<string, unknown>).NetworkingConfig = { ...nc, EndpointsConfig: shaped };
  }
}

/** `signal` on stop and restart exists from 1.42; older clients' value is ignored, as dockerd does. */
export function stopSignal(signal: string | undefined, version: string): string | undefined {
  return versionGte(version, '1.42') ? signal : undefined;
}

/** Per-device blkio settings on update are honoured from 1.55 (dockerd ignored them before). */
export function shapeUpdateRequest(body: ContainerUpdateBody, version: string): ContainerUpdateBody {
  const out: Record<string, unknown> = { ...body };
  if (versionLt(version, '1.55')) {
    for (const k of ['BlkioWeightDevice', 'BlkioDeviceReadBps', 'BlkioDeviceWriteBps', 'BlkioDeviceReadIOps', 'BlkioDeviceWriteIOps']) delete out[k];
  }
  if (versionGte(version, '1.52')) delete out.KernelMemoryTCP;
  if (versionGte(version, '1.42')) delete out.KernelMemory;
  return out as ContainerUpdateBody;
}

/**
 * Content-Type of GET /containers/{id}/logs. dockerd 23+ sends application/vnd.docker.raw-stream,
 * and from API 1.42 application/vnd.docker.multiplexed-stream when the stream is multiplexed (no
 * TTY). (dockerd 20.10 sent none: WriteLogStream flushes before the first byte, so Go sniffs nothing.)
 */
export function logsContentType(version: string, tty: boolean): string {
  return !tty && !versionLt(version, '1.42') ? MULTIPLEXED_STREAM : RAW_STREAM;
}

/** POST /containers/{id}/wait's body: `Error` from 1.34 (CHANGELOG v1.34; the v1.30–1.33 schemas have StatusCode only). */
export function shapeWaitResult(r: { StatusCode: number; Error?: { Message: string } | null }, version: string): Record<string, unknown> {
  return versionLt(version, '1.34') ? { StatusCode: r.StatusCode } : { StatusCode: r.StatusCode, Error: r.Error ?? null };
}

/**
 * The `since`/`before` query parameters of GET /containers/json, as filters: documented up to
 * v1.24 (the v1.25 schema has only the filters of the same names). dockerd has ignored the
 * parameters since docker 1.12, at every version; berthd keeps them where they are documented.
 */
export function legacyListFilters(query: { since?: string | undefined; before?: string | undefined }, version: string): Record<string, string[]> {
  if (!versionLt(version, '1.25')) return {};
  return { ...(query.since ? { since: [query.since] } : {}), ...(query.before ? { before: [query.before] } : {}) };
}
