// Per-version shaping of /version and /info responses.
import { versionLt } from '../../../internal/version.js';
import type { InfoResult, VersionResult } from './backend.js';

export function shapeVersion(v: VersionResult, version: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...v };
  // Platform and Components appeared in 1.35; MinAPIVersion in 1.25.
  if (versionLt(version, '1.35')) { delete out.Platform; delete out.Components; }
  if (versionLt(version, '1.25')) delete out.MinAPIVersion;
  return out;
}

export function shapeInfo(info: InfoResult, version: string): InfoResult {
  let out: InfoResult = { ...info };
  // Counts by state appeared in 1.22 (CHANGELOG v1.22: running, stopped and paused).
  if (versionLt(version, '1.22')) {
    delete out.ContainersRunning; delete out.ContainersPaused; delete out.ContainersStopped;
  }
  if (versionLt(version, '1.40')) delete out.CgroupVersion;
  if (versionLt(version, '1.39')) out = unknownHostFacts(out);
  if (versionLt(version, '1.25')) out = infoPre125(out);
  if (versionLt(version, '1.19')) out = infoFlagsAsInts(out);
  return out;
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
