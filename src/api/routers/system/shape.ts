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
  const out: InfoResult = { ...info };
  // Counts by state appeared in 1.24 (ContainersRunning/Paused/Stopped).
  if (versionLt(version, '1.24')) {
    delete out.ContainersRunning; delete out.ContainersPaused; delete out.ContainersStopped;
  }
  if (versionLt(version, '1.40')) delete out.CgroupVersion;
  return out;
}
