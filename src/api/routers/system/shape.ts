// Per-version shaping of /version and /info responses.
import { versionLt } from '../../../internal/version.js';
import { withKeysAfter } from '../../../internal/object-keys.js';
import type { InfoResult, VersionResult } from './backend.js';

export function shapeVersion(v: VersionResult, version: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...v };
  // Platform and Components appeared in 1.35; MinAPIVersion in 1.25.
  if (versionLt(version, '1.35')) { delete out.Platform; delete out.Components; }
  if (versionLt(version, '1.25')) delete out.MinAPIVersion;
  return out;
}

/**
 * The backend's /info is the newest (1.55) shape; older versions get back what dockerd's
 * system_routes.go getInfo adds for them (each step names the version that changed the field).
 */
export function shapeInfo(info: InfoResult, version: string): InfoResult {
  let out: InfoResult = { ...info };
  if (versionLt(version, '1.53')) delete out.NRI;
  if (versionLt(version, '1.50')) { delete out.DiscoveredDevices; out = bridgeNfPre150(out); }
  if (versionLt(version, '1.49')) { delete out.FirewallBackend; out = expectedCommitsPre149(out); }
  if (versionLt(version, '1.49')) out = nondistributablePre149(out, version);
  if (versionLt(version, '1.46')) delete out.Containerd;
  if (versionLt(version, '1.44')) delete out.CDISpecDirs;
  // dockerd 23+ (1.42) omits KernelMemory/KernelMemoryTCP when false; berthd's are always false.
  if (versionLt(version, '1.42')) out = withKeysAfter(out, 'SwapLimit', { KernelMemory: false, KernelMemoryTCP: false });
  // Counts by state appeared in 1.22 (CHANGELOG v1.22: running, stopped and paused).
  if (versionLt(version, '1.22')) {
    delete out.ContainersRunning; delete out.ContainersPaused; delete out.ContainersStopped;
  }
  if (versionLt(version, '1.40')) delete out.CgroupVersion;
  if (versionLt(version, '1.39')) out = unknownHostFacts(out);
  if (versionLt(version, '1.25')) out = infoPre125(out);
  // InitSha1 is in the docs from v1.16 only (InitPath from v1.12); dockerd sends neither.
  if (versionLt(version, '1.16')) delete out.InitSha1;
  if (versionLt(version, '1.19')) out = infoFlagsAsInts(out);
  return out;
}

/** 1.50 omits BridgeNfIptables/BridgeNfIp6tables (always false since 1.48). */
function bridgeNfPre150(info: InfoResult): InfoResult {
  return 'IPv4Forwarding' in info ? withKeysAfter(info, 'IPv4Forwarding', { BridgeNfIptables: false, BridgeNfIp6tables: false }) : info;
}

/** 1.49 omits ContainerdCommit/RuncCommit/InitCommit `Expected` (which dockerd set to the ID). */
function expectedCommitsPre149(info: InfoResult): InfoResult {
  const out: InfoResult = { ...info };
  for (const k of ['ContainerdCommit', 'RuncCommit', 'InitCommit']) {
    const commit = out[k] as { ID?: string } | undefined;
    if (commit && typeof commit === 'object') out[k] = { ...commit, Expected: commit.ID ?? '' };
  }
  return out;
}

/**
 * RegistryConfig.AllowNondistributableArtifacts{CIDRs,Hostnames}: always null from 1.48 (the option
 * is on by default), omitted from 1.49; berthd sent empty lists before, as dockerd without the option.
 */
function nondistributablePre149(info: InfoResult, version: string): InfoResult {
  const rc = info.RegistryConfig as Record<string, unknown> | undefined;
  if (!rc || typeof rc !== 'object') return info;
  const value = versionLt(version, '1.48') ? [] : null;
  return { ...info, RegistryConfig: { AllowNondistributableArtifactsCIDRs: value, AllowNondistributableArtifactsHostnames: value, ...rc } };
}

/** Before 1.39 dockerd never sent these empty: "<unknown>" instead (system_routes.go getInfo). */
function unknownHostFacts(info: InfoResult): InfoResult {
  return { ...info, KernelVersion: info.KernelVersion || '<unknown>', OperatingSystem: info.OperatingSystem || '<unknown>' };
}

/**
 * Before 1.25: dockerd adds ExecutionDriver ("<not supported>" since containerd replaced the
 * execution drivers) and lists security options by name only ("seccomp", not
 * "name=seccomp,profile=default"); the old docs also list InitPath and InitSha1 (dockerinit's path
 * and checksum), empty since dockerinit went away.
 */
function infoPre125(info: InfoResult): InfoResult {
  const options = Array.isArray(info.SecurityOptions) ? info.SecurityOptions as unknown[] : [];
  return {
    ...info,
    ExecutionDriver: '<not supported>',
    InitPath: '',
    InitSha1: '',
    SecurityOptions: options.map((o) => securityOptionName(String(o))),
  };
}

function securityOptionName(option: string): string {
  for (const kv of option.split(',')) if (kv.startsWith('name=')) return kv.slice('name='.length);
  return option;
}

/** Before 1.19 Debug, IPv4Forwarding, MemoryLimit and SwapLimit were 0/1 (CHANGELOG v1.19). */
function infoFlagsAsInts(info: InfoResult): InfoResult {
  const out: InfoResult = { ...info };
  for (const k of ['Debug', 'IPv4Forwarding', 'MemoryLimit', 'SwapLimit']) {
    if (typeof out[k] === 'boolean') out[k] = out[k] ? 1 : 0;
  }
  return out;
}
