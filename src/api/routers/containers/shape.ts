// Per-version shaping of container responses (newest shape in, older shape out), and of requests.
// Versions follow the API reference docs (reference/api/v1.x.md) and dockerd 20.10's
// containerInspectPre120/containerInspect120. List and inspect are hot paths: clients of a version
// with the newest shape get the backend's object itself, not a copy.
import { versionLt } from '../../../internal/version.js';
import type { ContainerInspect, ContainerSummary } from './backend.js';
import { MULTIPLEXED_STREAM, RAW_STREAM } from '../hijacked-stream.js';

export function shapeSummary(s: ContainerSummary, version: string): Record<string, unknown> {
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

export function shapeInspect(c: ContainerInspect, version: string): Record<string, unknown> {
  if (!versionLt(version, '1.25')) return c;
  const out: Record<string, unknown> = { ...c };
  const state = { ...(out.State as Record<string, unknown>) };
  const config = { ...(out.Config as Record<string, unknown> | undefined) };
  const hostConfig = (out.HostConfig as Record<string, unknown> | undefined) ?? {};
  delete out.Platform; // 1.25
  if (versionLt(version, '1.22')) { delete state.Dead; out.ExecDriver = 'native-0.2'; }
  if (versionLt(version, '1.21')) {
    delete state.Status;
    const ns = { ...(out.NetworkSettings as Record<string, unknown> | undefined) };
    delete ns.Networks;
    out.NetworkSettings = ns;
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
  out.State = state;
  if (out.Config !== undefined) out.Config = config;
  return out;
}

/**
 * Content-Type of GET /containers/{id}/logs. dockerd 23+ sends application/vnd.docker.raw-stream,
 * and from API 1.42 application/vnd.docker.multiplexed-stream when the stream is multiplexed (no
 * TTY). (dockerd 20.10 sent none: WriteLogStream flushes before the first byte, so Go sniffs nothing.)
 */
export function logsContentType(version: string, tty: boolean): string {
  return !tty && !versionLt(version, '1.42') ? MULTIPLEXED_STREAM : RAW_STREAM;
}
