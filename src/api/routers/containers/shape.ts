// Per-version shaping of container responses (newest shape in, older shape out), and of requests.
import { versionLt } from '../../../internal/version.js';
import type { ContainerInspect, ContainerSummary } from './backend.js';

export function shapeSummary(s: ContainerSummary, version: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...s };
  // State (1.23), Mounts (1.23), NetworkSettings (1.21), HostConfig (1.20), ImageID (1.21), Labels (1.18)
  if (versionLt(version, '1.23')) { delete out.State; delete out.Mounts; }
  if (versionLt(version, '1.21')) { delete out.NetworkSettings; delete out.ImageID; }
  if (versionLt(version, '1.20')) delete out.HostConfig;
  if (versionLt(version, '1.18')) delete out.Labels;
  return out;
}

export function shapeInspect(c: ContainerInspect, version: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...c };
  const state = { ...(out.State as Record<string, unknown>) };
  if (versionLt(version, '1.21')) { delete state.Status; delete out.Mounts; }
  if (versionLt(version, '1.25')) delete out.Platform;
  if (versionLt(version, '1.20')) {
    // Before 1.20 volumes were reported as Volumes/VolumesRW maps.
    out.Volumes = {}; out.VolumesRW = {};
  }
  out.State = state;
  return out;
}
